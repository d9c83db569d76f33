using System.Collections.Immutable;
using System.Globalization;
using Grad.Language.Resources;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.Runtime.Networks;

namespace Grad.Runtime.WhatIf;

/// <summary>
/// The what-if panel's model: which knobs a run has (<see cref="Knobs"/>), the run with the panel's
/// values applied to its bound model (<see cref="Apply"/>: no text is written or parsed, and the result
/// is the run the file would bind to with those values written in), and the edits that write the values
/// into the file (<see cref="Edits"/>, one undoable edit in the editor).
/// </summary>
public static class WhatIfRun
{
    /// <summary>The learning-rate slider spans this factor either side of the file's value.</summary>
    public const double LrSpan = 1000;

    /// <summary>The init-scale slider: from 1/this to this.</summary>
    public const double InitScaleSpan = 10;

    /// <summary>The depth slider goes up to this many copies (or twice the file's count), within the layer limit.</summary>
    public const int MaxDepth = 32;

    /// <summary>The knobs of <paramref name="run"/>, each with its value in the file and its range (or why it is not offered).</summary>
    public static ImmutableArray<WhatIfKnob> Knobs(BoundRun run, ResourceLimits limits)
    {
        var knobs = ImmutableArray.CreateBuilder<WhatIfKnob>();
        var lr = run.Optimizer.Lr;
        knobs.Add(new WhatIfKnob("lr", "learning rate", "log", lr, lr / LrSpan, lr * LrSpan) { Stops = Stops(OneTwoFive(lr / LrSpan, lr * LrSpan), lr) });
        var momentum = new WhatIfKnob("momentum", "momentum", "linear", run.Optimizer.Momentum, 0, 0.99)
        {
            Stops = Stops([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99], run.Optimizer.Momentum),
        };
        knobs.Add(HasMomentum(run.Optimizer) ? momentum : momentum with { Unavailable = $"{run.Optimizer.Name} has no momentum parameter (sgd and rmsprop have one)" });

        var network = run.Network;
        var notTraining = run.Kind == RunKind.Train ? null : $"run {run.Name} minimizes a cost: it trains no network";
        var repeat = network is null ? null : FirstRepeat(network);
        var count = network is not null && repeat is not null ? RepeatCount(network, repeat) : 0;
        var maxDepth = network is null ? 1 : (int)Math.Max(1, Math.Min(Math.Max(MaxDepth, 2 * count), (limits[LimitKind.Layers] - network.Layers.Length) / Math.Max(1, LayersPerCopy(repeat)) + count));
        knobs.Add(new WhatIfKnob("depth", "depth (repeat count)", "integer", count, 1, maxDepth)
        {
            Stops = Stops(Enumerable.Range(1, maxDepth).Select(d => (double)d), count),
            Unavailable = notTraining ?? (repeat is null ? $"network {network!.Name} has no `repeat` block" : null),
        });
        knobs.Add(new WhatIfKnob("initScale", "init scale", "log", 1, 1 / InitScaleSpan, InitScaleSpan)
        {
            Stops = Stops(OneTwoFive(1 / InitScaleSpan, InitScaleSpan), 1),
            Unavailable = notTraining ?? (network!.StartingWeights is not null ? $"network {network.Name} starts from `init from`, not from an init" : null),
        });
        var hidden = network is null ? [] : HiddenDense(network).ToList();
        knobs.Add(new WhatIfKnob("activation", "hidden activation", "choice", 0, 0, 0)
        {
            Choices = [.. ActivationChoices],
            Choice = hidden.Count > 0 ? hidden[0].Activation.Name : null,
            Unavailable = notTraining ?? (hidden.Count == 0 ? $"network {network!.Name} has no hidden dense layer with a nonlinear activation" : null),
        });
        return knobs.ToImmutable();
    }

    /// <summary>The values 1, 2, 5 × 10ᵉ from <paramref name="min"/> to <paramref name="max"/>, each the double its text reads as.</summary>
    private static IEnumerable<double> OneTwoFive(double min, double max)
    {
        for (var e = (int)Math.Floor(Math.Log10(min)); e <= (int)Math.Ceiling(Math.Log10(max)); e++)
        {
            foreach (var m in new[] { 1, 2, 5 })
            {
                var value = double.Parse($"{m}e{e}", CultureInfo.InvariantCulture);
                if (value >= min * (1 - 1e-12) && value <= max * (1 + 1e-12))
                {
                    yield return value;
                }
            }
        }
    }

