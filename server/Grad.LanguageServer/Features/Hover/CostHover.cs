using System.Collections.Immutable;
using System.Text;
using Grad.Language;
using Grad.LanguageServer.Analysis;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>A cost: its symbolic gradient, and at each run's start point the gradient, Hessian eigenvalues and condition number.</summary>
public static class CostHover
{
    public static string? Markdown(DocumentAnalyzer analyzer, Compilation compilation, string name, CancellationToken cancellationToken)
    {
        var cost = compilation.Program.Costs.FirstOrDefault(c => c.Name == name);
        if (cost is null)
        {
            return null;
        }

        var text = new StringBuilder();
        text.Append("```grad\n").Append(compilation.Source[cost.Syntax.Span].Trim()).Append("\n```\n\n");
        var runs = compilation.Program.Runs.Where(r => r.Cost?.Name == name && r.Start.Length == cost.Parameters.Length).ToArray();
        var symbolicAt = runs.Length > 0 ? runs[0].Start : cost.Parameters.Select(_ => 0.0).ToImmutableArray();
        var symbolic = analyzer.GetCost(cost, symbolicAt, cancellationToken);
        foreach (var (parameter, derivative) in cost.Parameters.Zip(symbolic.Derivatives))
        {
            text.Append($"∂{cost.Name}/∂{parameter} = `{derivative}`  \n");
        }

        foreach (var start in runs.Select(r => r.Start).Distinct(new PointComparer()).Take(3))
        {
            var report = analyzer.GetCost(cost, start, cancellationToken);
            var point = string.Join(", ", cost.Parameters.Zip(start, (p, v) => $"{p} = {Numbers.Format(v)}"));
            var runNames = string.Join(", ", runs.Where(r => r.Start.SequenceEqual(start)).Select(r => $"`{r.Name}`"));
            text.Append($"\n**at {point}** (start of {runNames}): {cost.Name} = {Numbers.Format(report.Value)}\n\n");
            text.Append($"- ∇{cost.Name} = ({string.Join(", ", report.Gradient.Select(g => Numbers.Format(g)))})\n");
            text.Append($"- Hessian eigenvalues: {string.Join(", ", report.Eigenvalues.Select(e => Numbers.Format(e)))}\n");
            text.Append($"- condition number: {Numbers.Format(report.ConditionNumber)}");
            if (report.ConditionNumber > 100)
            {
                text.Append(" — ill-conditioned: one learning rate cannot suit every direction; adagrad or adam adapts per coordinate");
            }

            text.Append('\n');
        }

        return text.ToString().TrimEnd();
    }

    private sealed class PointComparer : IEqualityComparer<ImmutableArray<double>>
    {
        public bool Equals(ImmutableArray<double> x, ImmutableArray<double> y) => x.SequenceEqual(y);

        public int GetHashCode(ImmutableArray<double> obj) => obj.Aggregate(17, (hash, v) => (hash * 31) + v.GetHashCode());
    }
}
