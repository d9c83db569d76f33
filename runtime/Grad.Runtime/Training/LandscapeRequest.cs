using Grad.Runtime.Contracts;

namespace Grad.Runtime.Training;

/// <summary>
/// A loss landscape to compute after a training run (<c>grad run --landscape N --landscape-dirs random|pca</c>;
/// docs/training.md): <see cref="Resolution"/> points along the line and per side of the plane.
/// </summary>
public sealed record LandscapeRequest(int Resolution = LandscapeRequest.DefaultResolution, LandscapeDirections Directions = LandscapeDirections.Random)
{
    /// <summary>
    /// The editor's time limit (its analysis budget; null in the CLI): the first forward pass is timed and the
    /// resolution lowered until N + N² such passes fit, so that the landscape takes about this long at most.
    /// </summary>
    public TimeSpan? TimeBudget { get; init; }

    public const int DefaultResolution = 41;
    public const int MinResolution = 3;
    public const int MaxResolution = 99;

    /// <summary>At most this many forward passes over the data set: N on the line plus N² on the plane.</summary>
    public const long MaxForwardPasses = 10_000;

    /// <summary>At most this much work, forward passes × samples × parameters (a few seconds); a finer grid is made coarser to fit.</summary>
    public const double MaxWork = 4e9;

    /// <summary>The line's α runs from −0.5 to 1.5: θ0 at 0, θT at 1, half the way again on either side.</summary>
    public const double LineFrom = -0.5;
    public const double LineTo = 1.5;

    /// <summary>Random directions: the plane covers at least −1 … 1 along each (Li et al.'s range).</summary>
    public const double RandomExtent = 1.0;

    /// <summary>The trajectory a PCA plane is fitted to keeps at most this many recorded points.</summary>
    public const int MaxTrajectoryPoints = 128;

    /// <summary>The random stream of the directions: <c>Rng.Derive(run seed, DirectionStream)</c>.</summary>
    public const long DirectionStream = 0x4C414E44; // "LAND"
}
