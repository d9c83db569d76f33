using System.Collections.Immutable;
using Grad.Language.Resources;
using Grad.Language.Syntax;

namespace Grad.Language.Semantics;

// The bound model: what a file means, with names resolved, `let` constants folded to numbers,
// defaults filled in and every value checked. The runtime interprets only this model. A
// declaration with an error in it is left out (its dependants too), so everything here is
// valid and complete.

public sealed record BoundProgram(
    ImmutableArray<BoundCost> Costs,
    ImmutableArray<BoundNetwork> Networks,
    ImmutableArray<BoundData> Data,
    ImmutableArray<BoundRun> Runs,
    ImmutableDictionary<string, double> Constants)
{
    public static BoundProgram Empty { get; } = new([], [], [], [], ImmutableDictionary<string, double>.Empty);

    /// <summary>The sweeps (v2), each with its members bound as runs of their own.</summary>
    public ImmutableArray<BoundSweep> Sweeps { get; init; } = [];
}

// ---- costs -------------------------------------------------------------------------------

public enum BinaryOperator { Add, Subtract, Multiply, Divide, Power }

public enum MathFunction { Exp, Log, Sqrt, Abs, Sin, Cos, Tanh, Sigmoid, Relu, Softplus }

/// <summary>A cost expression. Constants are already numbers; parameters are indices into the cost's parameter list.</summary>
public abstract record BoundExpr;

public sealed record BoundNumber(double Value) : BoundExpr;

public sealed record BoundParameter(int Index, string Name) : BoundExpr;

public sealed record BoundNegate(BoundExpr Operand) : BoundExpr;

public sealed record BoundBinary(BinaryOperator Operator, BoundExpr Left, BoundExpr Right) : BoundExpr;

public sealed record BoundCall(MathFunction Function, BoundExpr Argument) : BoundExpr;

public sealed record BoundCost(string Name, ImmutableArray<string> Parameters, BoundExpr Body, CostDeclarationSyntax Syntax);

// ---- networks ----------------------------------------------------------------------------

public enum ActivationKind { Sigmoid, Tanh, Relu, LeakyRelu, Elu, Softplus, Gelu, Linear, Softmax }

