using System.Numerics;
using System.Runtime.CompilerServices;
using Grad.Language.Semantics;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Optimizers;

/// <summary>
/// A stateful optimizer over one flat parameter vector. Every rule is PyTorch's
/// <c>torch.optim</c> single-tensor ("for-loop") implementation, operation for operation (PyTorch 1.13's
/// formulas, fused multiply-adds where its kernels have them), so
/// that a run agrees with PyTorch to rounding. All rules are element-wise, so one flat vector
/// behaves exactly like PyTorch's list of tensors.
/// </summary>
public abstract class Optimizer
{
    protected Optimizer(OptimizerSpec spec, int parameterCount)
    {
        Spec = spec;
        ParameterCount = parameterCount;
        LearningRate = spec.Lr;
    }

    /// <summary>
    /// The learning rate the next step uses: the spec's lr, unless a schedule sets it (PyTorch's
    /// <c>param_group["lr"]</c>, which every rule reads afresh at each step).
    /// </summary>
    public double LearningRate { get; set; }

    public OptimizerSpec Spec { get; }

    public int ParameterCount { get; }

    /// <summary>Number of steps taken so far.</summary>
    public int StepCount { get; private set; }

    public static Optimizer Create(OptimizerSpec spec, int parameterCount) => spec.Kind switch
    {
        OptimizerKind.Sgd => new Sgd(spec, parameterCount),
        OptimizerKind.Adagrad => new Adagrad(spec, parameterCount),
        OptimizerKind.Rmsprop => new Rmsprop(spec, parameterCount),
        OptimizerKind.Adadelta => new Adadelta(spec, parameterCount),
        OptimizerKind.Adam or OptimizerKind.AdamW => new Adam(spec, parameterCount, decoupledWeightDecay: spec.Kind == OptimizerKind.AdamW),
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "unknown optimizer"),
    };

    /// <summary>Vectors shorter than this are updated on one thread (a part would cost more to hand over than to compute).</summary>
    internal const int ParallelCount = 1 << 16;

    /// <summary>
    /// Elements updated at a time: each piece is copied to the previous parameters (when asked),
    /// updated and checked for finiteness while it is in the core's first-level cache, instead of
    /// three passes over a large network's megabytes.
    /// </summary>
    private const int Piece = 1024;

    /// <summary>
    /// Updates <paramref name="parameters"/> in place from the gradient at them and tells whether
    /// every parameter is finite afterwards (the run's divergence check). When
    /// <paramref name="previous"/> is not empty it receives the parameters before the update.
    /// Every rule is element-wise, so on <paramref name="threads"/> threads each updates its own
    /// range of the vector (<see cref="ThreadTeam"/>) with the same bits.
    /// </summary>
    public bool Step(Span<double> parameters, ReadOnlySpan<double> gradient, int threads = 1, Span<double> previous = default)
    {
        var step = BeginStep(parameters, gradient, previous);
        if (StepsWhole(threads))
        {
            return UpdateRange(parameters, gradient, previous, step, 0, ParameterCount);
        }

        return StepInParts(parameters, gradient, previous, step, threads);
    }

    /// <summary>
    /// The update in ranges on the team's threads: <see cref="Parts"/>' ranges when it has one list per thread, else
    /// one even range each. A method of its own: the closure it hands over is
    /// allocated where its captured variables are declared, and a small network's step on one thread
    /// (a chain's, 200,000 times a run) must not allocate it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe bool StepInParts(Span<double> parameters, ReadOnlySpan<double> gradient, Span<double> previous, int step, int threads)
    {
        var count = ParameterCount;
        var allFinite = true;
        var ranges = Parts is { } given && given.Count == threads ? given : null;
        fixed (double* parameterBase = parameters, gradientBase = gradient, previousBase = previous)
        {
            var (parameterAddress, gradientAddress, previousAddress, previousCount) = ((nint)parameterBase, (nint)gradientBase, (nint)previousBase, previous.Length);

            // Ranges of whole vectors (multiples of 8), the last one to the end, or the given ranges. A part that
            // finds a number that is not finite says so; which part finds it first does not matter.
            ThreadTeam.Run(threads, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (part) =>
            {
                var values = new Span<double>((double*)parameterAddress, count);
                var gradients = new ReadOnlySpan<double>((double*)gradientAddress, count);
                var before = new Span<double>((double*)previousAddress, previousCount);
                var own = ranges?[part];
                for (var range = 0; range < (own?.Count ?? 1); range++)
                {
                    var (start, end) = own is null ? (Boundary(count, part, threads), Boundary(count, part + 1, threads)) : own[range];
                    if (!UpdateRange(values, gradients, before, step, start, end))
                    {
                        allFinite = false;
                    }
                }
            });
        }

        return allFinite;
    }

    /// <summary>
    /// Which ranges of the vector each of the team's parts updates in a step on as many threads as there are lists
    /// (null, or another number of threads: even ranges). A network's (Backprop.UpdateParts) gives each part the rows
    /// of W that its band of the next forward product reads, so that they are in its core's cache, not the other's.
    /// The ranges must cover the vector once: every element is still updated by one part with the same operations.
    /// </summary>
    internal IReadOnlyList<IReadOnlyList<(int Start, int End)>>? Parts
    {
        get => parts;
        set
        {
            if (value is not null)
            {
                var covered = value.SelectMany(list => list).Where(range => range.End > range.Start).OrderBy(range => range.Start).ToList();
                var next = 0;
                foreach (var (start, end) in covered)
                {
                    if (start != next)
                    {
                        throw new ArgumentException($"the parts' ranges must cover the {ParameterCount} parameters once: {(start < next ? "overlap" : "gap")} at {Math.Min(start, next)}", nameof(value));
                    }

                    next = end;
                }

                if (next != ParameterCount)
                {
                    throw new ArgumentException($"the parts' ranges must cover the {ParameterCount} parameters once: they end at {next}", nameof(value));
                }
            }

            parts = value;
        }
    }

    private IReadOnlyList<IReadOnlyList<(int Start, int End)>>? parts;

    /// <summary>Where part <paramref name="part"/> of <paramref name="parts"/> starts: whole vectors (multiples of 8), and the end of the vector after the last part.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Boundary(int count, int part, int parts) => part == parts ? count : (int)((long)count * part / parts) & ~7;

    /// <summary>
    /// Elements <paramref name="start"/> … <paramref name="end"/> − 1 of step <paramref name="step"/>, a
    /// <see cref="Piece"/> at a time; true when all of them are finite afterwards. Any ranges that
    /// cover the vector once give <see cref="Step"/>'s bits (a measured step's chunks: Training/MeasuredUpdate).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool UpdateRange(Span<double> parameters, ReadOnlySpan<double> gradient, Span<double> previous, int step, int start, int end)
    {
        var allFinite = true;
        for (var pieceStart = start; pieceStart < end; pieceStart += Piece)
        {
            var pieceEnd = Math.Min(end, pieceStart + Piece);
            if (!previous.IsEmpty)
            {
                parameters[pieceStart..pieceEnd].CopyTo(previous[pieceStart..]);
            }

            allFinite &= UpdateChecked(parameters, gradient, step, pieceStart, pieceEnd);
        }

        return allFinite;
    }

    /// <summary>
    /// Checks a step's vectors and counts the step; returns its number, for <see cref="UpdateRange"/>
    /// (<see cref="Step"/>, or a step whose parts the caller makes: a recorded step measures each
    /// layer's update as it goes, Training/MeasuredUpdate).
    /// </summary>
    internal int BeginStep(ReadOnlySpan<double> parameters, ReadOnlySpan<double> gradient, ReadOnlySpan<double> previous)
    {
        if (parameters.Length != ParameterCount || gradient.Length != ParameterCount || (!previous.IsEmpty && previous.Length != ParameterCount))
        {
            throw new ArgumentException($"expected {ParameterCount} parameters and gradient components");
        }

        return ++StepCount;
    }

    /// <summary>Whether a step on <paramref name="threads"/> threads updates the vector in one range on the calling thread (one thread, or fewer than <see cref="ParallelCount"/> parameters).</summary>
    internal bool StepsWhole(int threads) => threads <= 1 || ParameterCount < ParallelCount;

    /// <summary>Updates elements <paramref name="start"/> … <paramref name="end"/> − 1 (each element's update reads only that element's state).</summary>
    protected abstract void Update(Span<double> parameters, ReadOnlySpan<double> gradient, int step, int start, int end);

    /// <summary>
    /// <see cref="Update"/> and then the divergence check over the same elements: true when they are all finite
    /// afterwards. A rule may do both in one sweep (plain SGD: the check was a quarter of W3's update).
    /// </summary>
    protected virtual bool UpdateChecked(Span<double> parameters, ReadOnlySpan<double> gradient, int step, int start, int end)
    {
        Update(parameters, gradient, step, start, end);
        return Finite.All(parameters[start..end]);
    }

    /// <summary>
    /// <c>self.add_(other, alpha)</c> and <c>addcdiv_</c>: self + α·other as one fused
    /// multiply-add, the way PyTorch's CPU kernels are compiled (GCC contracts a + b·c); with
    /// separate rounding the trajectories drift apart in the last bits after ~40 Rosenbrock steps.
    /// </summary>
    protected static double AddScaled(double self, double alpha, double other) => Math.FusedMultiplyAdd(alpha, other, self);

    /// <summary><c>self.addcmul_(t1, t2, value)</c>: fma(value·t1, t2, self).</summary>
    protected static double AddProduct(double self, double value, double t1, double t2) => Math.FusedMultiplyAdd(value * t1, t2, self);
}

