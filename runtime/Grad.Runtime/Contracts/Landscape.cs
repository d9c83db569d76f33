namespace Grad.Runtime.Contracts;

/// <summary>The plane of a 2-D loss landscape: two filter-normalised random directions (Li et al. 2018) or the trajectory's top two principal directions.</summary>
public enum LandscapeDirections { Random, Pca }

/// <summary>
/// The loss landscape of a training run (docs/training.md): the data loss over the whole data set
/// along θ(α) = θ0 + α(θT − θ0) (<see cref="Alphas"/>, <see cref="LineLosses"/>), and on the plane
/// θT + x·d1 + y·d2 (<see cref="PlaneLosses"/>[row of y, column of x]) with the run's recorded path
/// projected onto it (least squares). <see cref="Direction1"/> and <see cref="Direction2"/> are the
/// plane's directions in the runtime's parameter layout (not written to JSON).
/// </summary>
public sealed record LossLandscape(
    int Resolution,
    double[] Alphas,
    double[] LineLosses,
    LandscapeDirections Directions,
    double[] PlaneX,
    double[] PlaneY,
    double[,] PlaneLosses,
    int[] PathSteps,
    double[] PathX,
    double[] PathY,
    int ForwardPasses)
{
    /// <summary>PCA directions: the fraction of the trajectory's variance along d1 and d2; null for random directions.</summary>
    public double[]? ExplainedVariance { get; init; }

    /// <summary>Why the resolution is lower than asked (the work budget); null when it is not.</summary>
    public string? Note { get; init; }

    public double[] Direction1 { get; init; } = [];

    public double[] Direction2 { get; init; } = [];
}
