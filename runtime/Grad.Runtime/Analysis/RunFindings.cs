using System.Collections.Immutable;
using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.Language.Text;
using Grad.Runtime.Data;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Analysis;

/// <summary>
/// The judgement of a run: before it runs, a learning rate above the stability limit
/// (GRAD0508); after it ran, divergence with its cause (GRAD0502), a stop by <c>until</c>
/// (GRAD0503) or by the steps running out (GRAD0505) far from the minimum of the local quadratic
/// model, and for training runs vanishing, exploding (GRAD0500/0501) or dead units (GRAD0506)
/// that develop during training, at the first recorded step where they appear.
/// </summary>
public static class RunFindings
{
    /// <summary>The Newton distance must be this many times the last step's largest change (and see <see cref="FarFraction"/>).</summary>
    public const double FarRatio = 10;

    /// <summary>…and at least this fraction of the parameters' scale max(1, |θ|): a tiny distance is a minimum for any user.</summary>
    public const double FarFraction = 1e-3;

    /// <summary>The codes that judge how a run ended: a fix of one must leave none of them.</summary>
    public static ImmutableHashSet<string> OutcomeCodes { get; } =
    [
        DiagnosticCatalog.RunDiverges.Code, DiagnosticCatalog.IllConditionedStop.Code, DiagnosticCatalog.NotAMinimum.Code,
        DiagnosticCatalog.VanishingGradient.Code, DiagnosticCatalog.ExplodingGradient.Code, DiagnosticCatalog.DeadUnits.Code,
    ];

    /// <summary>GRAD0508 on the run's optimizer line: lr above the stability limit at the start.</summary>
    public static ImmutableArray<Finding> Static(Compilation compilation, BoundRun run, Func<BoundData, DataLoadResult> loadData, CancellationToken cancellation = default)
    {
        if (run.Optimizer.Kind != OptimizerKind.Sgd || StabilityLimit.LambdaMaxAtStart(run, loadData, cancellation) is not { } lambdaMax
            || StabilityLimit.LearningRateLimit(run.Optimizer, lambdaMax) is not { } limit || run.Optimizer.Lr <= limit)
        {
            return [];
        }

        var span = OptimizerSpan(run);
        var what = run.Kind == RunKind.Minimize ? $"the Hessian of `{run.Cost!.Name}` at the start point" : $"the Hessian of the loss of `{run.Network!.Name}` on its first batch at the initial weights";
        var limitText = run.Optimizer.Momentum == 0 && run.Optimizer.Dampening == 0 && run.Optimizer.WeightDecay == 0 ? "2/λmax" : "the stability limit";
        return [new Finding(DiagnosticCatalog.LearningRateAboveStability, span, compilation.Source.GetRange(span),
            $"run `{run.Name}`: lr = {Numbers.Format(run.Optimizer.Lr)} is above {limitText} = {Numbers.Format(limit)}, where λmax = {Numbers.Format(lambdaMax)} is the largest eigenvalue of {what}. Along that direction each step overshoots by |1 − lr·λmax| = {Numbers.Format(Math.Abs(1 - run.Optimizer.Lr * lambdaMax))}, so the run oscillates or diverges.")
        {
            Subject = run.Name,
            Step = 0,
            Numbers = Figures(("lambdaMax", lambdaMax), ("lr", run.Optimizer.Lr), ("stabilityLimit", limit)),
        }];
    }

    /// <summary>The findings of a finished run (without fixes; <see cref="Analyzer.JudgeRun"/> adds them).</summary>
    public static ImmutableArray<Finding> Judge(Compilation compilation, BoundRun run, CompletedRunResult result, Func<BoundData, DataLoadResult> loadData)
    {
        return result switch
        {
            MinimizeResult minimize when run.Cost is { } cost => Minimize(compilation, run, cost, minimize, loadData),
            TrainResult train => Train(compilation, run, train, loadData),
            _ => [],
        };
    }