/// <summary>torch.optim.SGD: the momentum buffer starts as the first gradient (not dampened).</summary>
internal sealed class Sgd(OptimizerSpec spec, int parameterCount) : Optimizer(spec, parameterCount)
{
    private readonly double[] momentumBuffer = new double[parameterCount];

    // A minimize run calls this once per step, millions of times, in a process that lives for a
    // fraction of a second: compiled optimised at its first call (its Vector<double> code is not
    // precompiled by ReadyToRun, and tier 0 would run it for the first hundred milliseconds).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void Update(Span<double> parameters, ReadOnlySpan<double> gradient, int step, int start, int end)
    {
        var s = Spec;
        if (s.WeightDecay == 0 && s.Momentum == 0)
        {
            Descend(parameters, gradient, start, end);
            return;
        }

        for (var i = start; i < end; i++)
        {
            var g = gradient[i];
            if (s.WeightDecay != 0)
            {
                g = AddScaled(g, s.WeightDecay, parameters[i]);
            }

            if (s.Momentum != 0)
            {
                var buffer = step == 1 ? g : AddScaled(momentumBuffer[i] * s.Momentum, 1 - s.Dampening, g);
                momentumBuffer[i] = buffer;
                g = s.Nesterov ? AddScaled(g, s.Momentum, buffer) : buffer;
            }

            parameters[i] = AddScaled(parameters[i], -LearningRate, g);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override bool UpdateChecked(Span<double> parameters, ReadOnlySpan<double> gradient, int step, int start, int end) =>
        Spec.WeightDecay == 0 && Spec.Momentum == 0 ? Descend(parameters, gradient, start, end) : base.UpdateChecked(parameters, gradient, step, start, end);

    /// <summary>
    /// Plain gradient descent, vectorized (the same fused multiply-add per element as the loop of <see cref="Update"/>), with
    /// the divergence check in the same sweep: x − x is 0 exactly when x is finite (∞ − ∞ and NaN − NaN are NaN), so
    /// the sum of those differences over the new values is 0 exactly when every one is. True when all are finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Descend(Span<double> parameters, ReadOnlySpan<double> gradient, int start, int end)
    {
        var i = start;
        var scale = Vector<double>.One * -LearningRate;
        var differences = Vector<double>.Zero;
        for (; i <= end - Vector<double>.Count; i += Vector<double>.Count)
        {
            var updated = Vector.FusedMultiplyAdd(scale, new Vector<double>(gradient[i..]), new Vector<double>(parameters[i..]));
            updated.CopyTo(parameters[i..]);
            differences += updated - updated;
        }

        var finite = Vector.EqualsAll(differences, Vector<double>.Zero);
        for (; i < end; i++)
        {
            parameters[i] = AddScaled(parameters[i], -LearningRate, gradient[i]);
            finite &= double.IsFinite(parameters[i]);
        }

        return finite;
    }
}

/// <summary>torch.optim.Adagrad (lr_decay 0): sum += g²; p −= lr · g / (√sum + eps).</summary>
internal sealed class Adagrad : Optimizer
{
    private readonly double[] sum;

    public Adagrad(OptimizerSpec spec, int parameterCount)
        : base(spec, parameterCount)
    {
        sum = new double[parameterCount];
        Array.Fill(sum, spec.InitialAccumulator);
    }

    protected override void Update(Span<double> parameters, ReadOnlySpan<double> gradient, int step, int start, int end)
    {
        var s = Spec;
        var clr = LearningRate; // lr / (1 + (step − 1) · lr_decay) with lr_decay = 0
        for (var i = start; i < end; i++)
        {
            var g = gradient[i];
            if (s.WeightDecay != 0)
            {
                g = AddScaled(g, s.WeightDecay, parameters[i]);
            }

            sum[i] = AddProduct(sum[i], 1, g, g);
            var std = Math.Sqrt(sum[i]) + s.Eps;
            parameters[i] = AddScaled(parameters[i], -clr, g / std);
        }
    }
}

/// <summary>torch.optim.RMSprop, with PyTorch's eps outside the square root and the centered variant.</summary>
internal sealed class Rmsprop(OptimizerSpec spec, int parameterCount) : Optimizer(spec, parameterCount)
{
    private readonly double[] squareAverage = new double[parameterCount];
    private readonly double[] gradientAverage = new double[parameterCount];
    private readonly double[] momentumBuffer = new double[parameterCount];

    protected override void Update(Span<double> parameters, ReadOnlySpan<double> gradient, int step, int start, int end)
    {
        var s = Spec;
        for (var i = start; i < end; i++)
        {
            var g = gradient[i];
            if (s.WeightDecay != 0)
            {
                g = AddScaled(g, s.WeightDecay, parameters[i]);
            }

            squareAverage[i] = AddProduct(squareAverage[i] * s.Alpha, 1 - s.Alpha, g, g);
            double average;
            if (s.Centered)
            {
                gradientAverage[i] = AddScaled(gradientAverage[i] * s.Alpha, 1 - s.Alpha, g);
                average = Math.Sqrt(AddProduct(squareAverage[i], -1, gradientAverage[i], gradientAverage[i]));
            }
            else
            {
                average = Math.Sqrt(squareAverage[i]);
            }

            average += s.Eps;
            if (s.Momentum > 0)
            {
                momentumBuffer[i] = AddScaled(momentumBuffer[i] * s.Momentum, 1, g / average);
                parameters[i] = AddScaled(parameters[i], -LearningRate, momentumBuffer[i]);
            }
            else
            {
                parameters[i] = AddScaled(parameters[i], -LearningRate, g / average);
            }
        }
    }
}

/// <summary>torch.optim.Adadelta: delta = √(acc_delta + eps)/√(sq + eps) · g, then p −= lr · delta.</summary>
internal sealed class Adadelta(OptimizerSpec spec, int parameterCount) : Optimizer(spec, parameterCount)
{
    private readonly double[] squareAverage = new double[parameterCount];
    private readonly double[] accumulatedDelta = new double[parameterCount];

    protected override void Update(Span<double> parameters, ReadOnlySpan<double> gradient, int step, int start, int end)
    {
        var s = Spec;
        for (var i = start; i < end; i++)
        {
            var g = gradient[i];
            if (s.WeightDecay != 0)
            {
                g = AddScaled(g, s.WeightDecay, parameters[i]);
            }

            squareAverage[i] = AddProduct(squareAverage[i] * s.Rho, 1 - s.Rho, g, g);
            var std = Math.Sqrt(squareAverage[i] + s.Eps);
            var delta = Math.Sqrt(accumulatedDelta[i] + s.Eps);
            delta = delta / std * g;
            accumulatedDelta[i] = AddProduct(accumulatedDelta[i] * s.Rho, 1 - s.Rho, delta, delta);
            parameters[i] = AddScaled(parameters[i], -LearningRate, delta);
        }
    }
}

/// <summary>
/// torch.optim.Adam and AdamW: m = β1·m + (1 − β1)·g; v = β2·v + (1 − β2)·g²;
/// denom = √v/√(1 − β2^t) + eps; p −= lr/(1 − β1^t) · m/denom. Adam adds weight_decay·p to g;
/// AdamW multiplies p by 1 − lr·weight_decay first. amsgrad uses the running maximum of v.
/// </summary>
internal sealed class Adam(OptimizerSpec spec, int parameterCount, bool decoupledWeightDecay) : Optimizer(spec, parameterCount)
{
    private readonly double[] firstMoment = new double[parameterCount];
    private readonly double[] secondMoment = new double[parameterCount];
    private readonly double[] maxSecondMoment = new double[parameterCount];

    protected override void Update(Span<double> parameters, ReadOnlySpan<double> gradient, int step, int start, int end)
    {
        var s = Spec;
        var biasCorrection1 = 1 - Math.Pow(s.Beta1, step);
        var biasCorrection2 = 1 - Math.Pow(s.Beta2, step);
        var stepSize = LearningRate / biasCorrection1;
        var biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
        for (var i = start; i < end; i++)
        {
            var g = gradient[i];
            if (decoupledWeightDecay)
            {
                parameters[i] *= 1 - LearningRate * s.WeightDecay;
            }
            else if (s.WeightDecay != 0)
            {
                g = AddScaled(g, s.WeightDecay, parameters[i]);
            }

            firstMoment[i] = AddScaled(firstMoment[i] * s.Beta1, 1 - s.Beta1, g);
            secondMoment[i] = AddProduct(secondMoment[i] * s.Beta2, 1 - s.Beta2, g, g);
            double denominator;
            if (s.Amsgrad)
            {
                maxSecondMoment[i] = Math.Max(maxSecondMoment[i], secondMoment[i]);
                denominator = Math.Sqrt(maxSecondMoment[i]) / biasCorrection2Sqrt + s.Eps;
            }
            else
            {
                denominator = Math.Sqrt(secondMoment[i]) / biasCorrection2Sqrt + s.Eps;
            }

            parameters[i] = AddScaled(parameters[i], -stepSize, firstMoment[i] / denominator);
        }
    }
}
