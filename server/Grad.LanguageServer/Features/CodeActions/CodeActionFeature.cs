using Grad.Language;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Features.CodeActions;

/// <summary>
/// Quick fixes where the remedy is mechanical: sigmoid → relu on a vanishing network's hidden
/// layers, an init that keeps δ's scale (xavier_uniform / he_normal), and an adaptive optimizer
/// (adagrad / adam) for an ill-conditioned or diverging run.
/// </summary>
public sealed class CodeActionFeature
{
    private readonly ServerContext context;

    public CodeActionFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/codeAction", UseSingleObjectParameterDeserialization = true)]
    public async Task<CodeAction[]> CodeActionsAsync(CodeActionParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return [];
        }

        await Task.Yield();
        var compilation = snapshot.Compilation;
        var actions = new List<CodeAction>();
        foreach (var diagnostic in request.Context.Diagnostics)
        {
            var network = diagnostic.Data?["network"]?.ToString();
            var run = diagnostic.Data?["run"]?.ToString();
            if ((diagnostic.Code == AnalysisWarnings.Vanishing.Code || diagnostic.Code == AnalysisWarnings.Exploding.Code)
                && compilation.Program.Networks.FirstOrDefault(n => n.Name == network) is { } boundNetwork)
            {
                if (diagnostic.Code == AnalysisWarnings.Vanishing.Code && SigmoidToRelu(compilation, boundNetwork) is { } relu)
                {
                    actions.Add(Action(snapshot.Uri, $"Use relu instead of sigmoid in the hidden layers of `{boundNetwork.Name}`", diagnostic, relu, preferred: true));
                }

                foreach (var init in new[] { "xavier_uniform", "he_normal" })
                {
                    if (boundNetwork.Init.Kind.ToString() is var current && Matches(current, init))
                    {
                        continue;
                    }

                    actions.Add(Action(snapshot.Uri, $"Initialise `{boundNetwork.Name}` with {init}", diagnostic, [SetInit(compilation, boundNetwork, init)]));
                }
            }

            if ((diagnostic.Code == AnalysisWarnings.IllConditioned.Code || diagnostic.Code == AnalysisWarnings.Diverged.Code)
                && compilation.Program.Runs.FirstOrDefault(r => r.Name == run) is { } boundRun
                && boundRun.Syntax.Items.OfType<OptimizerItemSyntax>().FirstOrDefault() is { Optimizer: { } call })
            {
                foreach (var optimizer in new[] { "adagrad", "adam" })
                {
                    if (boundRun.Optimizer.Name == optimizer)
                    {
                        continue;
                    }

                    var edit = new TextEdit
                    {
                        Range = compilation.Source.ToRange(call.Span),
                        NewText = $"{optimizer}(lr = {Numbers.Invariant(boundRun.Optimizer.Lr)})",
                    };
                    actions.Add(Action(snapshot.Uri, $"Switch `{boundRun.Name}` to {optimizer} (a step size per coordinate)", diagnostic, [edit], preferred: optimizer == "adagrad"));
                }
            }
        }

        return actions.ToArray();
    }

    private static bool Matches(string kind, string init) => kind.Equals(init.Replace("_", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

    private static CodeAction Action(string uri, string title, LspDiagnostic diagnostic, IEnumerable<TextEdit> edits, bool preferred = false) => new()
    {
        Title = title,
        Kind = "quickfix",
        Diagnostics = [diagnostic],
        IsPreferred = preferred ? true : null,
        Edit = new WorkspaceEdit { Changes = new Dictionary<string, TextEdit[]> { [uri] = edits.ToArray() } },
    };

    /// <summary>sigmoid → relu on every hidden layer (the output keeps its activation: a loss may need it).</summary>
    private static TextEdit[]? SigmoidToRelu(Compilation compilation, BoundNetwork network)
    {
        var outputSyntax = network.Layers.Length > 0 ? network.Layers[^1].Syntax : null;
        var edits = network.Layers
            .Where(l => l.Activation.Kind == ActivationKind.Sigmoid && l.Syntax != outputSyntax)
            .Select(l => (l.Syntax as DenseLayerSyntax)?.Activation?.Span)
            .OfType<Language.Text.TextSpan>()
            .Distinct()
            .Select(span => new TextEdit { Range = compilation.Source.ToRange(span), NewText = "relu" })
            .ToArray();
        return edits.Length > 0 ? edits : null;
    }

    /// <summary>Replaces the network's <c>init</c>, or adds one on its own line before the closing brace.</summary>
    private static TextEdit SetInit(Compilation compilation, BoundNetwork network, string init)
    {
        var source = compilation.Source;
        var existing = network.Syntax.Items.OfType<InitItemSyntax>().FirstOrDefault();
        if (existing?.Init is not null)
        {
            return new TextEdit { Range = source.ToRange(existing.Init.Span), NewText = init };
        }

        var anchor = network.Syntax.Items.OfType<LossItemSyntax>().FirstOrDefault() ?? (SyntaxNode?)network.Syntax.Items.LastOrDefault();
        if (anchor is not null)
        {
            var line = source.GetLine(anchor.Span.Start);
            var lineText = source.GetLineText(line);
            var indent = lineText[..(lineText.Length - lineText.TrimStart().Length)];
            var insertAt = source.LineStarts[line];
            return new TextEdit { Range = source.ToRange(new Language.Text.TextSpan(insertAt, 0)), NewText = $"{indent}init {init}\n" };
        }

        var close = network.Syntax.Span.End - 1;
        return new TextEdit { Range = source.ToRange(new Language.Text.TextSpan(close, 0)), NewText = $" init {init} " };
    }
}
