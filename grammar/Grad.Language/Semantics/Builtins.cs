using System.Collections.Immutable;

namespace Grad.Language.Semantics;

public enum ArgumentKind { Number, Integer, Boolean, String }

/// <summary>One parameter of a built-in: its name, type, default (null = required) and allowed range.</summary>
public sealed record BuiltinParameter(string Name, ArgumentKind Kind, object? Default, Func<double, bool>? IsValid = null, string? Range = null, string? Description = null)
{
    public bool IsRequired => Default is null;
}

public enum BuiltinCategory { Activation, Init, Loss, Optimizer, Generator, Function, Schedule }

/// <summary>A built-in name users may write: an activation, init, loss, optimizer, data generator or math function.</summary>
public sealed record Builtin(string Name, BuiltinCategory Category, ImmutableArray<BuiltinParameter> Parameters, string Summary)
{
    public string Signature => Parameters.IsEmpty
        ? Name
        : $"{Name}({string.Join(", ", Parameters.Select(p => p.Default is null ? p.Name : $"{p.Name} = {FormatDefault(p.Default)}"))})";

    public BuiltinParameter? FindParameter(string name) => Parameters.FirstOrDefault(p => p.Name == name);

    public static string FormatDefault(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        int i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
        string s => $"\"{s}\"",
        _ => value.ToString() ?? "",
    };
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

    private static BuiltinParameter Int(string name, int? value, Func<double, bool>? valid = null, string? range = null) =>
        new(name, ArgumentKind.Integer, value, valid, range);

    private static BuiltinParameter Bool(string name, bool value) => new(name, ArgumentKind.Boolean, value);

    private static Builtin Make(string name, BuiltinCategory category, string summary, params BuiltinParameter[] parameters) =>
        new(name, category, [.. parameters], summary);

    public static ImmutableArray<Builtin> Activations { get; } =
    [
        Make("sigmoid", BuiltinCategory.Activation, "σ(z) = 1/(1+e^(−z)); σ'(z) = σ(z)(1−σ(z)) ≤ 0.25"),
        Make("tanh", BuiltinCategory.Activation, "tanh(z); tanh'(z) = 1 − tanh²(z) ≤ 1"),
        Make("relu", BuiltinCategory.Activation, "max(0, z); derivative 1 for z > 0, else 0"),
        Make("leaky_relu", BuiltinCategory.Activation, "z for z > 0, slope·z otherwise", Num("slope", 0.01)),
        Make("elu", BuiltinCategory.Activation, "z for z > 0, alpha·(e^z − 1) otherwise", Num("alpha", 1.0)),
        Make("softplus", BuiltinCategory.Activation, "log(1 + e^z); derivative σ(z)"),
        Make("gelu", BuiltinCategory.Activation, "z·Φ(z) (exact, with erf, as torch's default)"),
        Make("linear", BuiltinCategory.Activation, "the identity; derivative 1"),
        Make("softmax", BuiltinCategory.Activation, "e^(z_i)/Σ e^(z_j); last layer only, with cross_entropy"),
    ];

    public static ImmutableArray<Builtin> Inits { get; } =
    [
        Make("normal", BuiltinCategory.Init, "weights from N(mean, std²)", Num("mean", 0.0), Num("std", 1.0, Positive, "> 0")),
        Make("uniform", BuiltinCategory.Init, "weights from U(low, high)", Num("low", 0.0), Num("high", 1.0)),
        Make("constant", BuiltinCategory.Init, "every weight equal to value", Num("value", null)),
        Make("xavier_uniform", BuiltinCategory.Init, "U(−a, a), a = √(6/(fan_in + fan_out)) (Glorot)"),
        Make("xavier_normal", BuiltinCategory.Init, "N(0, 2/(fan_in + fan_out)) (Glorot)"),
        Make("he_uniform", BuiltinCategory.Init, "U(−a, a), a = √(6/fan_in) (Kaiming, for relu)"),
        Make("he_normal", BuiltinCategory.Init, "N(0, 2/fan_in) (Kaiming, for relu)"),
    ];

    public static ImmutableArray<Builtin> Losses { get; } =
    [
        Make("mse", BuiltinCategory.Loss, "½‖a^L − y‖² per sample, averaged over the batch"),
        Make("bce", BuiltinCategory.Loss, "−Σ[y log a + (1−y) log(1−a)], computed stably from z^L; needs a sigmoid output"),
        Make("cross_entropy", BuiltinCategory.Loss, "−Σ y log softmax(z^L); y one-hot or a class index"),
    ];

