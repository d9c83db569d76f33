using Grad.Language.Text;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using Grad.Runtime.Analysis;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.CodeActions;

/// <summary>
/// Quick fixes: the runtime's verified fixes of the findings the client sends back (an edit is
/// one only when the edited file, analysed again, no longer has the finding), the best first and
/// preferred, titled with the predicted figure (<c>relu + he_normal: ‖δ¹‖/‖δ¹⁰‖ = 2.1</c>).
/// </summary>
public sealed class CodeActionFeature
{
    private readonly ServerContext context;

    public CodeActionFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/codeAction", UseSingleObjectParameterDeserialization = true)]
    public async Task<CodeAction[]> CodeActionsAsync(CodeActionParams request, CancellationToken cancellationToken)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null || request.Context.Diagnostics.Length == 0)
        {
            return [];
        }

        await Task.Yield();
        var source = snapshot.Compilation.Source;
        var findings = context.Analyzer.Judge(snapshot, cancellationToken).Findings;
        var actions = new List<CodeAction>();
        foreach (var diagnostic in request.Context.Diagnostics)
        {
            var finding = findings.FirstOrDefault(f => f.Code == diagnostic.Code && SameRange(source.ToRange(f.Span), diagnostic.Range));
            if (finding is null)
            {
                continue;
            }

            for (var i = 0; i < finding.Fixes.Length; i++)
            {
                actions.Add(Action(snapshot.Uri, source, finding.Fixes[i], diagnostic, preferred: i == 0));
            }
        }

        return actions.ToArray();
    }

    private static bool SameRange(Protocol.Range a, Protocol.Range b) =>
        a.Start.Line == b.Start.Line && a.Start.Character == b.Start.Character && a.End.Line == b.End.Line && a.End.Character == b.End.Character;

    private static CodeAction Action(string uri, SourceText source, VerifiedFix fix, LspDiagnostic diagnostic, bool preferred) => new()
    {
        Title = fix.Title,
        Kind = "quickfix",
        Diagnostics = [diagnostic],
        IsPreferred = preferred ? true : null,
        Edit = new WorkspaceEdit
        {
            Changes = new Dictionary<string, TextEdit[]>
            {
                [uri] = [.. fix.Edits.Select(e => new TextEdit { Range = source.ToRange(e.Span), NewText = e.NewText })],
            },
        },
    };
}