    private static ImmutableArray<Finding> Minimize(Compilation compilation, BoundRun run, BoundCost cost, MinimizeResult result, Func<BoundData, DataLoadResult> loadData)
    {
        if (result.StopReason == StopReason.Diverged)
        {
            return [Diverged(compilation, run, result.StepsTaken, result.Trace.Count > 0 && !double.IsFinite(result.Trace[0].Cost) || !run.Start.All(double.IsFinite), loadData)];
        }

        var stoppedByUntil = result.StopReason == StopReason.Until && run.Until.Any(u => u.Metric is StopMetric.Change or StopMetric.Grad);
        if (!stoppedByUntil && result.StopReason != StopReason.Steps)
        {
            return [];
        }

        if (result.StepsTaken < 1)
        {
            return [];
        }

        var model = CostAnalyzer.Analyze(cost, result.FinalParameters);
        if (model.NewtonStep is not { } newton)
        {
            return [];
        }

        var change = result.LastChange;
        var far = Enumerable.Range(0, newton.Length).MaxBy(i => Math.Abs(newton[i]));
        var distance = Math.Abs(newton[far]);
        var scale = Math.Max(1, Runner.MaxAbs(result.FinalParameters));
        if (!(distance > FarRatio * change) || !(distance > FarFraction * scale))
        {
            return [];
        }

        var parameter = cost.Parameters[far];
        var until = run.Syntax.Items.OfType<UntilItemSyntax>().FirstOrDefault();
        var span = stoppedByUntil && until is not null ? until.Span : run.Syntax.Name?.Span ?? run.Syntax.KeywordSpan;
        var conditioning = double.IsFinite(model.ConditionNumber) && model.ConditionNumber >= 100
            ? $"The Hessian's condition number is {Numbers.Format(model.ConditionNumber)}: the cost is ill-conditioned, so one learning rate is too small along {parameter}."
            : $"The Hessian's condition number is {Numbers.Format(model.ConditionNumber)}: the learning rate is small for this curvature.";
        var situation = stoppedByUntil
            ? $"run `{run.Name}` stopped by `{Condition(run)}` at step {result.StepsTaken}, not at a minimum"
            : $"run `{run.Name}` used its {result.StepsTaken} steps and ended far from a minimum although the gradient is small (a small gradient is not a minimum)";
        var message = $"{situation}: {parameter} = {Numbers.Format(result.FinalParameters[far])} is still about {Numbers.Format(distance)} from the minimum of the local quadratic model, {Numbers.Format(distance / Math.Max(change, double.Epsilon))} times the last step ({Numbers.Format(change)}), while ∂{cost.Name}/∂{parameter} = {Numbers.Format(result.FinalGradient[far])}. {conditioning}";
        var minimize = run.Syntax.Items.OfType<MinimizeItemSyntax>().FirstOrDefault();
        var related = minimize?.Starts.FirstOrDefault(s => s.Parameter.Text == parameter) is { } start
            ? ImmutableArray.Create(new RelatedLocation(start.Span, $"{parameter}: Hessian curvature {Numbers.Format(model.Hessian[far, far])}, gradient {Numbers.Format(result.FinalGradient[far])} at the end"))
            : [];
        return [new Finding(stoppedByUntil ? DiagnosticCatalog.IllConditionedStop : DiagnosticCatalog.NotAMinimum, span, compilation.Source.GetRange(span), message)
        {
            Subject = run.Name,
            Step = result.StepsTaken,
            Numbers = Figures(("conditionNumber", model.ConditionNumber), ("distance", distance), ("lastChange", change), ("gradient", result.FinalGradient[far])),
            Related = related,
        }];
    }

