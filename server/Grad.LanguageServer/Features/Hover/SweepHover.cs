using System.Text;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Features.Common;
using Grad.Runtime;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>
/// A <c>vary</c> line of a sweep (v2): for each of its values, the best member that has it (by
/// final loss or cost), from the members' current results, so the line says which value won.
/// </summary>
public static class SweepHover
{
    public static string? Markdown(DocumentAnalyzer analyzer, DocumentSnapshot snapshot, int offset)
    {
        var compilation = snapshot.Compilation;
        if (compilation.DeclarationAt(offset) is not SweepDeclarationSyntax declaration
            || declaration.Items.OfType<VaryItemSyntax>().FirstOrDefault(v => v.Span.Touches(offset)) is not { Setting: { } setting, Values: { } values }
            || compilation.Program.Sweeps.FirstOrDefault(s => s.Syntax == declaration) is not { } sweep)
        {
            return null;
        }

        var train = sweep.Base.Kind == RunKind.Train;
        var metric = train ? "loss" : "cost";
        var text = new StringBuilder($"**vary `{setting.Text}`** in sweep `{sweep.Name}` · {values.Length} value{(values.Length == 1 ? "" : "s")} × the other lists = {sweep.Members.Length} members of run `{sweep.Base.Name}`\n\n");
        var results = sweep.Members.Select(m => (Member: m, Report: analyzer.GetCurrentRun(snapshot, m))).ToList();
        var ran = results.Count(r => r.Report is not null);
        if (ran == 0)
        {
            return text.Append("Not run yet: use **▶ Run sweep** above it.").ToString();
        }

        text.Append($"Best member for each value, by final {metric} ({ran} of {sweep.Members.Length} members run):\n\n");
        // Members are the product of the lists, the first varying slowest: member m has value (m / stride) mod count of this list.
        var varies = declaration.Items.OfType<VaryItemSyntax>().ToList();
        var position = varies.FindIndex(v => v.Setting?.Text == setting.Text);
        var stride = varies.Skip(position + 1).Aggregate(1, (product, v) => product * (v.Values?.Length ?? 1));
        var table = new HoverTable(setting.Text, $"best final {metric}", "member", "result");
        for (var index = 0; index < values.Length; index++)
        {
            var valueText = string.Concat(compilation.Source[values[index].Span].Where(c => !char.IsWhiteSpace(c)));
            var best = results
                .Where((r, m) => r.Report is not null && m / stride % values.Length == index)
                .Select(r => (r.Member, Report: r.Report!, Final: (train ? r.Report!.FinalLoss : r.Report!.FinalCost) ?? double.NaN))
                .OrderBy(r => double.IsFinite(r.Final) && !r.Report.Diverged ? 0 : 1).ThenBy(r => double.IsFinite(r.Final) ? r.Final : 0)
                .FirstOrDefault();
            // Six digits, as the CLI's sweep table: a ranking needs the digits that tell members apart.
            table.Row($"`{valueText}`", best.Report is null ? "not run" : Numbers.Format(best.Final, Numbers.TableDigits), best.Member is null ? "" : $"`{best.Member.Name}`",
                best.Report is null ? "" : best.Report.Summary);
        }

        return text.Append(table).ToString();
    }
}
