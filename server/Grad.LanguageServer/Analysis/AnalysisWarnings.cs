using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.Language.Syntax;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// The analysis warnings of LANGUAGE.md "What the editor shows", in the seed's terms. Pure
/// functions of the runtime's reports; the properties name what a quick fix needs.
/// </summary>
public static class AnalysisWarnings
{
    // The codes live in the language's catalogue with the others (docs/diagnostics.md).
    public static readonly DiagnosticDescriptor AnalysisFailed = DiagnosticCatalog.AnalysisFailed;
    public static readonly DiagnosticDescriptor Vanishing = DiagnosticCatalog.VanishingGradient;
    public static readonly DiagnosticDescriptor Exploding = DiagnosticCatalog.ExplodingGradient;
    public static readonly DiagnosticDescriptor Diverged = DiagnosticCatalog.RunDiverges;
    public static readonly DiagnosticDescriptor IllConditioned = DiagnosticCatalog.IllConditionedStop;

    public const double VanishingRatio = 1e-3;
    public const double ExplodingRatio = 1e3;

    public static Diagnostic Crash(Exception exception) =>
        Diagnostic.Create(AnalysisFailed, new Language.Text.TextSpan(0, 0),
            $"The gradient analysis failed ({exception.GetType().Name}: {exception.Message}); syntax and name checks still apply. This is a bug in Grad, not in the file.");

    public static IEnumerable<Diagnostic> ForNetwork(BoundNetwork network, NetworkReport report)
    {
        if (report.Problem is { } problem)
        {
            yield return problem;
        }

        if (report.Layers.Length < 2)
        {
            yield break;
        }

        var ratio = report.InputToOutputRatio;
        if (double.IsNaN(ratio) || (ratio >= VanishingRatio && ratio <= ExplodingRatio))
        {
            yield break;
        }

        var vanishing = ratio < VanishingRatio;
        var span = network.Syntax.Name?.Span ?? network.Syntax.KeywordSpan;
        var last = report.Layers.Length;
        var measure = $"‖δ¹‖/‖δ{Superscript(last)}‖ = {Numbers.Format(ratio)} at the initial weights";
        var cause = Cause(network, report, vanishing);
        var message = vanishing
            ? $"δ vanishes towards the input of `{network.Name}`: {measure} (below {Numbers.Format(VanishingRatio)}), so the early layers barely learn. Cause: {cause}"
            : $"δ explodes towards the input of `{network.Name}`: {measure} (above {Numbers.Format(ExplodingRatio)}), so the early layers take huge steps. Cause: {cause}";

        // One row per position in the file: the copies of a repeated layer share their line, so
        // they are one row that names them all rather than eight rows at the same place.
        var related = network.Layers
            .Zip(report.Layers, (layer, numbers) => (Layer: layer, Numbers: numbers))
            .GroupBy(x => (x.Layer.Syntax as DenseLayerSyntax)?.Activation?.Span ?? x.Layer.Syntax.Span)
            .Select(group => new RelatedLocation(group.Key, RelatedMessage(group.ToArray(), last)))
            .ToImmutableArray();

        var flagged = network.Layers.Where(l => l.Activation.Kind == ActivationKind.Sigmoid || l.Activation.Kind == ActivationKind.Tanh).Select(l => l.Index);
        yield return Diagnostic.Create(vanishing ? Vanishing : Exploding, span, message) with
        {
            Related = related,
            Properties = ImmutableDictionary<string, string>.Empty
                .Add("network", network.Name)
                .Add("ratio", Numbers.Invariant(ratio))
                .Add("layers", string.Join(",", flagged)),
        };
    }

