using Grad.Language.Semantics;
using Newtonsoft.Json.Linq;
using static Grad.Runtime.Tests.Fixtures;

namespace Grad.Runtime.Tests;

/// <summary>Reads tests/reference/torch_reference.json (written by make_reference.py with PyTorch) into bound-model objects.</summary>
internal static class TorchReference
{
    public static JObject Json { get; } = JObject.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "reference", "torch_reference.json")));

    public static double[] Vector(JToken token) => [.. token.Select(v => (double)v)];

    public static double[][] Rows(JToken token) => [.. token.Select(Vector)];

    public static BoundNetwork Network(JToken network)
    {
        var input = (int)network["input"]!;
        var layers = new List<BoundLayer>();
        var previous = input;
        foreach (var layer in network["layers"]!)
        {
            var units = (int)layer["units"]!;
            var kind = (string)layer["activation"]! switch
            {
                "leaky_relu" => ActivationKind.LeakyRelu,
                var name => Enum.Parse<ActivationKind>(name, ignoreCase: true),
            };
            layers.Add(Layer(layers.Count + 1, units, previous, new Activation(kind, (double)layer["param"]!), Matrix(Rows(layer["weights"]!)), Vector(layer["bias"]!)));
            previous = units;
        }

        var loss = (string)network["loss"]! switch
        {
            "mse" => LossKind.Mse,
            "bce" => LossKind.Bce,
            _ => LossKind.CrossEntropy,
        };
        return Fixtures.Network("reference", input, layers, loss);
    }

    /// <summary>An OptimizerSpec from Grad's argument names, with LANGUAGE.md's (PyTorch's) defaults for the rest.</summary>
    public static OptimizerSpec Optimizer(string name, JObject args)
    {
        double Number(string key, double fallback) => args.TryGetValue(key, out var v) ? (double)v : fallback;
        bool Flag(string key) => args.TryGetValue(key, out var v) && (bool)v;
        var kind = name == "adamw" ? OptimizerKind.AdamW : Enum.Parse<OptimizerKind>(name, ignoreCase: true);
        var spec = kind switch
        {
            OptimizerKind.Sgd => new OptimizerSpec(kind, Number("lr", double.NaN), Momentum: Number("momentum", 0), Dampening: Number("dampening", 0), Nesterov: Flag("nesterov"), WeightDecay: Number("weight_decay", 0)),
            OptimizerKind.Adagrad => new OptimizerSpec(kind, Number("lr", 0.01), Eps: Number("eps", 1e-10), InitialAccumulator: Number("initial_accumulator", 0), WeightDecay: Number("weight_decay", 0)),
            OptimizerKind.Rmsprop => new OptimizerSpec(kind, Number("lr", 0.01), Alpha: Number("alpha", 0.99), Eps: Number("eps", 1e-8), Momentum: Number("momentum", 0), Centered: Flag("centered"), WeightDecay: Number("weight_decay", 0)),
            OptimizerKind.Adadelta => new OptimizerSpec(kind, Number("lr", 1), Rho: Number("rho", 0.9), Eps: Number("eps", 1e-6), WeightDecay: Number("weight_decay", 0)),
            _ => new OptimizerSpec(kind, Number("lr", 0.001), Beta1: Number("beta1", 0.9), Beta2: Number("beta2", 0.999), Eps: Number("eps", 1e-8),
                WeightDecay: Number("weight_decay", kind == OptimizerKind.AdamW ? 0.01 : 0), Amsgrad: Flag("amsgrad")),
        };
        return spec with { Arguments = [.. args.Properties().Select(p => new KeyValuePair<string, object>(p.Name, p.Value.Type == JTokenType.Boolean ? (bool)p.Value : (double)p.Value))] };
    }
}
