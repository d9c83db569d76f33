using System.Collections.Immutable;

namespace Grad.Language.Semantics;

public enum ArgumentKind { Number, Integer, Boolean, String }

/// <summary>One parameter of a built-in: its name, type, default (null = required) and allowed range.</summary>
public sealed record BuiltinParameter(string Name, ArgumentKind Kind, object? Default, Func<double, bool>? IsValid = null, string? Range = null, string? Description = null)
{
    public bool IsRequired => Default is null;

    /// <summary>How the default reads in a file, when not its digits (<c>1/3</c>).</summary>
    public string? DefaultText { get; init; }

    /// <summary>The default as a user writes it (<c>1e-8</c>, <c>1/3</c>, <c>false</c>); null when required.</summary>
    public string? WrittenDefault => Default is null ? null : DefaultText ?? Builtin.FormatDefault(Default);
}

public enum BuiltinCategory { Activation, Init, Loss, Optimizer, Generator, Function, Schedule, Norm, Clip, Metric }

/// <summary>
/// A built-in name users may write: an activation, init, loss, optimizer, data generator, math
/// function, schedule, or the word after <c>norm</c>, <c>clip</c> or <c>until</c>.
/// <paramref name="Summary"/> is its formula (an optimizer's update rule); <see cref="Documentation"/>
/// says in a sentence what it is and which PyTorch object it matches.
/// </summary>
public sealed record Builtin(string Name, BuiltinCategory Category, ImmutableArray<BuiltinParameter> Parameters, string Summary)
{
    public string Documentation { get; init; } = "";

    public string Signature => Parameters.IsEmpty
        ? Name
        : $"{Name}({string.Join(", ", Parameters.Select(p => p.WrittenDefault is { } written ? $"{p.Name} = {written}" : p.Name))})";

    public BuiltinParameter? FindParameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    /// <summary>A default as a user writes it in a file: <c>0.01</c>, <c>1e-8</c>, <c>false</c>.</summary>
    public static string FormatDefault(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => FormatNumber(d),
        int i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        string s => $"\"{s}\"",
        _ => value.ToString() ?? "",
    };

    /// <summary>Round-trip digits with a short exponent: 1E-08 becomes 1e-8.</summary>
    private static string FormatNumber(double value)
    {
        var text = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text;
        }

