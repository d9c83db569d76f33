using System.Globalization;
using System.Runtime.CompilerServices;
using Grad.Language.Semantics;
using Grad.Runtime.Charts;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Features.Runs;

/// <summary>
/// The <c>contours</c> of <c>grad/runResults</c>: per cost with minimize runs (of at least two
/// parameters) the CLI's contour chart as data, its level sets as polylines, so the editor draws
/// the same chart.
/// </summary>
public static class ContourJson
{
    /// <summary>Significant digits of the coordinates and levels (the payload stays modest).</summary>
    public const int Digits = 6;

    /// <summary>
    /// Charts already built, by the first of their runs' results: <c>grad/runResults</c> is asked after
    /// every analysis, while the results change only when a run runs again (a new result object).
    /// An entry goes with its result.
    /// </summary>
    private static readonly ConditionalWeakTable<MinimizeResult, Built> Cache = new();

    private sealed record Built(MinimizeResult[] Runs, JObject Chart);

    /// <summary>One chart per cost, in the order of the costs' first runs, as <see cref="ChartSet"/> groups them.</summary>
    public static JArray Build(IEnumerable<BoundCost> costs, IEnumerable<MinimizeResult> results)
    {
        var charts = new JArray();
        var byName = costs.ToDictionary(c => c.Name);
        foreach (var group in results.GroupBy(r => r.CostName))
        {
            if (!byName.TryGetValue(group.Key, out var cost) || cost.Parameters.Length < 2)
            {
                continue;
            }

            MinimizeResult[] runs = [.. group];
            if (!Cache.TryGetValue(runs[0], out var built) || !built.Runs.SequenceEqual(runs, ReferenceEqualityComparer.Instance))
            {
                built = new Built(runs, Build(ContourChart.Build(cost, runs)));
                Cache.AddOrUpdate(runs[0], built);
            }

            // A copy: the cached object stays out of the response's tree.
            charts.Add(built.Chart.DeepClone());
        }

        return charts;
    }

    public static JObject Build(ContourChart chart) => new()
    {
        ["cost"] = chart.CostName,
        ["xParameter"] = chart.XParameter,
        ["yParameter"] = chart.YParameter,
        ["title"] = chart.Title,
        ["held"] = new JArray(chart.Held.Select(h => new JObject { ["name"] = h.Name, ["value"] = Number(h.Value) })),
        ["window"] = new JObject
        {
            ["xMin"] = Number(chart.Window.XMin),
            ["xMax"] = Number(chart.Window.XMax),
            ["yMin"] = Number(chart.Window.YMin),
            ["yMax"] = Number(chart.Window.YMax),
        },
        ["levels"] = new JArray(chart.Levels.Levels.Select(Number)),
        ["lines"] = new JArray(chart.Lines.Select(line => new JObject
        {
            ["level"] = Number(line.Level),
            ["points"] = new JArray(line.X.Zip(line.Y).Select(p => new JArray(Number(p.First), Number(p.Second)))),
        })),
    };

    /// <summary>A JSON number rounded to <see cref="Digits"/> significant digits (NaN and infinities as strings, as in LANGUAGE.md).</summary>
    public static JToken Number(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        return value == 0 ? 0.0 : double.Parse(value.ToString($"G{Digits}", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