/// <summary>An activation; <paramref name="Parameter"/> is leaky_relu's slope (0.01) or elu's alpha (1).</summary>
public sealed record Activation(ActivationKind Kind, double Parameter = 0)
{
    public string Name => Kind switch
    {
        ActivationKind.LeakyRelu => "leaky_relu",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}

public enum InitKind { Normal, Uniform, Constant, XavierUniform, XavierNormal, HeUniform, HeNormal }

/// <summary>
/// A weight initialiser. <c>normal(mean = A, std = B)</c>, <c>uniform(low = A, high = B)</c>,
/// <c>constant(value = A)</c>; the Xavier and He kinds take no arguments. Biases start at 0.
/// </summary>
public sealed record InitSpec(InitKind Kind, double A = 0, double B = 0)
{
    public static InitSpec Default { get; } = new(InitKind.XavierUniform);
}

public enum LossKind { Mse, Bce, CrossEntropy }

/// <summary>What a layer computes: a dense layer g(W a + b), or (v2) LayerNorm or BatchNorm1d with gain and bias.</summary>
public enum LayerKind { Dense, LayerNorm, BatchNorm }

/// <summary>
/// One layer, numbered from 1 (the input is a^0). For a dense layer <paramref name="Weights"/> is
/// [units, inputUnits] (rows = this layer's units) and <paramref name="Bias"/> [units] when given
/// explicitly. A norm layer (<see cref="Kind"/>) keeps the width, has the activation
/// <c>linear</c>, and its "weights" are its gain (starting at 1) and its bias (starting at 0).
/// <paramref name="Syntax"/> is the layer's <see cref="DenseLayerSyntax"/> or <see cref="NormLayerSyntax"/>.
/// </summary>
public sealed record BoundLayer(
    int Index,
    int Units,
    int InputUnits,
    Activation Activation,
    double[,]? Weights,
    double[]? Bias,
    string? Label,
    NetworkItemSyntax Syntax,
    RepeatItemSyntax? Repeat)
{
    public LayerKind Kind { get; init; } = LayerKind.Dense;

    /// <summary>The residual block this layer is in, if any.</summary>
    public ResidualBlockSyntax? Residual { get; init; }

    /// <summary>
    /// On the last layer of a residual block: the index of the layer whose output is the block's
    /// input (0 = the network's input a^0). This layer's output is then g(z^l) + a^(ResidualFrom).
    /// </summary>
    public int? ResidualFrom { get; init; }

    public bool IsNorm => Kind != LayerKind.Dense;

    /// <summary>The activation as written (<c>dense 4 relu</c>); null for a norm layer.</summary>
    public CallSyntax? ActivationSyntax => (Syntax as DenseLayerSyntax)?.Activation;

    /// <summary>The word users write for the layer's kind: "dense", "norm layer" or "norm batch".</summary>
    public string KindName => NameOf(Kind);

    /// <summary>The word users write for a layer kind.</summary>
    public static string NameOf(LayerKind kind) => kind switch
    {
        LayerKind.LayerNorm => "norm layer",
        LayerKind.BatchNorm => "norm batch",
        _ => "dense",
    };
}

public sealed record BoundNetwork(
    string Name,
    int InputWidth,
    ImmutableArray<BoundLayer> Layers,
    InitSpec Init,
    LossKind Loss,
    long Seed,
    NetworkDeclarationSyntax Syntax)
{
    /// <summary>
    /// The weights of <c>init from "FILE.json" run RUN</c>, one per layer and already checked
    /// against the layers' kinds and widths; null when the network starts from <see cref="Init"/>.
    /// </summary>
    public IReadOnlyList<LayerWeights>? StartingWeights { get; init; }

    public int OutputWidth => Layers.Length == 0 ? InputWidth : Layers[^1].Units;
}

// ---- data --------------------------------------------------------------------------------

public abstract record BoundData(string Name, DataDeclarationSyntax Syntax);

/// <summary>Rows of samples: X[i] is sample i's features, Y[i] its target.</summary>
public sealed record InlineBoundData(string Name, double[][] X, double[][] Y, DataDeclarationSyntax Syntax) : BoundData(Name, Syntax);

public enum GeneratorKind { Xor, Circles, Moons, Spirals, Gaussians, Linear }

/// <summary>A generated set. Only the arguments that the generator takes are meaningful; the others keep their defaults.</summary>
public sealed record GeneratedBoundData(
    string Name,
    GeneratorKind Generator,
    int N,
    long Seed,
    double Noise,
    int Classes,
    double Spread,
    double Slope,
    double Intercept,
    DataDeclarationSyntax Syntax) : BoundData(Name, Syntax);

/// <summary>
/// A CSV file, the column that is the target, and the others as features. <paramref name="Files"/>
/// is the resolver that allowed it: loading reads through it, at most <paramref name="MaxBytes"/>.
/// </summary>
public sealed record CsvBoundData(string Name, DataFile File, string Target, IFileResolver Files, long MaxBytes, DataDeclarationSyntax Syntax) : BoundData(Name, Syntax)
{
    /// <summary>The file's full path.</summary>
    public string Path => File.FullPath;
}

// ---- runs --------------------------------------------------------------------------------

public enum RunKind { Minimize, Train }

public enum OptimizerKind { Sgd, Adagrad, Rmsprop, Adadelta, Adam, AdamW }

/// <summary>
/// An optimizer with every hyperparameter at its effective value (PyTorch's defaults where the
/// file gives none). <see cref="Arguments"/> holds what the file gave, in order, for display.
/// </summary>
public sealed record OptimizerSpec(
    OptimizerKind Kind,
    double Lr,
    double Momentum = 0,
    double Dampening = 0,
    bool Nesterov = false,
    double WeightDecay = 0,
    double Eps = 0,
    double InitialAccumulator = 0,
    double Alpha = 0.99,
    bool Centered = false,
    double Rho = 0.9,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    bool Amsgrad = false)
{
    public ImmutableArray<KeyValuePair<string, object>> Arguments { get; init; } = [];

    /// <summary>
    /// Every hyperparameter of this optimizer in the catalogue's order with its effective value
    /// (what the file gave, else PyTorch's default), as results report it; empty for a spec made
    /// by hand rather than by <see cref="Create"/>.
    /// </summary>
    public ImmutableArray<KeyValuePair<string, object>> Effective { get; init; } = [];

    public string Name => Kind == OptimizerKind.AdamW ? "adamw" : Kind.ToString().ToLowerInvariant();

    /// <summary>
    /// The spec of an optimizer of the catalogue (<see cref="Builtins.Optimizers"/>) from its
    /// parameters' values by name; a missing value takes the parameter's default. The binder makes
    /// every spec this way, and so does reading a result back from JSON.
    /// </summary>
    public static OptimizerSpec Create(Builtin optimizer, IReadOnlyDictionary<string, object> values, ImmutableArray<KeyValuePair<string, object>> arguments)
    {
        object? Value(string name) => values.TryGetValue(name, out var v) ? v : optimizer.FindParameter(name)?.Default;
        double Number(string name, double fallback) => Value(name) is { } v and not bool ? Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
        bool Flag(string name) => Value(name) is true;

        var kind = optimizer.Name == "adamw" ? OptimizerKind.AdamW : Enum.Parse<OptimizerKind>(optimizer.Name, ignoreCase: true);
        return new OptimizerSpec(
            kind,
            Lr: Number("lr", 0),
            Momentum: Number("momentum", 0),
            Dampening: Number("dampening", 0),
            Nesterov: Flag("nesterov"),
            WeightDecay: Number("weight_decay", 0),
            Eps: Number("eps", 0),
            InitialAccumulator: Number("initial_accumulator", 0),
            Alpha: Number("alpha", 0.99),
            Centered: Flag("centered"),
            Rho: Number("rho", 0.9),
            Beta1: Number("beta1", 0.9),
            Beta2: Number("beta2", 0.999),
            Amsgrad: Flag("amsgrad"))
        {
            Arguments = arguments,
            Effective = [.. optimizer.Parameters.Where(p => Value(p.Name) is not null).Select(p => KeyValuePair.Create(p.Name, Value(p.Name)!))],
        };
    }
}

public enum StopMetric { Change, Grad, Cost, Loss }

/// <summary><c>until METRIC &lt; Threshold</c>. Grad is the largest absolute gradient component.</summary>
public sealed record StopCondition(StopMetric Metric, double Threshold);

public enum ScheduleKind { Step, Exponential, Cosine, Warmup }

/// <summary>
/// One learning-rate schedule, PyTorch's scheduler of the same meaning: <c>step(every, gamma)</c> =
/// StepLR(step_size, gamma), <c>exponential(gamma)</c> = ExponentialLR, <c>cosine(period, min_lr)</c> =
/// CosineAnnealingLR(T_max, eta_min), <c>warmup(steps, start)</c> = LinearLR(start_factor, total_iters).
/// Only the fields of its kind are meaningful.
/// </summary>
public sealed record SchedulePhase(ScheduleKind Kind, int Every = 0, double Gamma = 0.1, int Period = 0, double MinLr = 0, int Steps = 0, double Start = 1.0 / 3)
{
    public string Name => Kind.ToString().ToLowerInvariant();

