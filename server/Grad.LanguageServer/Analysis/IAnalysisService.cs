using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Newtonsoft.Json.Linq;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// What the server asks of the runtime. The real implementation (<see cref="RuntimeAnalysisService"/>)
/// calls <c>Grad.Runtime</c>, so the editor and the CLI compute the same numbers; tests substitute
/// their own to control timing and failures.
/// </summary>
public interface IAnalysisService
{
    /// <summary>Per-layer δ and ∂C/∂W of a network at its initial weights (the same numbers as <c>grad inspect</c>).</summary>
    NetworkReport AnalyzeNetwork(BoundProgram program, BoundNetwork network, CancellationToken cancellationToken);

    /// <summary>A cost at a point: value, gradient, Hessian eigenvalues and the symbolic gradient.</summary>
    CostReport AnalyzeCost(BoundCost cost, ImmutableArray<double> point, CancellationToken cancellationToken);

    /// <summary>Runs one run within the budget; cancellation stops it (throws <see cref="OperationCanceledException"/>).</summary>
    RunReport Run(BoundProgram program, BoundRun run, RunBudget budget, CancellationToken cancellationToken);
}

public sealed record RunBudget(TimeSpan Time, long? MaxSteps = null);

/// <summary>
/// The chain rule's numbers for one layer, δ^l = ((W^(l+1))ᵀ δ^(l+1)) ⊙ g'(z^l). The scalars are
/// for the first sample and set only when this layer and the next have one unit each, so that
/// Delta = NextWeight · ActivationDerivative · NextDelta exactly; for the output layer NextWeight
/// and NextDelta are null and OutputGradient is ∂ℓ/∂a^L. For wider layers: ‖W^(l+1)‖_F and the
/// mean |g'(z^l)|.
/// </summary>
public sealed record ChainRule(
    double? NextWeight,
    double? ActivationDerivative,
    double? NextDelta,
    double? Delta,
    double? OutputGradient,
    double? NextWeightNorm,
    double MeanAbsActivationDerivative)
{
    /// <summary>How much this layer multiplies δ by on its way back: |w·g'(z)|, or ‖W‖·mean|g'| when wider.</summary>
    public double? Gain => NextWeight is { } w && ActivationDerivative is { } d
        ? Math.Abs(w * d)
        : NextWeightNorm is { } norm ? norm * MeanAbsActivationDerivative : null;
}

/// <summary>One layer at the initial weights: mean per-sample ‖δ^l‖, ‖∂C/∂W^l‖_F and the chain rule's numbers.</summary>
public sealed record LayerReport(
    int Index,
    int Units,
    int InputUnits,
    string Activation,
    string? Label,
    double DeltaNorm,
    double WeightGradNorm,
    ChainRule Chain);

/// <summary>A network's layers at the initial weights, and on what data they were measured.</summary>
public sealed record NetworkReport(string Network, ImmutableArray<LayerReport> Layers, string DataDescription)
{
    /// <summary>Why there are no numbers (for example a CSV file that cannot be read), as a diagnostic to publish.</summary>
    public Diagnostic? Problem { get; init; }

    public double OutputDeltaNorm => Layers.IsEmpty ? 0 : Layers[^1].DeltaNorm;

    /// <summary>‖δ^1‖ / ‖δ^L‖ (the vanishing/exploding measure); NaN when undefined.</summary>
    public double InputToOutputRatio =>
        Layers.IsEmpty || OutputDeltaNorm == 0 ? double.NaN : Layers[0].DeltaNorm / OutputDeltaNorm;
}

public sealed record CostReport(
    string Cost,
    ImmutableArray<string> Parameters,
    ImmutableArray<double> Point,
    double Value,
    ImmutableArray<double> Gradient,
    ImmutableArray<ImmutableArray<double>> Hessian,
    ImmutableArray<double> Eigenvalues,
    ImmutableArray<string> SymbolicGradient)
{
    /// <summary>|λ|max / |λ|min of the Hessian; infinity when singular.</summary>
    public double ConditionNumber
    {
        get
        {
            if (Eigenvalues.IsEmpty)
            {
                return double.NaN;
            }

            var magnitudes = Eigenvalues.Select(Math.Abs).ToArray();
            var smallest = magnitudes.Min();
            return smallest == 0 ? double.PositiveInfinity : magnitudes.Max() / smallest;
        }
    }
}

/// <summary>Per-layer norms of a training run: before the first update and after the last.</summary>
public sealed record TrainedLayerReport(int Index, double DeltaNormInitial, double DeltaNormFinal, double WeightGradNormInitial, double WeightGradNormFinal);

/// <summary>
/// The result of one run (<see cref="StopReason"/> null when it could not start). <see cref="Json"/> is the run's object in <c>grad run --json</c>
/// (LANGUAGE.md), which <c>grad.run</c> returns as it is.
/// </summary>
public sealed record RunReport(
    string Name,
    RunKind Kind,
    StopReason? StopReason,
    int StepsTaken,
    double? FinalCost,
    double? FinalLoss,
    ImmutableArray<KeyValuePair<string, double>> FinalParams,
    ImmutableArray<KeyValuePair<string, double>> FinalGradient,
    ImmutableArray<TrainedLayerReport> Layers,
    JObject Json,
    bool StoppedByBudget = false)
{
    /// <summary>Why the run could not start (its data), as a diagnostic to publish.</summary>
    public Diagnostic? Problem { get; init; }

    /// <summary>The runtime's result of a minimize run (its trace in full), for the contour charts; null otherwise.</summary>
    public MinimizeResult? Minimize { get; init; }

    public bool Diverged => StopReason == Runtime.Contracts.StopReason.Diverged;

    /// <summary>A one-line summary for code lenses and hovers.</summary>
    public string Summary
    {
        get
        {
            var value = Kind == RunKind.Minimize
                ? FinalCost is { } cost ? $"cost {Numbers.Format(cost)}" : ""
                : FinalLoss is { } loss ? $"loss {Numbers.Format(loss)}" : "";
            var reason = StoppedByBudget ? "stopped by the time budget" : StopReason is { } stop ? ResultSerializer.StopReasonName(stop) : "failed";
            return $"{StepsTaken} steps, {reason}" + (value.Length > 0 ? $", {value}" : "");
        }
    }
}