    /// <summary>A slider's stops: <paramref name="values"/> and the file's value, in order, with their texts.</summary>
    private static ImmutableArray<WhatIfStop> Stops(IEnumerable<double> values, double fileValue) =>
        [.. values.Append(fileValue).Distinct().Order().Select(v => new WhatIfStop(v, Numbers.Exact(v)))];

    /// <summary>
    /// The activations the panel offers for hidden layers: the catalogue's nonlinear ones (softmax is the output
    /// layer's; `linear` layers are projections the knob leaves alone, so it does not make them either).
    /// </summary>
    public static IEnumerable<string> ActivationChoices => Builtins.Activations.Select(a => a.Name).Where(n => n is not "softmax" and not "linear");

    /// <summary>
    /// <paramref name="run"/> with <paramref name="overrides"/> applied to its bound model: the optimizer's lr
    /// and momentum, the repeat count, the hidden activation and the init scale. Throws
    /// <see cref="WhatIfException"/> for a value the file could not hold (lr ≤ 0, repeat 0, …).
    /// </summary>
    public static BoundRun Apply(BoundRun run, WhatIfOverrides overrides, ResourceLimits limits)
    {
        var result = run;
        if (overrides.Lr is not null || overrides.Momentum is not null)
        {
            result = result with { Optimizer = WithOptimizerValues(run.Optimizer, overrides) };
        }

        if (overrides.Depth is null && overrides.Activation is null && overrides.InitScale is null)
        {
            return result;
        }

        var network = run.Network ?? throw new WhatIfException($"run {run.Name} minimizes a cost: depth, init scale and activation are a network's");
        if (overrides.Depth is { } depth)
        {
            network = WithDepth(network, depth, limits);
        }

        if (overrides.Activation is { } activation)
        {
            network = WithHiddenActivation(network, activation);
        }

        if (overrides.InitScale is { } scale)
        {
            network = WithInitScale(network, scale);
        }

        return result with { Network = network };
    }

    /// <summary>
    /// The edits that write <paramref name="overrides"/> into the file of <paramref name="run"/> (only values
    /// that differ from the file's), and the values that cannot be written, with why.
    /// </summary>
    public static WhatIfEdits Edits(BoundRun run, WhatIfOverrides overrides, ResourceLimits limits)
    {
        // A value that could not run cannot be written either.
        Apply(run, overrides, limits);
        var edits = ImmutableArray.CreateBuilder<WhatIfEdit>();
        var notWritten = ImmutableArray.CreateBuilder<string>();
        var optimizerCall = run.Syntax.Items.OfType<OptimizerItemSyntax>().FirstOrDefault()?.Optimizer;
        foreach (var (name, value, current) in new[] { ("lr", overrides.Lr, run.Optimizer.Lr), ("momentum", overrides.Momentum, run.Optimizer.Momentum) })
        {
            if (value is not { } v || v == current)
            {
                continue;
            }

            // Every bound run has its `optimizer` line (the binder requires one).
            edits.Add(ArgumentEdit(optimizerCall!, Builtins.Optimizers.First(o => o.Name == run.Optimizer.Name), name, Numbers.Exact(v)));
        }

        var network = run.Network;
        if (overrides.Depth is { } depth && network is not null && FirstRepeat(network) is { Count: { } countSyntax } repeat && depth != RepeatCount(network, repeat))
        {
            edits.Add(new WhatIfEdit(countSyntax.Span, depth.ToString(CultureInfo.InvariantCulture)));
        }

        if (overrides.Activation is { } activation && network is not null)
        {
            foreach (var syntax in HiddenDense(network).Where(l => l.Activation.Name != activation || l.ActivationSyntax?.Arguments.Length > 0)
                         .Select(l => l.ActivationSyntax).OfType<CallSyntax>().Distinct())
            {
                edits.Add(new WhatIfEdit(syntax.Span, activation));
            }
        }

        if (overrides.InitScale is { } scale && scale != 1 && network is not null)
        {
            var initCall = network.Syntax.Items.OfType<InitItemSyntax>().FirstOrDefault()?.Init;
            var scaled = Scaled(network.Init, scale);
            if (initCall is not null && scaled is not null)
            {
                edits.Add(new WhatIfEdit(initCall.Span, InitText(scaled)));
            }
            else
            {
                notWritten.Add($"init ×{Numbers.Exact(scale)}: {InitName(network.Init)} has no scale to write; write `init normal(mean = 0, std = …)` or `uniform(…)` to choose one");
            }
        }

        return new WhatIfEdits([.. edits.OrderBy(e => e.Span.Start)], notWritten.ToImmutable());
    }