    private static ImmutableArray<Finding> Train(Compilation compilation, BoundRun run, TrainResult result, Func<BoundData, DataLoadResult> loadData)
    {
        if (result.StopReason == StopReason.Diverged)
        {
            return [Diverged(compilation, run, result.StepsTaken, result.Trace.Count > 0 && !double.IsFinite(result.Trace[0].Loss), loadData)];
        }

        var findings = ImmutableArray.CreateBuilder<Finding>();
        if (result.Trace.Count < 2 || result.Trace[0].DeltaNorms.Length < 2)
        {
            return [];
        }

        var start = NetworkAnalyzer.Classify(Ratio(result.Trace[0]));
        var span = run.Syntax.Name?.Span ?? run.Syntax.KeywordSpan;
        var range = compilation.Source.GetRange(span);
        var layers = result.Trace[0].DeltaNorms.Length;
        foreach (var point in result.Trace.Skip(1))
        {
            var ratio = Ratio(point);
            var verdict = NetworkAnalyzer.Classify(ratio);
            if (verdict == GradientVerdict.Healthy || verdict == start)
            {
                continue;
            }

            var measure = $"‖δ¹‖/‖δ{Numbers.Superscript(layers)}‖ = {Numbers.Format(ratio)} at step {point.Step} (it was {Numbers.Format(Ratio(result.Trace[0]))} at the start)";
            var (descriptor, text) = verdict switch
            {
                GradientVerdict.Vanishing => (DiagnosticCatalog.VanishingGradient, $"δ vanished during training of `{result.NetworkName}` in run `{run.Name}`: {measure}; from then on the early layers barely learn."),
                GradientVerdict.Exploding => (DiagnosticCatalog.ExplodingGradient, $"δ exploded during training of `{result.NetworkName}` in run `{run.Name}`: {measure}; the early layers take huge steps."),
                _ => (DiagnosticCatalog.DeadUnits, $"the units of `{result.NetworkName}` died during run `{run.Name}`: ‖δ¹‖ = 0 at step {point.Step} (no δ reaches layer 1), so the first layer stopped learning."),
            };
            findings.Add(new Finding(descriptor, span, range, text)
            {
                Subject = run.Name,
                Step = point.Step,
                Layers = [.. Enumerable.Range(1, layers)],
                Numbers = Figures(("ratio", ratio), ("initialRatio", Ratio(result.Trace[0]))),
            });
            break;
        }

        if (findings.Count == 0)
        {
            findings.AddRange(UnitsLostInTraining(compilation, run, result, loadData, span, range));
        }

        return findings.ToImmutable();
    }

    /// <summary>
    /// Dead (GRAD0506) or saturated (GRAD0507) units that training made: the network at the run's
    /// final weights and at its initial ones, on the same analysis sample of the run's first batch;
    /// a layer where at least half the relu units are dead (more than half the sigmoid/tanh units
    /// saturated) at the end but not at the start is reported at the run's last step.
    /// </summary>
    private static IEnumerable<Finding> UnitsLostInTraining(Compilation compilation, BoundRun run, TrainResult result, Func<BoundData, DataLoadResult> loadData, TextSpan span, LineRange range)
    {
        if (run.Network is not { } network
            || NetworkAnalyzer.AnalyzeAt(compilation.Program, network, result.FinalParameters, loadData, run) is not { } after
            || NetworkAnalyzer.AnalyzeInitial(compilation.Program, network, loadData, run) is not { } before)
        {
            yield break;
        }

        bool Dead(LayerAnalysis layer) => layer.DeadUnits > 0 && layer.DeadUnits * 2 >= layer.Units;
        bool Saturated(LayerAnalysis layer) => layer.SaturatedUnits * 2 > layer.Units;
        var pairs = after.Layers.Zip(before.Layers).ToArray();
        var died = pairs.Where(p => Dead(p.First) && !Dead(p.Second)).Select(p => p.First).ToArray();
        var saturated = pairs.Where(p => Saturated(p.First) && !Saturated(p.Second)).Select(p => p.First).ToArray();
        var on = after.FirstBatchCount > after.SampleCount ? $"{after.SampleCount} samples of the first batch of `{after.DataName}`" : $"the first batch of `{after.DataName}`";
        if (died.Length > 0)
        {
            var parts = died.Select(l => $"{l.DeadUnits} of {l.Units} relu unit{(l.Units == 1 ? "" : "s")} of layer {l.Index}");
            yield return new Finding(DiagnosticCatalog.DeadUnits, span, range,
                $"units of `{network.Name}` died during run `{run.Name}`: at its last step ({result.StepsTaken}) {string.Join(", ", parts)} have δ = 0 for every sample of {on} (z ≤ 0, so relu passes nothing back); they were alive at the start. Their weights no longer learn.")
            {
                Subject = run.Name,
                Step = result.StepsTaken,
                Layers = [.. died.Select(l => l.Index)],
                Numbers = Figures(("deadUnits", died.Sum(l => l.DeadUnits))),
            };
        }

        if (saturated.Length > 0)
        {
            var parts = saturated.Select(l => $"{l.SaturatedUnits} of {l.Units} {l.Activation} unit{(l.Units == 1 ? "" : "s")} of layer {l.Index}");
            yield return new Finding(DiagnosticCatalog.SaturatedUnits, span, range,
                $"units of `{network.Name}` saturated during run `{run.Name}`: at its last step ({result.StepsTaken}) {string.Join(", ", parts)} have g'(z) < {Numbers.Format(NetworkAnalyzer.SaturationThreshold)} for every sample of {on}; they were not at the start. δ barely passes through them, so the layers below stop learning.")
            {
                Subject = run.Name,
                Step = result.StepsTaken,
                Layers = [.. saturated.Select(l => l.Index)],
                Numbers = Figures(("saturatedUnits", saturated.Sum(l => l.SaturatedUnits))),
            };
        }
    }

