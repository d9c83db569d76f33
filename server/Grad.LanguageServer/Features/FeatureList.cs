using Grad.LanguageServer.Features.CodeActions;
using Grad.LanguageServer.Features.CodeLens;
using Grad.LanguageServer.Features.Completion;
using Grad.LanguageServer.Features.Folding;
using Grad.LanguageServer.Features.Formatting;
using Grad.LanguageServer.Features.Hover;
using Grad.LanguageServer.Features.InlayHints;
using Grad.LanguageServer.Features.Lifecycle;
using Grad.LanguageServer.Features.Navigation;
using Grad.LanguageServer.Features.Runs;
using Grad.LanguageServer.Features.SemanticTokens;
using Grad.LanguageServer.Features.SignatureHelp;
using Grad.LanguageServer.Features.Symbols;
using Grad.LanguageServer.Features.Sync;
using Grad.LanguageServer.Features.WhatIf;
using Grad.LanguageServer.Hosting;

namespace Grad.LanguageServer.Features;

/// <summary>Every feature the server offers, in one list: each object's [JsonRpcMethod]s are its handlers.</summary>
public static class FeatureList
{
    public static IEnumerable<object> Create(ServerContext context, LifecycleFeature lifecycle) =>
    [
        lifecycle,
        new TextDocumentSyncFeature(context),
        new DataFileWatchFeature(context),
        new HoverFeature(context),
        new InlayHintFeature(context),
        new CompletionFeature(context),
        new SignatureHelpFeature(context),
        new DocumentSymbolFeature(context),
        new NavigationFeature(context),
        new SemanticTokensFeature(context),
        new FoldingRangeFeature(context),
        new FormattingFeature(context),
        new CodeActionFeature(context),
        new CodeLensFeature(context),
        new RunsFeature(context),
        new WhatIfFeature(context),
    ];
}