    /// <summary>The number of updates after which the phase has done its work (step: its first decay; exponential: none).</summary>
    public int? Length => Kind switch
    {
        ScheduleKind.Step => Every,
        ScheduleKind.Cosine => Period,
        ScheduleKind.Warmup => Steps,
        _ => null,
    };
}

/// <summary><c>schedule A</c> or <c>schedule warmup(…) then B</c> (SequentialLR with the milestone at the warmup's steps).</summary>
public sealed record ScheduleSpec(ImmutableArray<SchedulePhase> Phases);

public enum ClipKind { Norm, Value }

/// <summary><c>clip norm C</c> = clip_grad_norm_(all parameters, C); <c>clip value C</c> = clip_grad_value_(…, C).</summary>
public sealed record ClipSpec(ClipKind Kind, double Bound);

/// <summary>
/// A run. For <see cref="RunKind.Minimize"/>: Cost and Start (one value per cost parameter).
/// For <see cref="RunKind.Train"/>: Network and Data. Steps counts parameter updates; when
/// the file says <c>epochs</c>, Epochs is set and Steps is null. Batch null means the whole set.
/// RecordEvery null means the default (every step up to 10,000 steps, then sampled). When
/// the file gives neither steps nor epochs, Steps is 1000.
/// </summary>
public sealed record BoundRun(
    string Name,
    RunKind Kind,
    BoundCost? Cost,
    ImmutableArray<double> Start,
    BoundNetwork? Network,
    BoundData? Data,
    OptimizerSpec Optimizer,
    int? Steps,
    int? Epochs,
    int? Batch,
    ImmutableArray<StopCondition> Until,
    int? RecordEvery,
    long Seed,
    RunDeclarationSyntax Syntax)
{
    /// <summary>The learning-rate schedule (v2), stepped once per update; null = constant lr.</summary>
    public ScheduleSpec? Schedule { get; init; }

    /// <summary>Gradient clipping (v2) after backward, before the optimizer step; null = none.</summary>
    public ClipSpec? Clip { get; init; }

    /// <summary>The sweep this run is a member of (v2), with the member's values; null for a run of the file.</summary>
    public SweepMember? Member { get; init; }

    /// <summary>The number of updates the run makes at most, on a data set of <paramref name="sampleCount"/> samples.</summary>
    public int PlannedSteps(int sampleCount)
    {
        if (Epochs is { } epochs)
        {
            var batch = Batch is { } b && b > 0 && b < sampleCount ? b : sampleCount;
            var perEpoch = (sampleCount + batch - 1) / Math.Max(1, batch);
            return (int)Math.Min(int.MaxValue, (long)epochs * perEpoch);
        }

        return Steps ?? 1000;
    }

    /// <summary>The number of updates the run makes, when it is known before loading data (null for a CSV file with epochs).</summary>
    public int? PlannedStepsBeforeLoading => Epochs is null
        ? PlannedSteps(0)
        : Data switch
        {
            InlineBoundData inline => PlannedSteps(inline.X.Length),
            GeneratedBoundData generated => PlannedSteps(generated.N),
            _ => null,
        };

    /// <summary>Without <c>record every</c>, a trace records every step up to this many steps, then about this many points.</summary>
    public const int DefaultMaxRecords = 10_000;

    /// <summary>The default <c>record every</c>: 1 up to <see cref="DefaultMaxRecords"/> steps, ⌈steps/10,000⌉ beyond.</summary>
    public static long DefaultRecordEvery(long totalSteps) => Math.Max(1, (totalSteps + DefaultMaxRecords - 1) / DefaultMaxRecords);
}

// ---- sweeps (v2) -------------------------------------------------------------------------

/// <summary>
/// <c>sweep NAME { run BASE  vary … }</c>: <paramref name="Members"/> are the base run's copies, one per
/// combination of the varied values (the first <c>vary</c> varying slowest), each named
/// <c>NAME[lr=0.1,init=he_normal]</c> and bound as a run of its own. <paramref name="Varied"/> names what
/// varies, in the file's order.
/// </summary>
public sealed record BoundSweep(string Name, BoundRun Base, ImmutableArray<string> Varied, ImmutableArray<BoundRun> Members, SweepDeclarationSyntax Syntax);

/// <summary>
/// A run's place in a sweep: the sweep's name and the member's values by setting, in the order of
/// the <c>vary</c> lines (a number, or for <c>optimizer</c> and <c>init</c> the call as written without spaces).
/// </summary>
public sealed record SweepMember(string Sweep, ImmutableArray<KeyValuePair<string, object>> Config);
