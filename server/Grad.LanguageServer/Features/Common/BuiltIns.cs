namespace Grad.LanguageServer.Features.Common;

/// <summary>A parameter of a built-in call with its default as the file would write it (null: required).</summary>
public sealed record BuiltInParameter(string Name, string? Default, string Documentation);

/// <summary>An activation, init, loss, generator or optimizer that the language knows.</summary>
public sealed record BuiltIn(string Name, BuiltInKind Kind, string Documentation, IReadOnlyList<BuiltInParameter> Parameters, string? UpdateRule = null)
{
    public string Signature => Parameters.Count == 0
        ? Name
        : $"{Name}({string.Join(", ", Parameters.Select(p => p.Default is null ? p.Name : $"{p.Name} = {p.Default}"))})";
}

public enum BuiltInKind { Activation, Init, Loss, Generator, Optimizer, Function }

/// <summary>The language's built-ins, as LANGUAGE.md lists them (defaults are PyTorch's for optimizers).</summary>
public static class BuiltIns
{
    private static BuiltInParameter P(string name, string? value, string documentation = "") => new(name, value, documentation);

    public static IReadOnlyList<BuiltIn> All { get; } =
    [
        new("sigmoid", BuiltInKind.Activation, "σ(z) = 1/(1+e^(−z)); σ'(z) = σ(1−σ) ≤ 0.25, so a chain of sigmoids shrinks δ.", []),
        new("tanh", BuiltInKind.Activation, "tanh(z); tanh'(z) = 1 − tanh² ≤ 1.", []),
        new("relu", BuiltInKind.Activation, "max(0, z); relu'(z) is 1 for z > 0, else 0.", []),
        new("leaky_relu", BuiltInKind.Activation, "z for z > 0, slope·z otherwise.", [P("slope", "0.01")]),
        new("elu", BuiltInKind.Activation, "z for z > 0, alpha·(e^z − 1) otherwise.", [P("alpha", "1")]),
        new("softplus", BuiltInKind.Activation, "log(1 + e^z); its derivative is σ(z).", []),
        new("gelu", BuiltInKind.Activation, "z·Φ(z) (the exact Gaussian form).", []),
        new("linear", BuiltInKind.Activation, "The identity; g'(z) = 1.", []),
        new("softmax", BuiltInKind.Activation, "Normalised exponentials; last layer only, with `loss cross_entropy`.", []),

        new("normal", BuiltInKind.Init, "Weights drawn from N(mean, std²).", [P("mean", "0"), P("std", "1")]),
        new("uniform", BuiltInKind.Init, "Weights drawn from U(low, high).", [P("low", "-1"), P("high", "1")]),
        new("constant", BuiltInKind.Init, "Every weight the same value.", [P("value", null)]),
        new("xavier_uniform", BuiltInKind.Init, "U(−a, a), a = √(6/(fan_in + fan_out)) (the default).", []),
        new("xavier_normal", BuiltInKind.Init, "N(0, 2/(fan_in + fan_out)).", []),
        new("he_uniform", BuiltInKind.Init, "U(−a, a), a = √(6/fan_in): keeps relu layers' δ from shrinking.", []),
        new("he_normal", BuiltInKind.Init, "N(0, 2/fan_in): keeps relu layers' δ from shrinking.", []),

        new("mse", BuiltInKind.Loss, "½‖a^L − y‖² per sample, averaged over the batch.", []),
        new("bce", BuiltInKind.Loss, "−Σ[y log a + (1−y) log(1−a)]; needs a sigmoid output.", []),
        new("cross_entropy", BuiltInKind.Loss, "−Σ y log softmax(z^L); y one-hot or a class index.", []),

        new("xor", BuiltInKind.Generator, "The four XOR points, repeated to n samples.", [P("n", "4"), P("seed", "0")]),
        new("circles", BuiltInKind.Generator, "Two concentric circles (2 features, 1 target).", [P("n", "100"), P("noise", "0.1"), P("seed", "0")]),
        new("moons", BuiltInKind.Generator, "Two interleaving half circles.", [P("n", "100"), P("noise", "0.1"), P("seed", "0")]),
        new("spirals", BuiltInKind.Generator, "Interleaved spirals, one class each (one-hot targets).", [P("n", "100"), P("noise", "0.1"), P("classes", "2"), P("seed", "0")]),
        new("gaussians", BuiltInKind.Generator, "Gaussian blobs, one per class.", [P("n", "100"), P("classes", "2"), P("spread", "1"), P("seed", "0")]),
        new("linear", BuiltInKind.Generator, "y = slope·x + intercept + noise.", [P("n", "100"), P("slope", "1"), P("intercept", "0"), P("noise", "0.1"), P("seed", "0")]),
        new("csv", BuiltInKind.Generator, "A CSV file relative to the .grad file; `target` names the column to predict.", [P("path", null), P("target", null)]),

        new("sgd", BuiltInKind.Optimizer, "Stochastic gradient descent (torch.optim.SGD).",
            [P("lr", null, "learning rate"), P("momentum", "0"), P("dampening", "0"), P("nesterov", "false"), P("weight_decay", "0")],
            "g ← ∇f(θ) + λθ; b ← μb + (1−τ)g (b = g on the first step); g ← g + μb if nesterov else b; θ ← θ − lr·g"),
        new("adagrad", BuiltInKind.Optimizer, "A per-coordinate learning rate from the sum of squared gradients (torch.optim.Adagrad).",
            [P("lr", "0.01"), P("eps", "1e-10"), P("initial_accumulator", "0")],
            "s ← s + g²; θ ← θ − lr·g/(√s + ε)"),
        new("rmsprop", BuiltInKind.Optimizer, "A running mean of squared gradients (torch.optim.RMSprop).",
            [P("lr", "0.01"), P("alpha", "0.99"), P("eps", "1e-8"), P("momentum", "0"), P("centered", "false")],
            "v ← αv + (1−α)g²; θ ← θ − lr·g/(√v + ε) (with momentum: b ← μb + g/(√v + ε); θ ← θ − lr·b)"),
        new("adadelta", BuiltInKind.Optimizer, "Steps scaled by running means of squared gradients and updates (torch.optim.Adadelta).",
            [P("lr", "1"), P("rho", "0.9"), P("eps", "1e-6")],
            "v ← ρv + (1−ρ)g²; Δ ← √(u + ε)/√(v + ε)·g; u ← ρu + (1−ρ)Δ²; θ ← θ − lr·Δ"),
        new("adam", BuiltInKind.Optimizer, "Bias-corrected moment estimates (torch.optim.Adam).",
            [P("lr", "0.001"), P("beta1", "0.9"), P("beta2", "0.999"), P("eps", "1e-8"), P("weight_decay", "0"), P("amsgrad", "false")],
            "m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; θ ← θ − lr·(m/(1−β₁ᵗ))/(√(v/(1−β₂ᵗ)) + ε)"),
        new("adamw", BuiltInKind.Optimizer, "Adam with decoupled weight decay (torch.optim.AdamW).",
            [P("lr", "0.001"), P("beta1", "0.9"), P("beta2", "0.999"), P("eps", "1e-8"), P("weight_decay", "0.01"), P("amsgrad", "false")],
            "θ ← θ − lr·λθ; then Adam's step"),
    ];

    public static IEnumerable<BuiltIn> OfKind(BuiltInKind kind) => All.Where(b => b.Kind == kind);

    public static BuiltIn? Find(string name, BuiltInKind kind) => All.FirstOrDefault(b => b.Kind == kind && b.Name == name);

    public static IReadOnlyList<string> MathFunctions { get; } = ["exp", "log", "sqrt", "abs", "sin", "cos", "tanh", "sigmoid", "relu", "softplus"];
}
