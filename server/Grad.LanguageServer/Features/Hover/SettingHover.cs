using System.Globalization;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.Language;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Features.Common;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>
/// The keywords of run and network settings (<c>steps</c>, <c>epochs</c>, <c>batch</c>,
/// <c>until</c> and its metric, <c>record every</c>, <c>seed</c>, <c>input</c>, <c>init</c>,
/// <c>loss</c>, <c>repeat</c>): what the setting does, in the user's terms, with its effective
/// value and default (from the bound model, so constants are folded and defaults filled in).
/// </summary>
public static class SettingHover
{
    public static string? Markdown(Compilation compilation, int offset)
    {
        foreach (var declaration in compilation.DeclarationsTouching(offset))
        {
            if (!declaration.Span.Touches(offset))
            {
                continue;
            }

            switch (declaration)
            {
                case RunDeclarationSyntax run:
                    var boundRun = compilation.Program.Runs.FirstOrDefault(r => ReferenceEquals(r.Syntax, run));
                    foreach (var item in run.Items)
                    {
                        switch (item)
                        {
                            case RunSettingSyntax setting when setting.KeywordSpan.Touches(offset):
                                return RunSetting(compilation, setting, boundRun);
                            case UntilItemSyntax until when until.KeywordSpan.Touches(offset) || (until.Metric?.Span.Touches(offset) ?? false):
                                return Until(compilation, until, boundRun);
                        }
                    }

                    break;
                case NetworkDeclarationSyntax network:
                    var boundNetwork = compilation.Program.Networks.FirstOrDefault(n => ReferenceEquals(n.Syntax, network));
                    foreach (var item in network.Items)
                    {
                        if (item.KeywordSpan.Touches(offset) && item is not DenseLayerSyntax and not RepeatItemSyntax)
                        {
                            return NetworkSetting(compilation, item, boundNetwork);
                        }
                    }

                    break;
            }
        }

        return null;
    }

    /// <summary>The introduction of a <c>repeat</c> block when the offset is on its keyword (the layer hover's table follows it).</summary>
    public static string? Repeat(Compilation compilation, int offset)
    {
        var repeat = compilation.DeclarationsTouching(offset).OfType<NetworkDeclarationSyntax>()
            .SelectMany(n => n.Items).OfType<RepeatItemSyntax>()
            .FirstOrDefault(r => r.KeywordSpan.Touches(offset));
        if (repeat is null)
        {
            return null;
        }

        var copies = compilation.Program.Networks.SelectMany(n => n.Layers).Count(l => ReferenceEquals(l.Repeat, repeat));
        var count = copies > 0 && repeat.Layers.Length > 0 ? (copies / repeat.Layers.Length).ToString(CultureInfo.InvariantCulture) : Text(compilation, repeat.Count);
        return $"**repeat {count}** — {count} copies of the {Plural(repeat.Layers.Length, "layer")} inside, one after another " +
            $"({Plural(copies, "layer")} in all, each with its own weights). On the way back δ passes through every copy, " +
            "so a factor below 1 per layer shrinks it that many times (and one above 1 makes it explode).";
    }

