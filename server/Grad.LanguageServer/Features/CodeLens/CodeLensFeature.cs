using Grad.Language.Syntax;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Features.Runs;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.CodeLens;

/// <summary>
/// "▶ Run" above each run, or "Run again · summary" once it has a result; "▶ Run sweep (N members)" above each
/// sweep, or "Run sweep again · best MEMBER: summary" once its members have results. All run <c>grad.run</c>.
/// </summary>
public sealed class CodeLensFeature
{
    private readonly ServerContext context;

    public CodeLensFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/codeLens", UseSingleObjectParameterDeserialization = true)]
    public async Task<Protocol.CodeLens[]> CodeLensAsync(TextDocumentParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return [];
        }

        await Task.Yield();
        if (!context.Settings.Trusted)
        {
            return []; // nothing runs in Restricted Mode
        }

        var compilation = snapshot.Compilation;
        var lenses = new List<Protocol.CodeLens>();
        foreach (var declaration in compilation.Syntax.Declarations.OfType<RunDeclarationSyntax>())
        {
            if (declaration.Name is null)
            {
                continue;
            }

            var run = compilation.Program.Runs.FirstOrDefault(r => r.Syntax == declaration);
            var report = run is null ? null : context.Analyzer.GetCurrentRun(snapshot, run);
            var title = run is null ? "▶ Run (fix the errors first)" : report is null ? "▶ Run" : $"Run again · {report.Summary}";
            lenses.Add(new Protocol.CodeLens
            {
                Range = compilation.Source.ToRange(declaration.KeywordSpan.Cover(declaration.Name.Span)),
                Command = new Command
                {
                    Title = title,
                    CommandName = RunsFeature.RunCommand,
                    Arguments = new JArray(snapshot.Uri, declaration.Name.Text),
                },
            });
        }

        foreach (var sweep in compilation.Program.Sweeps)
        {
            var reports = sweep.Members.Select(m => context.Analyzer.GetCurrentRun(snapshot, m)).ToList();
            var ran = reports.Count(r => r is not null);
            var best = reports.OfType<RunReport>().Where(r => !r.Diverged && (r.FinalLoss ?? r.FinalCost) is { } v && double.IsFinite(v))
                .MinBy(r => r.FinalLoss ?? r.FinalCost);
            var title = ran == 0 ? $"▶ Run sweep ({sweep.Members.Length} members)"
                : $"Run sweep again · {ran} of {sweep.Members.Length} run{(best is null ? "" : $" · best {best.Name}: {best.Summary}")}";
            lenses.Add(new Protocol.CodeLens
            {
                Range = compilation.Source.ToRange(sweep.Syntax.KeywordSpan.Cover(sweep.Syntax.Name!.Span)),
                Command = new Command
                {
                    Title = title,
                    CommandName = RunsFeature.RunCommand,
                    Arguments = new JArray(snapshot.Uri, sweep.Name),
                },
            });
        }

        return lenses.ToArray();
    }
}
