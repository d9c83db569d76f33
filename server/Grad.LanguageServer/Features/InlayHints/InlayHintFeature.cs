using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Features.InlayHints;

/// <summary>‖δ‖ at the end of each layer line (a range for a repeat), and a minimize run's final parameters on its <c>from</c> line.</summary>
public sealed class InlayHintFeature
{
    private readonly ServerContext context;

    public InlayHintFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/inlayHint", UseSingleObjectParameterDeserialization = true)]
    public async Task<InlayHint[]> InlayHintsAsync(InlayHintParams request, CancellationToken cancellationToken)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return [];
        }

        await Task.Yield();
        var compilation = snapshot.Compilation;
        var source = compilation.Source;
        var first = request.Range.Start.Line;
        var last = request.Range.End.Line;
        var hints = new List<InlayHint>();

        foreach (var network in compilation.Program.Networks)
        {
            if (source.GetLine(network.Syntax.Span.End) < first || source.GetLine(network.Syntax.Span.Start) > last)
            {
                continue;
            }

            if (context.Analyzer.GetNetwork(compilation, network, cancellationToken).Analysis is not { } report)
            {
                continue;
            }

            foreach (var group in network.Layers.GroupBy(l => source.GetLine(l.Syntax.Span.End)))
            {
                if (group.Key < first || group.Key > last)
                {
                    continue;
                }

                var norms = group.Select(l => report.Layers.FirstOrDefault(r => r.Index == l.Index)?.DeltaNorm).OfType<double>().ToArray();
                if (norms.Length == 0)
                {
                    continue;
                }

                var label = norms.Length == 1
                    ? $"‖δ‖={Numbers.Format(norms[0])}"
                    : $"‖δ‖={Numbers.Format(norms[0])}…{Numbers.Format(norms[^1])}";
                hints.Add(new InlayHint
                {
                    Position = source.ToPosition(source.GetLineEnd(group.Key)),
                    Label = label,
                    PaddingLeft = true,
                    Tooltip = new MarkupContent
                    {
                        Value = string.Join("  \n", group.Zip(norms, (l, n) => $"layer {l.Index}: ‖δ{Numbers.Superscript(l.Index)}‖ = {Numbers.Format(n)} at the initial weights")),
                    },
                });
            }
        }

        foreach (var run in compilation.Program.Runs.Where(r => r.Kind == RunKind.Minimize))
        {
            var minimize = run.Syntax.Items.OfType<MinimizeItemSyntax>().FirstOrDefault();
            var report = minimize is null ? null : context.Analyzer.GetCurrentRun(snapshot, run);
            if (report is null || minimize is null)
            {
                continue;
            }

            var line = source.GetLine(minimize.Span.End);
            if (line < first || line > last)
            {
                continue;
            }

            hints.Add(new InlayHint
            {
                Position = source.ToPosition(source.GetLineEnd(line)),
                Label = "→ " + string.Join(", ", report.FinalParams.Select(p => $"{p.Key}={Numbers.Format(p.Value)}")),
                PaddingLeft = true,
                Tooltip = new MarkupContent { Value = $"after run `{run.Name}`: {report.Summary}" },
            });
        }

        return hints.ToArray();
    }
}