    private static bool HasMomentum(OptimizerSpec optimizer) =>
        Builtins.Optimizers.FirstOrDefault(o => o.Name == optimizer.Name)?.FindParameter("momentum") is not null;

    /// <summary>The optimizer the file would bind to with lr and momentum written in: the binder's own constructor over the values by name.</summary>
    private static OptimizerSpec WithOptimizerValues(OptimizerSpec optimizer, WhatIfOverrides overrides)
    {
        var builtin = Builtins.Optimizers.First(o => o.Name == optimizer.Name);
        var values = optimizer.Effective.ToDictionary(p => p.Key, p => p.Value);
        var arguments = optimizer.Arguments.ToList();
        void Set(string name, double value)
        {
            values[name] = value;
            var at = arguments.FindIndex(a => a.Key == name);
            if (at >= 0)
            {
                arguments[at] = KeyValuePair.Create(name, (object)value);
            }
            else
            {
                arguments.Add(KeyValuePair.Create(name, (object)value));
            }
        }

        if (overrides.Lr is { } lr)
        {
            if (!double.IsFinite(lr) || lr <= 0)
            {
                throw new WhatIfException($"the learning rate must be a number above 0, not {Numbers.Exact(lr)}");
            }

            Set("lr", lr);
        }

        if (overrides.Momentum is { } momentum)
        {
            if (!HasMomentum(optimizer))
            {
                throw new WhatIfException($"{optimizer.Name} has no momentum parameter (sgd and rmsprop have one)");
            }

            if (!double.IsFinite(momentum) || momentum < 0)
            {
                throw new WhatIfException($"momentum must be a number ≥ 0, not {Numbers.Exact(momentum)}");
            }

            if (optimizer.Nesterov && momentum == 0)
            {
                throw new WhatIfException("nesterov = true needs a momentum above 0 (as torch.optim.SGD)");
            }

            Set("momentum", momentum);
        }

        return OptimizerSpec.Create(builtin, values, [.. arguments]);
    }

    /// <summary>The network's first top-level <c>repeat</c> block, the one the depth knob sets.</summary>
    private static RepeatItemSyntax? FirstRepeat(BoundNetwork network) =>
        network.Syntax.Items.OfType<RepeatItemSyntax>().FirstOrDefault(r => network.Layers.Any(l => ReferenceEquals(l.Repeat, r)));

    private static int LayersPerCopy(RepeatItemSyntax? repeat) => repeat is null ? 1 : CountLayers(repeat.Layers);

    private static int CountLayers(IEnumerable<NetworkItemSyntax> items) =>
        items.Sum(item => item switch
        {
            DenseLayerSyntax or NormLayerSyntax => 1,
            ResidualBlockSyntax block => CountLayers(block.Layers),
            _ => 0,
        });

    private static int RepeatCount(BoundNetwork network, RepeatItemSyntax repeat) =>
        network.Layers.Count(l => ReferenceEquals(l.Repeat, repeat)) / Math.Max(1, LayersPerCopy(repeat));

