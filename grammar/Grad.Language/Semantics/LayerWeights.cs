namespace Grad.Language.Semantics;

/// <summary>
/// One dense layer's parameters: <see cref="Weights"/> row-major [units, inputs] (rows = units, as
/// <c>nn.Linear.weight</c>) and <see cref="Bias"/>. JSON: <c>{"index", "weights": [[…]], "bias": […]}</c>.
/// </summary>
/// <remarks>
/// A norm layer (v2, <see cref="Kind"/>) has its gain in <see cref="Weights"/> (one value per unit)
/// and <see cref="Inputs"/> = <see cref="Units"/>; JSON: <c>{"index", "gain": […], "bias": […]}</c>, and
/// for <c>norm batch</c> also <c>"runningMean"</c> and <c>"runningVar"</c> (unbiased, as torch).
/// It lives in the language because <c>init from "FILE.json" run RUN</c> binds a network to the
/// weights a run wrote; the runtime's <c>ResultSerializer</c> writes and reads it.
/// </remarks>
public sealed record LayerWeights(int Index, int Units, int Inputs, double[] Weights, double[] Bias)
{
    public LayerKind Kind { get; init; } = LayerKind.Dense;

    public double[]? RunningMean { get; init; }

    public double[]? RunningVariance { get; init; }

    public double Weight(int unit, int input) => Weights[unit * Inputs + input];
}