    private static string RelatedMessage(IReadOnlyList<(BoundLayer Layer, LayerReport Numbers)> copies, int last)
    {
        if (copies.Count == 1)
        {
            var (layer, numbers) = copies[0];
            return $"layer {layer.Index} of {last}: ‖δ{Superscript(layer.Index)}‖ = {Numbers.Format(numbers.DeltaNorm)}" +
                (numbers.Chain.Gain is { } gain && layer.Index < last ? $", multiplies δ by {Numbers.Format(gain)}" : "");
        }

        var first = copies[0];
        var end = copies[^1];
        var gains = copies.Where(x => x.Layer.Index < last).Select(x => x.Numbers.Chain.Gain).OfType<double>().ToArray();
        var multiplies = gains.Length switch
        {
            0 => "",
            _ when Numbers.Format(gains.Min()) == Numbers.Format(gains.Max()) => $", each multiplies δ by {Numbers.Format(gains[0])}",
            <= 4 => $", multiply δ by {string.Join(", ", gains.Select(Numbers.Format))}",
            _ => $", each multiplies δ by {Numbers.Format(gains.Min())} to {Numbers.Format(gains.Max())}",
        };
        var consecutive = end.Layer.Index - first.Layer.Index == copies.Count - 1;
        var which = consecutive ? $"layers {first.Layer.Index}–{end.Layer.Index}"
            : copies.Count <= 6 ? $"layers {string.Join(", ", copies.Select(x => x.Layer.Index))}"
            : $"{copies.Count} layers from {first.Layer.Index} to {end.Layer.Index}";
        return $"{which} of {last}: " +
            $"‖δ{Superscript(first.Layer.Index)}‖ = {Numbers.Format(first.Numbers.DeltaNorm)} … ‖δ{Superscript(end.Layer.Index)}‖ = {Numbers.Format(end.Numbers.DeltaNorm)}{multiplies}";
    }

    private static string Cause(BoundNetwork network, NetworkReport report, bool vanishing)
    {
        var sigmoids = network.Layers.Count(l => l.Activation.Kind == ActivationKind.Sigmoid);
        var tanhs = network.Layers.Count(l => l.Activation.Kind == ActivationKind.Tanh);
        var factors = report.Layers.Take(report.Layers.Length - 1)
            .Select(l => l.Chain.Gain)
            .OfType<double>()
            .ToArray();
        var typical = factors.Length > 0 ? Math.Exp(factors.Average(f => Math.Log(Math.Max(f, 1e-300)))) : double.NaN;
        var typicalText = double.IsNaN(typical) ? "" : $" (geometric mean here {Numbers.Format(typical)})";

        if (vanishing && sigmoids > 0 && sigmoids >= tanhs)
        {
            return $"{sigmoids} sigmoid layer{(sigmoids == 1 ? "" : "s")}, each multiplies δ by w·σ'(z) ≤ 0.25·|w|{typicalText}. Use relu, or an init that scales the weights up (he_normal).";
        }

        if (vanishing && tanhs > 0)
        {
            return $"{tanhs} tanh layer{(tanhs == 1 ? "" : "s")}, each multiplies δ by w·tanh'(z) ≤ |w|{typicalText}; with small weights the product shrinks. Use xavier_uniform or relu with he_normal.";
        }

        return vanishing
            ? $"the initial weights are small: each of the {network.Layers.Length - 1} later layers multiplies δ by w·g'(z){typicalText}. Use xavier_uniform or he_normal."
            : $"the initial weights are large: each of the {network.Layers.Length - 1} later layers multiplies δ by w·g'(z){typicalText}. Use xavier_uniform or he_normal.";
    }

    public static IEnumerable<Diagnostic> ForRun(BoundRun run, RunReport report)
    {
        if (report.Problem is { } problem)
        {
            yield return problem;
        }

        if (!report.Diverged)
        {
            yield break;
        }

        var span = run.Syntax.Name?.Span ?? run.Syntax.KeywordSpan;
        var optimizer = run.Syntax.Items.OfType<OptimizerItemSyntax>().FirstOrDefault();
        var what = run.Kind == RunKind.Minimize ? "the cost or a parameter" : "the loss or a weight";
        var related = optimizer is null
            ? ImmutableArray<RelatedLocation>.Empty
            : [new RelatedLocation(optimizer.Span, $"{run.Optimizer.Name} with lr = {Numbers.Format(run.Optimizer.Lr)}")];
        yield return Diagnostic.Create(Diverged, span,
            $"run `{run.Name}` diverged at step {report.StepsTaken}: {what} became NaN or infinite. The learning rate {Numbers.Format(run.Optimizer.Lr)} is too large for this {(run.Kind == RunKind.Minimize ? "cost" : "network")}; lower it, or use adagrad or adam.") with
        {
            Related = related,
            Properties = ImmutableDictionary<string, string>.Empty.Add("run", run.Name),
        };
    }