    /// <summary>
    /// The network with <paramref name="depth"/> copies of its first repeat: the binder's numbering (the copies
    /// in place, the layers after them renumbered, residual blocks pointing at their own inputs), checked as the
    /// binder checks it (widths, the layer limit).
    /// </summary>
    private static BoundNetwork WithDepth(BoundNetwork network, int depth, ResourceLimits limits)
    {
        if (depth < 1)
        {
            throw new WhatIfException($"the repeat count must be a whole number ≥ 1, not {depth}");
        }

        var repeat = FirstRepeat(network) ?? throw new WhatIfException($"network {network.Name} has no `repeat` block to change the depth of");
        var perCopy = LayersPerCopy(repeat);
        var count = RepeatCount(network, repeat);
        var start = network.Layers.IndexOf(network.Layers.First(l => ReferenceEquals(l.Repeat, repeat)));
        var total = network.Layers.Length + ((long)(depth - count) * perCopy);
        if (total > limits[LimitKind.Layers])
        {
            throw new WhatIfException(limits.OverLimit(LimitKind.Layers, total, $"with repeat {depth}, network {network.Name} has {{0}} layers"));
        }

        // The copies after the first are alike (their input is the previous copy's output); the first copy may take another width.
        var firstCopy = network.Layers.Skip(start).Take(perCopy).ToList();
        var laterCopy = count >= 2 ? network.Layers.Skip(start + perCopy).Take(perCopy).ToList() : firstCopy;
        var layers = new List<BoundLayer>(network.Layers.Take(start));
        for (var copy = 0; copy < depth; copy++)
        {
            var template = copy == 0 ? firstCopy : laterCopy;
            var templateStart = network.Layers.IndexOf(template[0]) + 1;
            var copyStart = layers.Count + 1;
            layers.AddRange(template.Select(l => l with
            {
                Index = copyStart + (l.Index - templateStart),
                ResidualFrom = l.ResidualFrom is { } from ? copyStart - 1 + (from - (templateStart - 1)) : null,
            }));
        }

        var shift = (depth - count) * perCopy;
        var repeatEnd = start + (count * perCopy);
        layers.AddRange(network.Layers.Skip(repeatEnd).Select(l => l with
        {
            Index = l.Index + shift,
            ResidualFrom = l.ResidualFrom is { } from && from >= repeatEnd ? from + shift : l.ResidualFrom,
        }));

        // Widths along the chain: a copy's input is the previous layer's output.
        var width = network.InputWidth;
        var widths = new List<int> { width };
        for (var i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            if (layer.IsNorm)
            {
                layer = layers[i] = layer with { Units = width, InputUnits = width };
            }
            else if (layer.InputUnits != width)
            {
                if (layer.Weights is not null)
                {
                    throw new WhatIfException($"with repeat {depth}, layer {layer.Index} takes {width} inputs but its explicit `weights` have {layer.InputUnits} columns");
                }

                layer = layers[i] = layer with { InputUnits = width };
            }

            if (layer.ResidualFrom is { } from && widths[from] != layer.Units)
            {
                throw new WhatIfException($"with repeat {depth}, the residual block ending at layer {layer.Index} adds an input of {widths[from]} units to {layer.Units}");
            }

            width = layer.Units;
            widths.Add(width);
        }

        return network with { Layers = [.. layers] };
    }

    /// <summary>
    /// The hidden layers whose activation the knob sets: dense layers before the output layer, not `linear` (a
    /// deliberate projection, such as a residual branch's last layer), whose text is not the output layer's
    /// (a `repeat` holding the output layer keeps it).
    /// </summary>
    private static IEnumerable<BoundLayer> HiddenDense(BoundNetwork network) =>
        network.Layers.Length == 0 ? [] : network.Layers.SkipLast(1).Where(l =>
            !l.IsNorm && l.Activation.Kind != ActivationKind.Linear && !ReferenceEquals(l.Syntax, network.Layers[^1].Syntax));

    private static BoundNetwork WithHiddenActivation(BoundNetwork network, string name)
    {
        var builtin = Builtins.Activations.FirstOrDefault(a => a.Name == name);
        if (builtin is null || !ActivationChoices.Contains(name))
        {
            throw new WhatIfException($"`{name}` is not an activation for a hidden layer; choose one of {string.Join(", ", ActivationChoices)}");
        }

        if (!HiddenDense(network).Any())
        {
            throw new WhatIfException($"network {network.Name} has no hidden dense layer with a nonlinear activation to change");
        }

        // The catalogue's defaults, as `dense N leaky_relu` binds.
        var parameter = builtin.Parameters.IsEmpty ? 0 : Convert.ToDouble(builtin.Parameters[0].Default, CultureInfo.InvariantCulture);
        var kind = name == "leaky_relu" ? ActivationKind.LeakyRelu : Enum.Parse<ActivationKind>(name, ignoreCase: true);
        var hidden = HiddenDense(network).ToHashSet();
        return network with { Layers = [.. network.Layers.Select(l => hidden.Contains(l) ? l with { Activation = new Activation(kind, parameter) } : l)] };
    }

