using System.Collections.Immutable;

namespace Grad.Language.Semantics;

/// <summary>Where a keyword starts an item: at the top level, in a network, inside a block of layers, after a layer, or in a run.</summary>
[Flags]
public enum KeywordPlace
{
    None = 0,
    TopLevel = 1,
    Network = 2,
    /// <summary>Inside <c>repeat { … }</c> or <c>residual { … }</c>: layers only.</summary>
    Layers = 4,
    /// <summary>After <c>dense N ACTIVATION</c> on its line.</summary>
    LayerOption = 8,
    Run = 16,
    /// <summary>Inside another item (<c>from</c>, <c>on</c>, <c>every</c>, <c>then</c>, <c>true</c>, …).</summary>
    Inner = 32,
}

/// <summary>A keyword of the language: the form it starts, where it goes, and what it means.</summary>
public sealed record KeywordInfo(string Name, KeywordPlace Places, string Form, string Documentation)
{
    /// <summary>The category of built-in that follows the keyword (<c>optimizer</c> → optimizers), if any.</summary>
    public BuiltinCategory? Takes { get; init; }
}

/// <summary>
/// The keywords, one entry each, in the order completion offers them. A test checks that this
/// list and the grammar's reserved words are the same set.
/// </summary>
public static class Keywords
{
    private static KeywordInfo K(string name, KeywordPlace places, string form, string documentation, BuiltinCategory? takes = null) =>
        new(name, places, form, documentation) { Takes = takes };

    public static ImmutableArray<KeywordInfo> All { get; } =
    [
        K("network", KeywordPlace.TopLevel, "network NAME { … }", "A feed-forward chain, one item per line."),
        K("data", KeywordPlace.TopLevel, "data NAME { x: LIST  y: LIST } | data NAME = GENERATOR(…)", "A data set: inline rows, a generator or a csv file."),
        K("run", KeywordPlace.TopLevel, "run NAME { … }", "An optimizer run: minimize a cost, or train a network on data."),
        K("cost", KeywordPlace.TopLevel, "cost NAME(p1, p2, …) = EXPR", "A differentiable cost over named parameters."),
        K("let", KeywordPlace.TopLevel, "let NAME = EXPR", "A named constant."),
        K("sweep", KeywordPlace.TopLevel, "sweep NAME { run BASE  vary SETTING in [v1, v2, …] }", "A family of runs: the base run with settings varied, one member per combination."),
        K("vary", KeywordPlace.None, "vary SETTING in [v1, v2, …]", "In a sweep: an optimizer parameter, optimizer, batch, seed, init or a constant, and its values."),
        K("in", KeywordPlace.None, "vary SETTING in [v1, v2, …]", "In a sweep's vary line: the list of values."),

        K("input", KeywordPlace.Network, "input N", "The input width: the number of features of each sample (required, first)."),
        K("dense", KeywordPlace.Network | KeywordPlace.Layers, "dense N ACTIVATION [weights LIST] [bias LIST] [as LABEL]", "A fully connected layer of N units: aˡ = g(Wˡ aˡ⁻¹ + bˡ)."),
        K("residual", KeywordPlace.Network | KeywordPlace.Layers, "residual { LAYERS }", "A residual block: its output is its input plus its last layer's output (x + f(x)); on the way back δ gets an identity path."),
        K("norm", KeywordPlace.Network | KeywordPlace.Layers, "norm layer | norm batch", "A normalization layer (LayerNorm or BatchNorm1d) with a trained gain and bias; it keeps the width.", BuiltinCategory.Norm),
        K("repeat", KeywordPlace.Network, "repeat K { LAYERS }", "K copies of the layers inside, each with its own weights."),
        K("init", KeywordPlace.Network, "init INIT | init from \"FILE.json\" run RUN", "How the weights start (biases start at 0), or the final weights of a training run that `grad run --json` wrote. Default: xavier_uniform.", BuiltinCategory.Init),
        K("loss", KeywordPlace.Network, "loss mse | bce | cross_entropy", "The per-sample loss, averaged over the batch (required).", BuiltinCategory.Loss),
        K("weights", KeywordPlace.LayerOption, "weights [[…], …]", "This layer's initial weights (rows = units, columns = the previous layer's units)."),
        K("bias", KeywordPlace.LayerOption, "bias […]", "This layer's initial biases."),
        K("as", KeywordPlace.LayerOption, "as LABEL", "A name for the layer."),

        K("minimize", KeywordPlace.Run, "minimize COST from p1 = v1, …", "Minimize a cost from a start point."),
        K("train", KeywordPlace.Run, "train NETWORK on DATA", "Train a network on a data set."),
        K("optimizer", KeywordPlace.Run, "optimizer OPT(name = value, …)", "The update rule (torch.optim's rules and defaults).", BuiltinCategory.Optimizer),
        K("schedule", KeywordPlace.Run, "schedule A [then B]", "A learning-rate schedule, stepped once per update like a PyTorch scheduler.", BuiltinCategory.Schedule),
        K("clip", KeywordPlace.Run, "clip norm C | clip value C", "Gradient clipping after backward, before the optimizer step.", BuiltinCategory.Clip),
        K("steps", KeywordPlace.Run, "steps N", "The number of parameter updates (default 1000)."),
        K("epochs", KeywordPlace.Run, "epochs N", "Passes over the whole data set (training only)."),
        K("batch", KeywordPlace.Run, "batch B", "Samples per update (training only; default: the whole data set)."),
        K("until", KeywordPlace.Run, "until METRIC < ε", "Stop early when the metric falls below ε.", BuiltinCategory.Metric),
        K("record", KeywordPlace.Run, "record every K", "Which steps go into the trace."),
        K("seed", KeywordPlace.Network | KeywordPlace.Run, "seed S", "In a network: the seed of the initial weights; in a run: the shuffling seed. Default: 0."),

        K("from", KeywordPlace.Inner, "minimize COST from p1 = v1, … | init from \"FILE.json\" run RUN", "The start point of a minimize run; or the file whose training run's final weights a network starts from."),
        K("on", KeywordPlace.Inner, "train NETWORK on DATA", "The data a network trains on."),
        K("every", KeywordPlace.Inner, "record every K", "Record every K-th step."),
        K("then", KeywordPlace.Inner, "schedule warmup(…) then B", "After the warmup, continue with another schedule (SequentialLR).", BuiltinCategory.Schedule),
        K("true", KeywordPlace.Inner, "true", "A boolean argument value."),
        K("false", KeywordPlace.Inner, "false", "A boolean argument value."),
    ];

    public static KeywordInfo? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>The keywords that start an item at <paramref name="place"/>, in catalogue order.</summary>
    public static IEnumerable<KeywordInfo> At(KeywordPlace place) => All.Where(k => (k.Places & place) != 0);
}
