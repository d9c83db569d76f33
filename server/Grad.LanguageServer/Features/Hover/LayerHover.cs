using System.Text;
using Grad.Language.Semantics;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Features.Common;
using static Grad.LanguageServer.Analysis.AnalysisWarnings;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>A layer (or every layer of a repeat): l of L, shape, activation, ‖δ‖, ‖∂C/∂W‖, ratio, chain rule.</summary>
public static class LayerHover
{
    public static string? Markdown(DocumentAnalyzer analyzer, DocumentSnapshot snapshot, IReadOnlyList<BoundLayer> layers, CancellationToken cancellationToken)
    {
        if (layers.Count == 0)
        {
            return null;
        }

        var compilation = snapshot.Compilation;
        var network = compilation.Program.Networks.First(n => n.Layers.Contains(layers[0]));
        var report = analyzer.GetNetworkReport(compilation, network, cancellationToken);
        var trainingRun = compilation.Program.Runs.FirstOrDefault(r => r.Network?.Name == network.Name);
        var trained = trainingRun is null ? null : analyzer.GetCurrentRun(snapshot, trainingRun);
        var total = network.Layers.Length;
        var output = report.OutputDeltaNorm;

        var text = new StringBuilder();
        if (layers.Count == 1)
        {
            var layer = layers[0];
            var numbers = report.Layers.FirstOrDefault(l => l.Index == layer.Index);
            text.Append($"**layer {layer.Index} of {total}** in `{network.Name}` · {layer.InputUnits} → {layer.Units} units · `{layer.Activation.Name}`");
            if (layer.Label is not null)
            {
                text.Append($" · `as {layer.Label}`");
            }

            text.Append("\n\n");
            if (numbers is null)
            {
                return text.Append("(no analysis for this layer)").ToString();
            }

            var trainedLayer = trained?.Layers.FirstOrDefault(l => l.Index == layer.Index);
            text.Append(trainedLayer is null ? "| | at initial weights |\n|---|---|\n" : $"| | at initial weights | after `{trainingRun!.Name}` |\n|---|---|---|\n");
            var l = Superscript(layer.Index);
            text.Append($"| ‖δ{l}‖ | {Numbers.Format(numbers.DeltaNorm)} |{(trainedLayer is null ? "" : $" {Numbers.Format(trainedLayer.DeltaNormFinal)} |")}\n");
            text.Append($"| ‖∂C/∂W{l}‖ | {Numbers.Format(numbers.WeightGradNorm)} |{(trainedLayer is null ? "" : $" {Numbers.Format(trainedLayer.WeightGradNormFinal)} |")}\n");
            text.Append($"| ‖δ{l}‖/‖δ{Superscript(total)}‖ | {Numbers.Format(output == 0 ? double.NaN : numbers.DeltaNorm / output)} |{(trainedLayer is null ? "" : " |")}\n\n");
            text.Append(ChainRule(layer, numbers, report, total)).Append("\n\n");
            text.Append($"_measured on {report.DataDescription}_");
            return text.ToString();
        }

        var repeat = layers[0].Repeat;
        text.Append($"**{(repeat is null ? "layers" : "repeat")} · layers {layers[0].Index}–{layers[^1].Index} of {total}** in `{network.Name}`\n\n");
        text.Append("| l | shape | activation | ‖δˡ‖ | ‖∂C/∂Wˡ‖ | ‖δˡ‖/‖δᴸ‖ | δ multiplied by |\n|---|---|---|---|---|---|---|\n");
        foreach (var layer in layers)
        {
            var numbers = report.Layers.FirstOrDefault(n => n.Index == layer.Index);
            if (numbers is null)
            {
                continue;
            }

            text.Append($"| {layer.Index} | {layer.InputUnits} → {layer.Units} | {layer.Activation.Name} | {Numbers.Format(numbers.DeltaNorm)} | {Numbers.Format(numbers.WeightGradNorm)} | {Numbers.Format(output == 0 ? double.NaN : numbers.DeltaNorm / output)} | {(numbers.Chain.Gain is { } gain && layer.Index < total ? Numbers.Format(gain) : "")} |\n");
        }

        text.Append($"\nEach layer multiplies δ on its way back by w·{SyntaxLocator.ActivationDerivative(layers[0].Activation.Kind)}(z) (‖W‖·mean|g'| when wider); their product is the ratio.\n");
        text.Append($"\n_at the initial weights, measured on {report.DataDescription}_");
        return text.ToString();
    }

    /// <summary>δˡ = w^(l+1)·g'(zˡ)·δ^(l+1), with this layer's numbers.</summary>
    public static string ChainRule(BoundLayer layer, LayerReport numbers, NetworkReport report, int total)
    {
        var l = Superscript(layer.Index);
        var n = Superscript(layer.Index + 1);
        var derivative = SyntaxLocator.ActivationDerivative(layer.Activation.Kind);
        var chain = numbers.Chain;
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
}