    /// <summary>
    /// The network whose initial weights are <paramref name="scale"/> times its init's: normal, uniform and constant
    /// get scaled parameters (what the file says with the values written in); the Xavier and He inits, which have
    /// no scale in Grad, start from their drawn weights times the scale (explicit weights, as `weights [[…]]`).
    /// </summary>
    private static BoundNetwork WithInitScale(BoundNetwork network, double scale)
    {
        if (!double.IsFinite(scale) || scale <= 0)
        {
            throw new WhatIfException($"the init scale must be a number above 0, not {Numbers.Exact(scale)}");
        }

        if (network.StartingWeights is not null)
        {
            throw new WhatIfException($"network {network.Name} starts from `init from`: it has no init to scale");
        }

        if (Scaled(network.Init, scale) is { } scaled)
        {
            return network with { Init = scaled };
        }

        var model = NetworkModel.FromBound(network);
        var parameters = NetworkModel.InitialParameters(network, model);
        var layers = network.Layers.Select((layer, l) =>
        {
            if (layer.IsNorm || layer.Weights is not null)
            {
                return layer;
            }

            var drawn = model.Weights(parameters, l);
            var weights = new double[layer.Units, layer.InputUnits];
            for (var i = 0; i < layer.Units; i++)
            {
                for (var j = 0; j < layer.InputUnits; j++)
                {
                    weights[i, j] = scale * drawn[(i * layer.InputUnits) + j];
                }
            }

            return layer with { Weights = weights };
        });
        return network with { Layers = [.. layers] };
    }

    private static InitSpec? Scaled(InitSpec init, double scale) => init.Kind switch
    {
        InitKind.Normal or InitKind.Uniform => init with { A = init.A * scale, B = init.B * scale },
        InitKind.Constant => init with { A = init.A * scale },
        _ => null,
    };

    private static string InitName(InitSpec init) => init.Kind switch
    {
        InitKind.XavierUniform => "xavier_uniform",
        InitKind.XavierNormal => "xavier_normal",
        InitKind.HeUniform => "he_uniform",
        InitKind.HeNormal => "he_normal",
        var other => other.ToString().ToLowerInvariant(),
    };

    private static string InitText(InitSpec init) => init.Kind switch
    {
        InitKind.Normal => $"normal(mean = {Numbers.Exact(init.A)}, std = {Numbers.Exact(init.B)})",
        InitKind.Uniform => $"uniform(low = {Numbers.Exact(init.A)}, high = {Numbers.Exact(init.B)})",
        InitKind.Constant => $"constant(value = {Numbers.Exact(init.A)})",
        _ => InitName(init),
    };

    /// <summary>The edit that gives a call's argument <paramref name="name"/> the value <paramref name="text"/>: its value replaced, or the argument added.</summary>
    private static WhatIfEdit ArgumentEdit(CallSyntax call, Builtin builtin, string name, string text)
    {
        var position = builtin.Parameters.Select((p, i) => (p, i)).First(p => p.p.Name == name).i;
        for (var i = 0; i < call.Arguments.Length; i++)
        {
            var argument = call.Arguments[i];
            var matches = argument.Name is { } argumentName ? argumentName.Text == name : i == position;
            if (matches && argument.Value is { } value)
            {
                return new WhatIfEdit(value.Span, text);
            }
        }

        if (!call.HasParentheses)
        {
            return new WhatIfEdit(new Grad.Language.Text.TextSpan(call.Span.End, 0), $"({name} = {text})");
        }

        return call.Arguments.IsEmpty
            ? new WhatIfEdit(new Grad.Language.Text.TextSpan(call.Span.End - 1, 0), $"{name} = {text}")
            : new WhatIfEdit(new Grad.Language.Text.TextSpan(call.Arguments[^1].Span.End, 0), $", {name} = {text}");
    }
}
