using Grad.LanguageServer.Features.SemanticTokens;

namespace Grad.LanguageServer.Features.Lifecycle;

/// <summary>What the server offers; one entry per feature folder.</summary>
public static class ServerCapabilities
{
    public static object Create() => new
    {
        positionEncoding = "utf-16",
        textDocumentSync = new { openClose = true, change = 2, save = new { includeText = false } },
        hoverProvider = true,
        completionProvider = new { triggerCharacters = new[] { "(", ",", "=" }, resolveProvider = false },
        signatureHelpProvider = new { triggerCharacters = new[] { "(", "," }, retriggerCharacters = new[] { "," } },
        definitionProvider = true,
        referencesProvider = true,
        documentSymbolProvider = true,
        renameProvider = new { prepareProvider = true },
        semanticTokensProvider = new { legend = SemanticTokenLegend.Create(), full = true, range = false },
        foldingRangeProvider = true,
        documentFormattingProvider = true,
        codeActionProvider = new { codeActionKinds = new[] { "quickfix" } },
        codeLensProvider = new { resolveProvider = false },
        inlayHintProvider = true,
        executeCommandProvider = new { commands = new[] { Runs.RunsFeature.RunCommand } },
    };
}