    /// <summary>
    /// A minimize run stopped by <c>until</c> while the Newton step H⁻¹g (the distance to the
    /// minimum of the local quadratic model) is still large: small gradient, not a minimum.
    /// </summary>
    public static IEnumerable<Diagnostic> ForStoppedRun(BoundRun run, RunReport report, CostReport atStop)
    {
        if (run.Kind != RunKind.Minimize || report.StopReason != StopReason.Until || run.Cost is null)
        {
            yield break;
        }

        var newton = LinearAlgebra.Solve(atStop.Hessian, atStop.Gradient);
        if (newton is null || atStop.Eigenvalues.Any(e => e <= 0))
        {
            yield break;
        }

        var scale = Math.Max(1, atStop.Point.Max(Math.Abs));
        var far = Enumerable.Range(0, newton.Length).Where(i => Math.Abs(newton[i]) > 1e-2 * scale).ToArray();
        if (far.Length == 0)
        {
            yield break;
        }

        var until = run.Syntax.Items.OfType<UntilItemSyntax>().FirstOrDefault();
        var span = until?.Span ?? run.Syntax.Name?.Span ?? run.Syntax.KeywordSpan;
        var condition = until is null ? "`until`" : $"`{run.Until.FirstOrDefault()?.Metric.ToString().ToLowerInvariant()} < {Numbers.Format(run.Until.FirstOrDefault()?.Threshold ?? 0)}`";
        var parts = far.Select(i =>
            $"{atStop.Parameters[i]} = {Numbers.Format(atStop.Point[i])} is still about {Numbers.Format(Math.Abs(newton[i]))} from the minimum although ∂{run.Cost.Name}/∂{atStop.Parameters[i]} = {Numbers.Format(atStop.Gradient[i])}");
        var message =
            $"run `{run.Name}` stopped by {condition} at step {report.StepsTaken}, not at a minimum: {string.Join("; ", parts)}. " +
            $"The Hessian's condition number is {Numbers.Format(atStop.ConditionNumber)}: the cost is ill-conditioned, so one learning rate is too small in some directions. Try adagrad or adam (a step per coordinate).";

        var minimize = run.Syntax.Items.OfType<MinimizeItemSyntax>().FirstOrDefault();
        var related = far
            .Select(i => (Index: i, Start: minimize?.Starts.FirstOrDefault(s => s.Parameter.Text == atStop.Parameters[i])))
            .Where(x => x.Start is not null)
            .Select(x => new RelatedLocation(x.Start!.Span,
                $"{atStop.Parameters[x.Index]}: Hessian curvature {Numbers.Format(atStop.Hessian[x.Index][x.Index])}, gradient {Numbers.Format(atStop.Gradient[x.Index])} at the stop"))
            .ToImmutableArray();

        yield return Diagnostic.Create(IllConditioned, span, message) with
        {
            Related = related,
            Properties = ImmutableDictionary<string, string>.Empty
                .Add("run", run.Name)
                .Add("conditionNumber", Numbers.Invariant(atStop.ConditionNumber)),
        };
    }

    public static string Superscript(int number) =>
        string.Concat(number.ToString(System.Globalization.CultureInfo.InvariantCulture).Select(c => c switch
        {
            '0' => '⁰', '1' => '¹', '2' => '²', '3' => '³', '4' => '⁴',
            '5' => '⁵', '6' => '⁶', '7' => '⁷', '8' => '⁸', '9' => '⁹', _ => c,
        }));
}
