using System.Text;
using Grad.Language.Semantics;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Documents;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>A run: what it does and its last result.</summary>
public static class RunHover
{
    public static string? Markdown(DocumentAnalyzer analyzer, DocumentSnapshot snapshot, string name)
    {
        var run = snapshot.Compilation.Program.Runs.FirstOrDefault(r => r.Name == name);
        if (run is null)
        {
            return null;
        }

        var text = new StringBuilder();
        text.Append(run.Kind == RunKind.Minimize
            ? $"**run `{run.Name}`** · minimize `{run.Cost?.Name}` with `{run.Optimizer.Name}` (lr = {Numbers.Format(run.Optimizer.Lr)})"
            : $"**run `{run.Name}`** · train `{run.Network?.Name}` on `{run.Data?.Name}` with `{run.Optimizer.Name}` (lr = {Numbers.Format(run.Optimizer.Lr)})");
        text.Append("\n\n");

        var current = analyzer.GetCurrentRun(snapshot, run);
        var stored = current is null ? analyzer.RunResults.Get(snapshot.Uri, run.Name) : null;
        var report = current ?? stored?.Report;
        if (report is null)
        {
            return text.Append("Not run yet: use **▶ Run** above it.").ToString();
        }

        if (current is null)
        {
            text.Append("_Last result, from before the file changed:_\n\n");
        }

        text.Append($"**last result:** {report.Summary}\n\n");
        if (report.FinalParams.Length > 0)
        {
            var table = new HoverTable("parameter", "final", "gradient");
            foreach (var (parameter, value) in report.FinalParams)
            {
                var gradient = report.FinalGradient.FirstOrDefault(g => g.Key == parameter).Value;
                table.Row(parameter, Numbers.Format(value), Numbers.Format(gradient));
            }

            text.Append(table);
        }

        if (report.Layers.Length > 0)
        {
            var table = new HoverTable("l", "‖δˡ‖ start", "‖δˡ‖ end", "‖∂C/∂Wˡ‖ start", "‖∂C/∂Wˡ‖ end");
            foreach (var layer in report.Layers)
            {
                table.Row($"{layer.Index}", Numbers.Format(layer.DeltaNormInitial), Numbers.Format(layer.DeltaNormFinal), Numbers.Format(layer.WeightGradNormInitial), Numbers.Format(layer.WeightGradNormFinal));
            }

            text.Append(table);
        }

        return text.ToString().TrimEnd();
    }
}