        var exponent = int.Parse(text[(e + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return $"{text[..e]}e{exponent.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}

/// <summary>The catalogue of built-ins, by category. Optimizer defaults are PyTorch's.</summary>
public static class Builtins
{
    private static readonly Func<double, bool> Positive = v => v > 0;
    private static readonly Func<double, bool> NonNegative = v => v >= 0;
    private static readonly Func<double, bool> UnitOpen = v => v >= 0 && v < 1;
    private static readonly Func<double, bool> UnitClosed = v => v >= 0 && v <= 1;

    private static BuiltinParameter Num(string name, double? value, Func<double, bool>? valid = null, string? range = null, string? description = null) =>
        new(name, ArgumentKind.Number, value, valid, range, description);

    private static BuiltinParameter Int(string name, int? value, Func<double, bool>? valid = null, string? range = null, string? description = null) =>
        new(name, ArgumentKind.Integer, value, valid, range, description);

    private static BuiltinParameter Bool(string name, bool value, string? description = null) => new(name, ArgumentKind.Boolean, value, Description: description);

    private static Builtin Make(string name, BuiltinCategory category, string summary, params BuiltinParameter[] parameters) =>
        new(name, category, [.. parameters], summary);

    private static Builtin Doc(this Builtin builtin, string documentation) => builtin with { Documentation = documentation };

    public static ImmutableArray<Builtin> Activations { get; } =
    [
        Make("sigmoid", BuiltinCategory.Activation, "σ(z) = 1/(1+e^(−z)); σ'(z) = σ(z)(1−σ(z)) ≤ 0.25")
            .Doc("The logistic function (torch.sigmoid). Its derivative is at most 0.25, so a chain of sigmoids shrinks δ."),
        Make("tanh", BuiltinCategory.Activation, "tanh(z); tanh'(z) = 1 − tanh²(z) ≤ 1")
            .Doc("The hyperbolic tangent (torch.tanh): zero-centred, derivative at most 1."),
        Make("relu", BuiltinCategory.Activation, "max(0, z); derivative 1 for z > 0, else 0")
            .Doc("The rectifier (torch.relu): δ passes unchanged through active units and stops at inactive ones. As in torch, a NaN stays NaN (and so reaches the cost: the run stops as diverged)."),
        Make("leaky_relu", BuiltinCategory.Activation, "z for z > 0, slope·z otherwise", Num("slope", 0.01, description: "the slope for z ≤ 0 (negative_slope)"))
            .Doc("torch.nn.functional.leaky_relu: like relu, but a small slope keeps inactive units learning."),
        Make("elu", BuiltinCategory.Activation, "z for z > 0, alpha·(e^z − 1) otherwise", Num("alpha", 1.0, description: "the value the negative side tends to is −alpha"))
            .Doc("torch.nn.functional.elu: smooth for z < 0, identity for z > 0."),
        Make("softplus", BuiltinCategory.Activation, "log(1 + e^z); derivative σ(z)")
            .Doc("torch.nn.functional.softplus: a smooth relu."),
        Make("gelu", BuiltinCategory.Activation, "z·Φ(z) (exact, with erf, as torch's default)")
            .Doc("torch.nn.functional.gelu (approximate = 'none')."),
        Make("linear", BuiltinCategory.Activation, "the identity; derivative 1")
            .Doc("No activation: the layer's output is z."),
        Make("softmax", BuiltinCategory.Activation, "e^(z_i)/Σ e^(z_j); last layer only, with cross_entropy")
            .Doc("Normalised exponentials (torch.softmax over the features); only on the last layer, with `loss cross_entropy`."),
    ];

    public static ImmutableArray<Builtin> Inits { get; } =
    [
        Make("normal", BuiltinCategory.Init, "weights from N(mean, std²)", Num("mean", 0.0, description: "the mean of the weights"), Num("std", 1.0, Positive, "> 0", "their standard deviation"))
            .Doc("torch.nn.init.normal_."),
        Make("uniform", BuiltinCategory.Init, "weights from U(low, high)", Num("low", 0.0, description: "the lower bound"), Num("high", 1.0, description: "the upper bound"))
            .Doc("torch.nn.init.uniform_ (its defaults: a = 0, b = 1)."),
        Make("constant", BuiltinCategory.Init, "every weight equal to value", Num("value", null, description: "the value of every weight"))
            .Doc("torch.nn.init.constant_: every unit of a layer starts the same (and stays the same: symmetry is never broken)."),
        Make("xavier_uniform", BuiltinCategory.Init, "U(−a, a), a = √(6/(fan_in + fan_out)) (Glorot)")
            .Doc("torch.nn.init.xavier_uniform_, the default: keeps the variance of activations and of δ about constant for tanh-like layers."),
        Make("xavier_normal", BuiltinCategory.Init, "N(0, 2/(fan_in + fan_out)) (Glorot)")
            .Doc("torch.nn.init.xavier_normal_."),
        Make("he_uniform", BuiltinCategory.Init, "U(−a, a), a = √(6/fan_in) (Kaiming, for relu)")
            .Doc("torch.nn.init.kaiming_uniform_ (nonlinearity = 'relu'): keeps relu layers' δ from shrinking."),
        Make("he_normal", BuiltinCategory.Init, "N(0, 2/fan_in) (Kaiming, for relu)")
            .Doc("torch.nn.init.kaiming_normal_ (nonlinearity = 'relu'): keeps relu layers' δ from shrinking."),
    ];

    public static ImmutableArray<Builtin> Losses { get; } =
    [
        Make("mse", BuiltinCategory.Loss, "½‖aᴸ − y‖² per sample, averaged over the batch")
            .Doc("Squared error (half of torch.nn.MSELoss(reduction = 'sum') per sample)."),
        Make("bce", BuiltinCategory.Loss, "−Σ[y log a + (1−y) log(1−a)] per sample, averaged over the batch; computed stably from zᴸ (needs a sigmoid output)")
            .Doc("Binary cross-entropy (torch.nn.BCEWithLogitsLoss on zᴸ)."),
        Make("cross_entropy", BuiltinCategory.Loss, "−Σ y log softmax(zᴸ) per sample, averaged over the batch; y one-hot or a class index")
            .Doc("torch.nn.CrossEntropyLoss on zᴸ; needs a softmax output."),
    ];

    private static readonly BuiltinParameter WeightDecay = Num("weight_decay", 0.0, NonNegative, "≥ 0", "L2 penalty λ: λθ is added to the gradient");

    public static ImmutableArray<Builtin> Optimizers { get; } =
    [
        Make("sgd", BuiltinCategory.Optimizer, "p ← p − lr·g, with momentum buffer b ← μ·b + (1−dampening)·g (b = g on the first step)",
            Num("lr", null, Positive, "> 0", "learning rate"), Num("momentum", 0.0, NonNegative, "≥ 0", "momentum factor μ"), Num("dampening", 0.0, NonNegative, "≥ 0", "dampening τ of the momentum"),
            Bool("nesterov", false, "Nesterov momentum: step along g + μb"), WeightDecay)
            .Doc("Stochastic gradient descent (torch.optim.SGD)."),
        Make("adagrad", BuiltinCategory.Optimizer, "s ← s + g²; p ← p − lr·g/(√s + eps)",
            Num("lr", 0.01, Positive, "> 0", "learning rate"), Num("eps", 1e-10, Positive, "> 0", "added to the denominator"), Num("initial_accumulator", 0.0, NonNegative, "≥ 0", "the starting value of s"),
            WeightDecay)
            .Doc("A per-coordinate learning rate from the sum of squared gradients (torch.optim.Adagrad)."),
        Make("rmsprop", BuiltinCategory.Optimizer, "v ← α·v + (1−α)·g²; p ← p − lr·g/(√v + eps)",
            Num("lr", 0.01, Positive, "> 0", "learning rate"), Num("alpha", 0.99, UnitClosed, "in [0, 1]", "smoothing constant of v"), Num("eps", 1e-8, Positive, "> 0", "added to the denominator"),
            Num("momentum", 0.0, NonNegative, "≥ 0", "momentum factor"), Bool("centered", false, "divide by the variance estimate v − m² instead of v"), WeightDecay)
            .Doc("A running mean of squared gradients (torch.optim.RMSprop)."),
        Make("adadelta", BuiltinCategory.Optimizer, "v ← ρ·v + (1−ρ)·g²; Δ = √(u + eps)/√(v + eps)·g; u ← ρ·u + (1−ρ)·Δ²; p ← p − lr·Δ",
            Num("lr", 1.0, Positive, "> 0", "learning rate (scales Δ)"), Num("rho", 0.9, UnitClosed, "in [0, 1]", "smoothing constant of v and u"), Num("eps", 1e-6, Positive, "> 0", "added inside the square roots"),
            WeightDecay)
            .Doc("Steps scaled by running means of squared gradients and squared updates (torch.optim.Adadelta)."),
        Make("adam", BuiltinCategory.Optimizer, "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr·m̂/(√v̂ + eps)",
            Num("lr", 0.001, Positive, "> 0", "learning rate"), Num("beta1", 0.9, UnitOpen, "in [0, 1)", "decay of the first moment m"), Num("beta2", 0.999, UnitOpen, "in [0, 1)", "decay of the second moment v"),
            Num("eps", 1e-8, Positive, "> 0", "added to the denominator"), WeightDecay, Bool("amsgrad", false, "use the largest v̂ so far"))
            .Doc("Bias-corrected moment estimates (torch.optim.Adam)."),
        Make("adamw", BuiltinCategory.Optimizer, "Adam with decoupled weight decay: p ← p − lr·λ·p before the Adam step",
            Num("lr", 0.001, Positive, "> 0", "learning rate"), Num("beta1", 0.9, UnitOpen, "in [0, 1)", "decay of the first moment m"), Num("beta2", 0.999, UnitOpen, "in [0, 1)", "decay of the second moment v"),
            Num("eps", 1e-8, Positive, "> 0", "added to the denominator"), Num("weight_decay", 0.01, NonNegative, "≥ 0", "decoupled decay λ: p ← p − lr·λ·p"), Bool("amsgrad", false, "use the largest v̂ so far"))
            .Doc("Adam with decoupled weight decay (torch.optim.AdamW)."),
    ];

    /// <summary>Learning-rate schedules (v2), each PyTorch's scheduler stepped once per update.</summary>
    public static ImmutableArray<Builtin> Schedules { get; } =
    [
        Make("step", BuiltinCategory.Schedule, "lr = lr₀·gamma^⌊t/every⌋",
            Int("every", null, Positive, "≥ 1", "updates between decays (step_size)"), Num("gamma", 0.1, Positive, "> 0", "the factor of each decay"))
            .Doc("torch.optim.lr_scheduler.StepLR: the learning rate is multiplied by gamma every `every` updates."),
        Make("exponential", BuiltinCategory.Schedule, "lr = lr₀·gammaᵗ",
            Num("gamma", null, Positive, "> 0", "the factor after every update"))
            .Doc("torch.optim.lr_scheduler.ExponentialLR: the learning rate is multiplied by gamma after every update."),
        Make("cosine", BuiltinCategory.Schedule, "lr = min_lr + (lr₀ − min_lr)·(1 + cos(π·t/period))/2",
            Int("period", null, Positive, "≥ 1", "updates from lr₀ down to min_lr (T_max)"), Num("min_lr", 0.0, NonNegative, "≥ 0", "the lowest learning rate (eta_min)"))
            .Doc("torch.optim.lr_scheduler.CosineAnnealingLR: half a cosine from lr₀ down to min_lr over `period` updates; past the period it rises again, as torch's does."),
        Make("warmup", BuiltinCategory.Schedule, "lr = lr₀·(start + (1 − start)·min(t, steps)/steps)",
            Int("steps", null, Positive, "≥ 1", "updates until the full learning rate (total_iters)"), Num("start", 1.0 / 3, v => v > 0 && v <= 1, "in (0, 1]", "the first update's fraction of lr₀ (start_factor)") with { DefaultText = "1/3" })
            .Doc("torch.optim.lr_scheduler.LinearLR: the learning rate rises linearly from start·lr₀ to lr₀ over `steps` updates; `warmup(…) then B` continues with B (SequentialLR)."),
    ];

    private static readonly BuiltinParameter N = Int("n", 100, Positive, "≥ 1", "number of samples");
    private static readonly BuiltinParameter Seed = Int("seed", 0, NonNegative, "≥ 0", "the generator's seed: the same seed gives the same samples");

    private static BuiltinParameter Noise(double value) => Num("noise", value, NonNegative, "≥ 0", "standard deviation of the Gaussian noise added");

    private static BuiltinParameter Classes() => Int("classes", 2, v => v >= 2, "≥ 2", "number of classes (more than 2: one-hot targets)");

    public static ImmutableArray<Builtin> Generators { get; } =
    [
        Make("xor", BuiltinCategory.Generator, "points in [−1, 1]², y = 1 where the signs of x₁ and x₂ differ", N, Noise(0.0), Seed)
            .Doc("The XOR problem: 2 features, 1 target (0 or 1)."),
        Make("circles", BuiltinCategory.Generator, "two concentric circles (radius 1 → y = 0, radius 0.5 → y = 1)", N, Noise(0.1), Seed)
            .Doc("Two concentric circles: 2 features, 1 target (as sklearn's make_circles)."),
        Make("moons", BuiltinCategory.Generator, "two interleaving half circles, y = 0 or 1", N, Noise(0.1), Seed)
            .Doc("Two interleaving half circles: 2 features, 1 target (as sklearn's make_moons)."),
        Make("spirals", BuiltinCategory.Generator, "interleaved spiral arms, one per class", N, Noise(0.1), Classes(), Seed)
            .Doc("Interleaved spiral arms: 2 features; one target column for 2 classes, one-hot for more."),
        Make("gaussians", BuiltinCategory.Generator, "one Gaussian blob per class", N, Classes(), Num("spread", 1.0, Positive, "> 0", "standard deviation of each blob"), Seed)
            .Doc("Gaussian blobs, one per class: 2 features (as sklearn's make_blobs)."),
        Make("linear", BuiltinCategory.Generator, "x ~ U(−1, 1), y = slope·x + intercept + noise", N, Num("slope", 1.0, description: "the line's slope"), Num("intercept", 0.0, description: "the line's intercept"), Noise(0.1), Seed)
            .Doc("A noisy line: 1 feature, 1 target (a regression problem)."),
        Make("csv", BuiltinCategory.Generator, "a CSV file with a header; the target column is y, the other columns are x",
            new BuiltinParameter("path", ArgumentKind.String, null, Description: "the file, relative to the .grad file"),
            new BuiltinParameter("target", ArgumentKind.String, null, Description: "the column to predict (a text column is one-hot encoded)"))
            .Doc("A data set read from a CSV file."),
    ];

    public static ImmutableArray<Builtin> Functions { get; } =
        [.. new[] { "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "softplus" }
            .Select(f => Make(f, BuiltinCategory.Function, $"{f}(x)", Num("x", null)).Doc("A math function of cost expressions, differentiated exactly."))];

    /// <summary>The words after <c>norm</c> (v2).</summary>
    public static ImmutableArray<Builtin> Norms { get; } =
    [
        Make("layer", BuiltinCategory.Norm, "y = gain·(x − mean(x))/√(var(x) + 1e-5) + bias, over the features of each sample")
            .Doc("torch.nn.LayerNorm(width, eps = 1e-5): a layer of the numbering with its gain (1) and bias (0) trained by the optimizer."),
        Make("batch", BuiltinCategory.Norm, "y = gain·(x − mean_batch)/√(var_batch + 1e-5) + bias, per feature over the batch")
            .Doc("torch.nn.BatchNorm1d(width, eps = 1e-5, momentum = 0.1) in training mode: batch statistics; the running estimates are kept and used only for evaluation."),
    ];

    /// <summary>The words after <c>clip</c> (v2).</summary>
    public static ImmutableArray<Builtin> Clips { get; } =
    [
        Make("norm", BuiltinCategory.Clip, "g ← g·C/(‖g‖ + 1e-6) when ‖g‖ > C (‖g‖ over all parameters together)")
            .Doc("torch.nn.utils.clip_grad_norm_(all parameters, C), after backward and before the optimizer step."),
        Make("value", BuiltinCategory.Clip, "every gradient component clamped to [−C, C]")
            .Doc("torch.nn.utils.clip_grad_value_(all parameters, C), after backward and before the optimizer step."),
    ];

    /// <summary>The metrics of <c>until METRIC &lt; ε</c>.</summary>
    public static ImmutableArray<Builtin> Metrics { get; } =
    [
        Make("change", BuiltinCategory.Metric, "max |Δθ| of the last step").Doc("The largest absolute parameter change of the last step. A small step is not a minimum."),
        Make("grad", BuiltinCategory.Metric, "max |∂C/∂θ|").Doc("The largest absolute gradient component. A small gradient is not a minimum either."),
        Make("cost", BuiltinCategory.Metric, "C(θ)").Doc("The cost of a minimize run."),
        Make("loss", BuiltinCategory.Metric, "the loss of the last step's batch").Doc("The training loss of the last step."),
    ];

    /// <summary>Every built-in of every category.</summary>
    public static ImmutableArray<Builtin> All { get; } = [.. Activations, .. Inits, .. Losses, .. Optimizers, .. Schedules, .. Generators, .. Functions, .. Norms, .. Clips, .. Metrics];

    /// <summary>The built-ins of one category.</summary>
    public static ImmutableArray<Builtin> OfCategory(BuiltinCategory category) => category switch
    {
        BuiltinCategory.Activation => Activations,
        BuiltinCategory.Init => Inits,
        BuiltinCategory.Loss => Losses,
        BuiltinCategory.Optimizer => Optimizers,
        BuiltinCategory.Generator => Generators,
        BuiltinCategory.Schedule => Schedules,
        BuiltinCategory.Norm => Norms,
        BuiltinCategory.Clip => Clips,
        BuiltinCategory.Metric => Metrics,
        _ => Functions,
    };

    public static Builtin? Find(ImmutableArray<Builtin> catalogue, string name) => catalogue.FirstOrDefault(b => b.Name == name);

    public static Builtin? Find(BuiltinCategory category, string name) => Find(OfCategory(category), name);

    public static string CategoryWord(BuiltinCategory category) => category switch
    {
        BuiltinCategory.Activation => "activation",
        BuiltinCategory.Init => "init",
        BuiltinCategory.Loss => "loss",
        BuiltinCategory.Optimizer => "optimizer",
        BuiltinCategory.Generator => "data generator",
        BuiltinCategory.Schedule => "schedule",
        BuiltinCategory.Norm => "normalization",
        BuiltinCategory.Clip => "clipping",
        BuiltinCategory.Metric => "stop metric",
        _ => "function",
    };
}
