using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Charts;

/// <summary>
/// Every chart of a file's results, as data (the CLI draws them; tests check them):
/// per cost with minimize runs a contour chart (two or more parameters) or a profile (one) and
/// its cost curves; per minimize run its gradient components; per data set with training runs
/// the loss curves; per network its gradient flow, and all networks' initial ‖δ^l‖ side by side
/// when there are two or more; per training run its ‖δ^l‖ heatmap and its health over training; per sweep its members' curves (<see cref="SweepCharts"/>).
/// </summary>
public sealed record ChartSet(
    IReadOnlyList<ContourChart> Contours,
    IReadOnlyList<ProfileChart> Profiles,
    IReadOnlyList<LineChart> Lines,
    IReadOnlyList<GradientFlowChart> Flows,
    FlowComparisonChart? FlowComparison,
    IReadOnlyList<DeltaHeatmap> Heatmaps)
{
    /// <summary>Per training run its health over training (<see cref="HealthCharts"/>, docs/training.md).</summary>
    public IReadOnlyList<HealthCharts> Health { get; init; } = [];

    /// <summary>Per training run that computed one, its loss landscape (<see cref="LandscapeCharts"/>, docs/training.md).</summary>
    public IReadOnlyList<LandscapeCharts> Landscapes { get; init; } = [];

    /// <summary>
    /// The charts of <c>grad run</c>. <paramref name="analyzeUntrained"/> gives the initial
    /// analysis of a network that no run trained (null to leave it out).
    /// </summary>
    public static ChartSet FromRuns(BoundProgram program, IReadOnlyList<RunResult> results, Func<BoundNetwork, NetworkAnalysis?>? analyzeUntrained = null)
    {
        // A sweep's members (v2) have charts of their own (SweepCharts); the others are the file's runs.
        var minimize = results.OfType<MinimizeResult>().Where(r => r.Member is null).ToList();
        var train = results.OfType<TrainResult>().Where(r => r.Member is null).ToList();
        var contours = new List<ContourChart>();
        var profiles = new List<ProfileChart>();
        var lines = new List<LineChart>();
        foreach (var group in minimize.GroupBy(r => r.CostName))
        {
            var runs = group.ToList();
            var cost = program.Costs.FirstOrDefault(c => c.Name == group.Key);
            if (cost is { Parameters.Length: >= 2 })
            {
                contours.Add(ContourChart.Build(cost, runs));
            }
            else if (cost is { Parameters.Length: 1 })
            {
                profiles.Add(ProfileChart.Build(cost, runs));
            }

            lines.Add(LineChart.CostCurves(group.Key, runs));
        }

        lines.AddRange(minimize.Select(LineChart.GradientComponents));
        lines.AddRange(train.GroupBy(r => r.DataName).Select(g => LineChart.LossCurves(g.Key, [.. g])));
        lines.AddRange(SweepCharts.For(program, results));

        var flows = new List<GradientFlowChart>();
        foreach (var network in program.Networks)
        {
            var runs = train.Where(r => r.NetworkName == network.Name).ToList();
            if (runs.Count > 0)
            {
                flows.Add(GradientFlowChart.FromTraining(runs));
            }
            else if (analyzeUntrained?.Invoke(network) is { } analysis)
            {
                flows.Add(GradientFlowChart.FromAnalysis(analysis));
            }
        }

        return new ChartSet(contours, profiles, lines, flows, FlowComparisonChart.FromFlows(flows), [.. train.Select(DeltaHeatmap.FromRun)])
        {
            Health = [.. train.Select(HealthCharts.FromRun)],
            Landscapes = [.. train.Select(LandscapeCharts.FromRun).OfType<LandscapeCharts>()],
        };
    }

    /// <summary>The charts of <c>grad inspect</c>: each network's gradient flow at its initial weights.</summary>
    public static ChartSet FromAnalyses(IReadOnlyList<NetworkAnalysis> analyses)
    {
        var flows = analyses.Select(GradientFlowChart.FromAnalysis).ToList();
        return new ChartSet([], [], [], flows, FlowComparisonChart.FromFlows(flows), []);
    }
}
