using System.Text;
using Grad.Language.Semantics;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Features.Common;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>
/// A layer (or every layer of a repeat): l of L, shape, activation, ‖δ‖, ‖∂C/∂W‖, ratio, chain
/// rule. The numbers come first and the explanation after, so a long repeat's rows are in view
/// without scrolling; <paramref name="explanation"/> (what a <c>repeat</c> does) goes after the table.
/// </summary>
public static class LayerHover
{
    public static string? Markdown(DocumentAnalyzer analyzer, DocumentSnapshot snapshot, IReadOnlyList<BoundLayer> layers, CancellationToken cancellationToken, string? explanation = null)
    {
        if (layers.Count == 0)
        {
            return null;
        }

        var compilation = snapshot.Compilation;
        // By reference: records compare field by field, which over every layer of a large file costs a millisecond.
        var network = compilation.Program.Networks.First(n => n.Layers.Any(l => ReferenceEquals(l, layers[0])));
        var report = analyzer.GetNetwork(compilation, network, cancellationToken).Analysis;
        var trainingRun = compilation.Program.Runs.FirstOrDefault(r => r.Network?.Name == network.Name);
        var trained = trainingRun is null ? null : analyzer.GetCurrentRun(snapshot, trainingRun);
        var total = network.Layers.Length;
        var output = report is null || report.Layers.Count == 0 ? 0 : report.Layers[^1].DeltaNorm;

        var text = new StringBuilder();
        if (layers.Count == 1)
        {
            var layer = layers[0];
            var numbers = report?.Layers.FirstOrDefault(l => l.Index == layer.Index);
            text.Append($"**layer {layer.Index} of {total}** in `{network.Name}` · {layer.InputUnits} → {layer.Units} units · `{(layer.IsNorm ? layer.KindName : layer.Activation.Name)}`");
            if (layer.Label is not null)
            {
                text.Append($" · `as {layer.Label}`");
            }

            if (ResidualHover.BlockOf(network, layer) is { } block)
            {
                text.Append($" · in the residual block of layers {block.First}–{block.Last}");
            }

            text.Append("\n\n");
            if (numbers is null || report is null)
            {
                return text.Append("(no analysis for this layer)").ToString();
            }

            var trainedLayer = trained?.Layers.FirstOrDefault(l => l.Index == layer.Index);
            var table = trainedLayer is null ? new HoverTable("", "at initial weights") : new HoverTable("", "at initial weights", $"after `{trainingRun!.Name}`");
            var l = Numbers.Superscript(layer.Index);
            table.Row([$"‖δ{l}‖", Numbers.Format(numbers.DeltaNorm), .. Trained(trainedLayer?.DeltaNormFinal)]);
            table.Row([$"‖∂C/∂W{l}‖", Numbers.Format(numbers.WeightGradNorm), .. Trained(trainedLayer?.WeightGradNormFinal)]);
            if (layer.Index < total)
            {
                // On the output layer the ratio is ‖δᴸ‖/‖δᴸ‖ = 1: no row.
                table.Row([$"‖δ{l}‖/‖δ{Numbers.Superscript(total)}‖", Numbers.Format(output == 0 ? double.NaN : numbers.DeltaNorm / output), .. trainedLayer is null ? Array.Empty<string>() : [""]]);
            }

            text.Append(table).Append('\n');
            text.Append(ChainRule(layer, numbers, report, total)).Append("\n\n");
            text.Append($"_measured on {report.DataDescription}_");
            if (explanation is not null)
            {
                text.Append("\n\n").Append(explanation);
            }

            return text.ToString();

            string[] Trained(double? value) => trainedLayer is null ? [] : [Numbers.Format(value ?? double.NaN)];
        }

        var repeat = layers[0].Repeat;
        text.Append($"**{(repeat is null ? "layers" : "repeat")} · layers {layers[0].Index}–{layers[^1].Index} of {total}** in `{network.Name}`\n\n");
        var identity = report?.Layers.Any(n => n.Identity is not null && layers.Any(l => l.Index == n.Index)) == true;
        var rows = identity
            ? new HoverTable("l", "shape", "activation", "‖δˡ‖", "‖∂C/∂Wˡ‖", "‖δˡ‖/‖δᴸ‖", "δ multiplied by", "via the skip")
            : new HoverTable("l", "shape", "activation", "‖δˡ‖", "‖∂C/∂Wˡ‖", "‖δˡ‖/‖δᴸ‖", "δ multiplied by");
        foreach (var layer in layers)
        {
            var numbers = report?.Layers.FirstOrDefault(n => n.Index == layer.Index);
            if (numbers is null)
            {
                continue;
            }

            string[] cells =
            [
                $"{layer.Index}",
                $"{layer.InputUnits} → {layer.Units}",
                layer.IsNorm ? layer.KindName : layer.Activation.Name,
                Numbers.Format(numbers.DeltaNorm),
                Numbers.Format(numbers.WeightGradNorm),
                layer.Index < total ? Numbers.Format(output == 0 ? double.NaN : numbers.DeltaNorm / output) : "",
                numbers.Chain.Gain is { } gain && layer.Index < total && numbers.Identity is null ? Numbers.Format(gain) : "",
            ];
            rows.Row(identity ? [.. cells, numbers.Identity is { } split ? ResidualHover.Percent(split.SkipShare) : ""] : cells);
        }

        text.Append(rows);
        text.Append($"\n_at the initial weights, measured on {report?.DataDescription ?? "no data"}_\n");
        if (explanation is not null)
        {
            text.Append('\n').Append(explanation).Append('\n');
        }

        text.Append($"\nEach layer multiplies δ on its way back by w·{SyntaxLocator.ActivationDerivative(layers[0].Activation.Kind)}(z) (‖W‖·mean|g'| when wider); their product is the ratio.");
        return text.ToString();
    }