    private static string RunSetting(Compilation compilation, RunSettingSyntax setting, BoundRun? run)
    {
        var written = Text(compilation, setting.Value);
        var samples = run?.Data is { } data ? SampleCount(data) : null;
        var dataName = run?.Data?.Name;
        switch (setting.Setting)
        {
            case "steps":
            {
                var steps = run?.Steps?.ToString(CultureInfo.InvariantCulture) ?? written;
                var stops = run is { Until.IsEmpty: false }
                    ? $"this run stops after {steps} updates unless an `until` condition holds first"
                    : $"this run stops after {steps} updates (it has no `until` condition; a run that diverges stops early)";
                var perStep = run?.Kind == RunKind.Train ? " One update is one batch." : "";
                return $"**steps {steps}** — parameter updates; {stops}.{perStep} Default: 1000 steps when neither `steps` nor `epochs` is given.";
            }

            case "epochs":
            {
                var epochs = run?.Epochs ?? 0;
                var shown = run?.Epochs?.ToString(CultureInfo.InvariantCulture) ?? written;
                var text = $"**epochs {shown}** — passes over the whole data set";
                if (samples is { } n && run is not null)
                {
                    var batch = run.Batch is { } b && b < n ? b : n;
                    var perEpoch = (n + batch - 1) / batch;
                    text += $": `{dataName}` has {Plural(n, "sample")} and the batch is {batch}, so one epoch is {Plural(perEpoch, "update")} " +
                        $"and this run stops after {(long)epochs * perEpoch} updates";
                }
                else
                {
                    text += "; one epoch is ⌈samples / batch⌉ updates";
                }

                return text + (run is { Until.IsEmpty: false } ? " unless an `until` condition holds first." : ".") + " Give either `steps` or `epochs`.";
            }

            case "batch":
            {
                var batch = run?.Batch?.ToString(CultureInfo.InvariantCulture) ?? written;
                var seed = run?.Seed.ToString(CultureInfo.InvariantCulture) ?? "0";
                var whole = samples is { } n ? $"the whole data set ({Plural(n, "sample")})" : "the whole data set";
                var text = $"**batch {batch}** — samples per update, shuffled each epoch with the run's seed ({seed}); the last batch of an epoch may be smaller. " +
                    $"Default: {whole}.";
                if (samples is { } count && run?.Batch is { } given && given >= count)
                {
                    text += $" Here {given} ≥ {count}: every update uses the whole set, in the file's order (no shuffling).";
                }

                return text;
            }

            case "record every":
            {
                var every = run?.RecordEvery?.ToString(CultureInfo.InvariantCulture) ?? written;
                return $"**record every {every}** — which steps go into the trace (the hovers, the gradient-flow panel, `grad run --json`): " +
                    $"step 0, every {every}th step and the last one. It does not change the run. " +
                    "Default: every step up to 10,000 steps, then every ⌈steps/10,000⌉th.";
            }

            case "seed":
            {
                var seed = run?.Seed.ToString(CultureInfo.InvariantCulture) ?? written;
                var text = $"**seed {seed}** — shuffling seed: the order in which the samples are cut into batches each epoch; " +
                    "the same seed gives bit-identical runs. Default: 0. Training runs only (the network's own `seed` draws its initial weights).";
                if (run is not null && samples is { } n && (run.Batch is null || run.Batch >= n))
                {
                    text += " This run uses the whole data set per update, so the seed changes nothing here.";
                }

                return text;
            }

            default:
                return $"**{setting.Setting}**";
        }
    }

    private static string Until(Compilation compilation, UntilItemSyntax until, BoundRun? run)
    {
        var metric = until.Metric?.Text ?? "…";
        var written = Text(compilation, until.Threshold);
        var bound = run?.Until.FirstOrDefault(c => c.Metric.ToString().Equals(metric, StringComparison.OrdinalIgnoreCase));
        var epsilon = bound is null ? written : Numbers.Format(bound.Threshold);
        var valueNote = bound is not null && written != epsilon && written != Numbers.Exact(bound.Threshold) ? $" (`{written}` = {epsilon})" : "";
        var header = $"**until {metric} < {epsilon}**{valueNote} — ";
        var body = metric switch
        {
            "change" => $"stops when no parameter moved more than {epsilon} in the last step (the largest |Δθ| of the step < {epsilon}). " +
                "A small step is not a minimum: with a small learning rate, or along a flat direction, the parameters creep while the gradient is still far from zero " +
                "(for `0.001*w1^2 + w2^2` with `sgd(lr = 0.5)` from (1, 1), `until change < 1e-3` stops after two steps at w1 = 0.998, far from the minimum at 0).",
            "grad" => $"stops when every gradient component is smaller than {epsilon} in size (max |∂C/∂θ| < {epsilon}). " +
                "A small gradient is not a minimum either: along a flat direction the gradient is tiny far from the optimum.",
            "cost" => $"stops when the cost falls below {epsilon} (a minimize run).",
            "loss" => $"stops when the training loss of the last step falls below {epsilon}.",
            _ => "stops the run early when the metric (`change`, `grad`, `cost` or `loss`) falls below the number.",
        };
        var limit = run is null ? "" : run.Epochs is { } epochs ? $" Otherwise the run ends after {epochs} epochs." : $" Otherwise the run ends after {run.Steps ?? 1000} steps.";
        return header + body + " Checked after every update; with several `until` lines, the first that holds stops the run (stopReason `until`)." + limit;
    }