    private static double Ratio(TrainTracePoint point) => point.DeltaNorms[0] / point.DeltaNorms[^1];

    /// <summary>GRAD0502 with its real cause: a non-finite start, or the step size against 2/λmax at the start.</summary>
    private static Finding Diverged(Compilation compilation, BoundRun run, int step, bool nonFiniteStart, Func<BoundData, DataLoadResult> loadData)
    {
        var span = run.Syntax.Name?.Span ?? run.Syntax.KeywordSpan;
        var what = run.Kind == RunKind.Minimize ? "the cost or a parameter" : "the loss or a weight";
        var numbers = new List<(string, double)> { ("step", step) };
        string cause;
        if (nonFiniteStart)
        {
            cause = run.Kind == RunKind.Minimize
                ? $"the cost is not finite at the start point already ({string.Join(", ", run.Cost!.Parameters.Zip(run.Start, (p, v) => $"{p} = {Numbers.Format(v)}"))}): no learning rate can help; start elsewhere or change the cost."
                : "the loss is not finite at the initial weights already: no learning rate can help; change the init or the data.";
        }
        else if (StabilityLimit.LambdaMaxAtStart(run, loadData) is { } lambdaMax && StabilityLimit.LearningRateLimit(run.Optimizer, lambdaMax) is { } limit)
        {
            numbers.Add(("lambdaMax", lambdaMax));
            numbers.Add(("stabilityLimit", limit));
            cause = run.Optimizer.Lr > limit
                ? $"lr = {Numbers.Format(run.Optimizer.Lr)} is above the stability limit {Numbers.Format(limit)} (λmax = {Numbers.Format(lambdaMax)} at the start), so every step overshoots and grows."
                : $"at the start lr = {Numbers.Format(run.Optimizer.Lr)} is below the stability limit {Numbers.Format(limit)} (λmax = {Numbers.Format(lambdaMax)}), but the curvature grew along the way beyond what this step size can follow.";
        }
        else
        {
            cause = $"the steps of {run.Optimizer.Name} with lr = {Numbers.Format(run.Optimizer.Lr)} grew without bound.";
        }

        var optimizer = run.Syntax.Items.OfType<OptimizerItemSyntax>().FirstOrDefault();
        return new Finding(DiagnosticCatalog.RunDiverges, span, compilation.Source.GetRange(span),
            $"run `{run.Name}` diverged at step {step}: {what} became NaN or infinite. Cause: {cause}")
        {
            Subject = run.Name,
            Step = step,
            Numbers = Figures([.. numbers]),
            Related = optimizer is null ? [] : [new RelatedLocation(optimizer.Span, $"{run.Optimizer.Name} with lr = {Numbers.Format(run.Optimizer.Lr)}")],
        };
    }

    internal static TextSpan OptimizerSpan(BoundRun run) =>
        run.Syntax.Items.OfType<OptimizerItemSyntax>().FirstOrDefault()?.Span ?? run.Syntax.Name?.Span ?? run.Syntax.KeywordSpan;

    private static string Condition(BoundRun run) =>
        string.Join(" or ", run.Until.Select(u => $"{u.Metric.ToString().ToLowerInvariant()} < {Numbers.Format(u.Threshold)}"));

    internal static ImmutableSortedDictionary<string, double> Figures(params (string Name, double Value)[] numbers) =>
        numbers.ToImmutableSortedDictionary(n => n.Name, n => n.Value, StringComparer.Ordinal);
}