    /// <summary>δˡ = w^(l+1)·g'(zˡ)·δ^(l+1), with this layer's numbers.</summary>
    public static string ChainRule(BoundLayer layer, LayerAnalysis numbers, NetworkAnalysis report, int total)
    {
        var l = Numbers.Superscript(layer.Index);
        var n = Numbers.Superscript(layer.Index + 1);
        var derivative = SyntaxLocator.ActivationDerivative(layer.Activation.Kind);
        var chain = numbers.Chain;
        if (numbers.Identity is { } identity)
        {
            return IdentityChainRule(layer, numbers, identity, derivative);
        }

        if (layer.Index == total)
        {
            return chain.OutputGradient is { } outputGradient && chain.ActivationDerivative is { } last && chain.Delta is { } outputDelta
                ? $"δ{l} = ∂C/∂a{l}·{derivative}(z{l}) = {Numbers.Format(outputGradient)} × {Numbers.Format(last)} = {Numbers.Format(outputDelta)}"
                : "";
        }

        if (chain.NextWeight is { } weight && chain.ActivationDerivative is { } slope && chain.NextDelta is { } nextDelta && chain.Delta is { } delta)
        {
            return $"δ{l} = w{n}·{derivative}(z{l})·δ{n} = {Numbers.Format(weight)} × {Numbers.Format(slope)} × {Numbers.Format(nextDelta)} = {Numbers.Format(delta)}";
        }

        var next = report.Layers.FirstOrDefault(r => r.Index == layer.Index + 1);
        if (chain.NextWeightNorm is { } norm && next is not null)
        {
            return $"‖δ{l}‖ ≲ ‖W{n}‖·mean|{derivative}(z{l})|·‖δ{n}‖ = {Numbers.Format(norm)} × {Numbers.Format(chain.MeanAbsActivationDerivative)} × {Numbers.Format(next.DeltaNorm)} = {Numbers.Format(norm * chain.MeanAbsActivationDerivative * next.DeltaNorm)} (measured: {Numbers.Format(numbers.DeltaNorm)})";
        }

        return "";
    }

    /// <summary>
    /// δˡ = (∂C/∂aᵒᵘᵗ + Wᶠᵀδᶠ) ⊙ g'(zˡ) for a layer whose output enters a residual block of layers f–m:
    /// the identity term with its numbers (the first sample's when one unit wide, else the batch means of the norms).
    /// </summary>
    private static string IdentityChainRule(BoundLayer layer, LayerAnalysis numbers, IdentityPath identity, string derivative)
    {
        var l = Numbers.Superscript(layer.Index);
        var f = Numbers.Superscript(identity.BlockFirst);
        var through = $"W{f}ᵀδ{f}";
        var text = new StringBuilder();
        text.Append($"δ{l} = (∂C/∂aᵒᵘᵗ + {through}) ⊙ {derivative}(z{l})");
        if (identity.Skip is { } skip && identity.Layers is { } layers && identity.ActivationDerivative is { } slope && identity.Delta is { } delta)
        {
            text.Append($" = ({Numbers.Format(skip)} {(layers < 0 ? "−" : "+")} {Numbers.Format(Math.Abs(layers))}) × {Numbers.Format(slope)} = {Numbers.Format(delta)}");
        }

        text.Append("\n\n");
        var table = new HoverTable("", "mean ‖·‖");
        table.Row("∂C/∂aᵒᵘᵗ (identity path)", Numbers.Format(identity.SkipNorm));
        table.Row($"{through} (through layers {identity.BlockFirst}–{identity.BlockLast})", Numbers.Format(identity.LayersNorm));
        table.Row($"their sum ∂C/∂a{l}", Numbers.Format(identity.SumNorm));
        table.Row($"δ{l}", Numbers.Format(numbers.DeltaNorm));
        text.Append(table).Append('\n');
        text.Append($"The residual block of layers {identity.BlockFirst}–{identity.BlockLast} adds its input a{l} to its output aᵒᵘᵗ, so on the way back ");
        text.Append($"a{l} gets the gradient at the block's output unchanged (the identity term) besides what comes back through the block's layers: ");
        text.Append($"{ResidualHover.Percent(identity.SkipShare)} of it arrives through the skip.");
        return text.ToString();
    }
}