    public static ImmutableArray<Builtin> Optimizers { get; } =
    [
        Make("sgd", BuiltinCategory.Optimizer, "p ← p − lr·g, with momentum buffer b ← μ·b + (1−dampening)·g (b = g on the first step)",
            Num("lr", null, Positive, "> 0", "learning rate"), Num("momentum", 0.0, NonNegative, "≥ 0"), Num("dampening", 0.0, NonNegative, "≥ 0"),
            Bool("nesterov", false), Num("weight_decay", 0.0, NonNegative, "≥ 0")),
        Make("adagrad", BuiltinCategory.Optimizer, "s ← s + g²; p ← p − lr·g/(√s + eps)",
            Num("lr", 0.01, Positive, "> 0", "learning rate"), Num("eps", 1e-10, Positive, "> 0"), Num("initial_accumulator", 0.0, NonNegative, "≥ 0"),
            Num("weight_decay", 0.0, NonNegative, "≥ 0")),
        Make("rmsprop", BuiltinCategory.Optimizer, "v ← α·v + (1−α)·g²; p ← p − lr·g/(√v + eps)",
            Num("lr", 0.01, Positive, "> 0", "learning rate"), Num("alpha", 0.99, UnitClosed, "in [0, 1]"), Num("eps", 1e-8, Positive, "> 0"),
            Num("momentum", 0.0, NonNegative, "≥ 0"), Bool("centered", false), Num("weight_decay", 0.0, NonNegative, "≥ 0")),
        Make("adadelta", BuiltinCategory.Optimizer, "v ← ρ·v + (1−ρ)·g²; Δ = √(u + eps)/√(v + eps)·g; u ← ρ·u + (1−ρ)·Δ²; p ← p − lr·Δ",
            Num("lr", 1.0, Positive, "> 0", "learning rate"), Num("rho", 0.9, UnitClosed, "in [0, 1]"), Num("eps", 1e-6, Positive, "> 0"),
            Num("weight_decay", 0.0, NonNegative, "≥ 0")),
        Make("adam", BuiltinCategory.Optimizer, "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr·m̂/(√v̂ + eps)",
            Num("lr", 0.001, Positive, "> 0", "learning rate"), Num("beta1", 0.9, UnitOpen, "in [0, 1)"), Num("beta2", 0.999, UnitOpen, "in [0, 1)"),
            Num("eps", 1e-8, Positive, "> 0"), Num("weight_decay", 0.0, NonNegative, "≥ 0"), Bool("amsgrad", false)),
        Make("adamw", BuiltinCategory.Optimizer, "Adam with decoupled weight decay: p ← p − lr·λ·p before the Adam step",
            Num("lr", 0.001, Positive, "> 0", "learning rate"), Num("beta1", 0.9, UnitOpen, "in [0, 1)"), Num("beta2", 0.999, UnitOpen, "in [0, 1)"),
            Num("eps", 1e-8, Positive, "> 0"), Num("weight_decay", 0.01, NonNegative, "≥ 0"), Bool("amsgrad", false)),
    ];

    /// <summary>Learning-rate schedules (v2), each PyTorch's scheduler stepped once per update.</summary>
    public static ImmutableArray<Builtin> Schedules { get; } =
    [
        Make("step", BuiltinCategory.Schedule, "StepLR: lr ← lr·gamma every `every` updates",
            Int("every", null, Positive, "≥ 1"), Num("gamma", 0.1, Positive, "> 0")),
        Make("exponential", BuiltinCategory.Schedule, "ExponentialLR: lr ← lr·gamma after every update",
            Num("gamma", null, Positive, "> 0")),
        Make("cosine", BuiltinCategory.Schedule, "CosineAnnealingLR: lr = min_lr + (lr₀ − min_lr)·(1 + cos(π·t/period))/2 (rises again past the period)",
            Int("period", null, Positive, "≥ 1"), Num("min_lr", 0.0, NonNegative, "≥ 0")),
        Make("warmup", BuiltinCategory.Schedule, "LinearLR: lr rises linearly from start·lr₀ to lr₀ over `steps` updates; `then` another schedule",
            Int("steps", null, Positive, "≥ 1"), Num("start", 1.0 / 3, v => v > 0 && v <= 1, "in (0, 1]")),
    ];

    private static readonly BuiltinParameter N = Int("n", 100, Positive, "≥ 1");
    private static readonly BuiltinParameter Seed = Int("seed", 0, NonNegative, "≥ 0");

    public static ImmutableArray<Builtin> Generators { get; } =
    [
        Make("xor", BuiltinCategory.Generator, "points in [−1, 1]², y = 1 where the signs of x₁ and x₂ differ", N, Num("noise", 0.0, NonNegative, "≥ 0"), Seed),
        Make("circles", BuiltinCategory.Generator, "two concentric circles (radius 1 → y = 0, radius 0.5 → y = 1)", N, Num("noise", 0.1, NonNegative, "≥ 0"), Seed),
        Make("moons", BuiltinCategory.Generator, "two interleaving half circles, y = 0 or 1", N, Num("noise", 0.1, NonNegative, "≥ 0"), Seed),
        Make("spirals", BuiltinCategory.Generator, "interleaved spiral arms, one per class", N, Num("noise", 0.1, NonNegative, "≥ 0"), Int("classes", 2, v => v >= 2, "≥ 2"), Seed),
        Make("gaussians", BuiltinCategory.Generator, "one Gaussian blob per class", N, Int("classes", 2, v => v >= 2, "≥ 2"), Num("spread", 1.0, Positive, "> 0"), Seed),
        Make("linear", BuiltinCategory.Generator, "x ~ U(−1, 1), y = slope·x + intercept + noise", N, Num("slope", 1.0), Num("intercept", 0.0), Num("noise", 0.1, NonNegative, "≥ 0"), Seed),
        Make("csv", BuiltinCategory.Generator, "a CSV file with a header; the target column is y, the other columns are x",
            new BuiltinParameter("path", ArgumentKind.String, null), new BuiltinParameter("target", ArgumentKind.String, null)),
    ];

    public static ImmutableArray<Builtin> Functions { get; } =
        [.. new[] { "exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "softplus" }
            .Select(f => Make(f, BuiltinCategory.Function, $"{f}(x)", Num("x", null)))];

    public static Builtin? Find(ImmutableArray<Builtin> catalogue, string name) => catalogue.FirstOrDefault(b => b.Name == name);

    public static string CategoryWord(BuiltinCategory category) => category switch
    {
        BuiltinCategory.Activation => "activation",
        BuiltinCategory.Init => "init",
        BuiltinCategory.Loss => "loss",
        BuiltinCategory.Optimizer => "optimizer",
        BuiltinCategory.Generator => "data generator",
        BuiltinCategory.Schedule => "schedule",
        _ => "function",
    };
}