    private static string NetworkSetting(Compilation compilation, NetworkItemSyntax item, BoundNetwork? network)
    {
        switch (item)
        {
            case InputItemSyntax input:
            {
                var width = network?.InputWidth.ToString(CultureInfo.InvariantCulture) ?? Text(compilation, input.Width);
                var one = width == "1";
                return $"**input {width}** — the input width: each sample has {width} feature{(one ? "" : "s")} (a⁰ has {width} unit{(one ? "" : "s")}), " +
                    $"so the data's `x` rows must have {width} value{(one ? "" : "s")}. Required, first in the network.";
            }

            case InitItemSyntax init:
            {
                var spec = network is null ? Text(compilation, init.Init) : Init(network.Init);
                return $"**init {spec}** — how the weights start (biases start at 0), drawn with the network's seed ({network?.Seed ?? 0}); " +
                    "a layer's explicit `weights` override it. Default: `xavier_uniform`.";
            }

            case LossItemSyntax loss:
            {
                var name = network is null ? loss.Loss?.Text ?? "…" : LossName(network.Loss);
                var formula = Builtins.Find(Builtins.Losses, name) is { } lossBuiltin ? $"ℓ = {lossBuiltin.Summary}" : "mse, bce or cross_entropy";
                return $"**loss {name}** — {formula}; its derivative ∂ℓ/∂aᴸ starts backpropagation (δᴸ = ∂ℓ/∂aᴸ·g'(zᴸ)). Required.";
            }

            case NetworkSeedItemSyntax seed:
            {
                var value = network?.Seed.ToString(CultureInfo.InvariantCulture) ?? Text(compilation, seed.Seed);
                return $"**seed {value}** — the seed of the initial weights (`init`); the same seed gives bit-identical weights, and so bit-identical runs. Default: 0.";
            }

            default:
                return "";
        }
    }

    private static string Init(InitSpec init) => init.Kind switch
    {
        InitKind.Normal => $"normal(mean = {Numbers.Exact(init.A)}, std = {Numbers.Exact(init.B)})",
        InitKind.Uniform => $"uniform(low = {Numbers.Exact(init.A)}, high = {Numbers.Exact(init.B)})",
        InitKind.Constant => $"constant(value = {Numbers.Exact(init.A)})",
        InitKind.XavierUniform => "xavier_uniform",
        InitKind.XavierNormal => "xavier_normal",
        InitKind.HeUniform => "he_uniform",
        InitKind.HeNormal => "he_normal",
        _ => init.Kind.ToString(),
    };

    private static string LossName(LossKind loss) => loss switch
    {
        LossKind.Mse => "mse",
        LossKind.Bce => "bce",
        LossKind.CrossEntropy => "cross_entropy",
        _ => loss.ToString(),
    };

    /// <summary>The number of samples when it is known without reading a file.</summary>
    public static int? SampleCount(BoundData? data) => data switch
    {
        InlineBoundData inline => inline.X.Length,
        GeneratedBoundData generated => Math.Max(1, generated.N),
        _ => null,
    };

    private static string Text(Compilation compilation, SyntaxNode? node) => node is null ? "…" : compilation.Source[node.Span];

    private static string Plural(int count, string noun) => $"{count} {noun}{(count == 1 ? "" : "s")}";
}
