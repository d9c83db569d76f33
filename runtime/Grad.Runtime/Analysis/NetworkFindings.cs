using System.Collections.Immutable;
using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;

namespace Grad.Runtime.Analysis;

/// <summary>
/// The judgement of a network at its initial weights (LANGUAGE.md "Findings"): vanishing
/// (GRAD0500) or exploding (GRAD0501) δ, dead units (GRAD0506: half the relu units of a layer
/// with δ = 0 for every sample, or no δ reaching layer 1 at all) and saturated units (GRAD0507:
/// most sigmoid/tanh units of a layer with g'(z) &lt; 1e-3 for every sample). On the network's name.
/// </summary>
public static class NetworkFindings
{
    /// <summary>The codes of this judgement: a fix for one of them must leave none of them.</summary>
    public static ImmutableHashSet<string> Codes { get; } =
    [
        DiagnosticCatalog.VanishingGradient.Code, DiagnosticCatalog.ExplodingGradient.Code,
        DiagnosticCatalog.DeadUnits.Code, DiagnosticCatalog.SaturatedUnits.Code,
    ];

    public static ImmutableArray<Finding> Judge(Compilation compilation, BoundNetwork network, NetworkAnalysis analysis)
    {
        var findings = ImmutableArray.CreateBuilder<Finding>();
        var layers = analysis.Layers;
        if (layers.Count < 2)
        {
            return [];
        }

        var span = network.Syntax.Name?.Span ?? network.Syntax.KeywordSpan;
        var range = compilation.Source.GetRange(span);
        var last = layers.Count;
        var measure = $"‖δ¹‖/‖δ{Numbers.Superscript(last)}‖ = {Numbers.Format(analysis.Ratio)} at the initial weights";
        var related = Related(network, analysis);
        var subject = network.Name;
        var on = analysis.DataName is null ? "one seeded standard-normal sample"
            : analysis.FirstBatchCount > analysis.SampleCount ? $"{analysis.SampleCount} samples of the first batch of `{analysis.DataName}`"
            : $"the first batch of `{analysis.DataName}`";

        Finding Make(DiagnosticDescriptor descriptor, string message, IEnumerable<int> involved, params (string Name, double Value)[] numbers) =>
            new(descriptor, span, range, message)
            {
                Subject = subject,
                Step = 0,
                Layers = [.. involved],
                Numbers = RunFindings.Figures([.. numbers, ("ratio", analysis.Ratio)]),
                Related = related,
            };

        switch (analysis.Verdict)
        {
            case GradientVerdict.Vanishing:
                findings.Add(Make(DiagnosticCatalog.VanishingGradient,
                    $"δ vanishes towards the input of `{subject}`: {measure} (below {Numbers.Format(NetworkAnalyzer.VanishingThreshold)}), so the early layers barely learn. Cause: {Cause(network, analysis, vanishing: true)}",
                    network.Layers.Select(l => l.Index)));
                break;
            case GradientVerdict.Exploding:
                findings.Add(Make(DiagnosticCatalog.ExplodingGradient,
                    $"δ explodes towards the input of `{subject}`: {measure} (above {Numbers.Format(NetworkAnalyzer.ExplodingThreshold)}), so the early layers take huge steps. Cause: {Cause(network, analysis, vanishing: false)}",
                    network.Layers.Select(l => l.Index)));
                break;
            case GradientVerdict.Dead when NotFinite(analysis):
                // δ is NaN or ∞, not 0: no unit is dead, the pass overflows (torch gives the same NaN).
                findings.Add(Make(DiagnosticCatalog.DeadUnits,
                    $"no finite δ reaches the first layer of `{subject}`: at the initial weights {NotFiniteText(analysis)} on {on} ({measure}), so no layer can learn. The forward or backward pass overflows to ∞ or NaN: the initial weights are far too large for this data.",
                    network.Layers.Select(l => l.Index)));
                break;
            case GradientVerdict.Dead:
                findings.Add(Make(DiagnosticCatalog.DeadUnits,
                    $"no δ reaches the first layer of `{subject}`: ‖δ¹‖ = 0 on {on} at the initial weights ({measure}), so layer 1 cannot learn at all. {DeadLayersText(analysis)}",
                    DeadLayers(analysis).DefaultIfEmpty(1)));
                break;
        }

        var dead = DeadLayers(analysis).ToArray();
        if (analysis.Verdict != GradientVerdict.Dead && dead.Length > 0)
        {
            findings.Add(Make(DiagnosticCatalog.DeadUnits,
                $"dead units in `{subject}` at the initial weights: {DeadLayersText(analysis)} Their weights get no gradient, so they never learn.",
                dead,
                ("deadUnits", dead.Sum(l => layers[l - 1].DeadUnits))));
        }

        var saturated = layers.Where(l => l.SaturatedUnits * 2 > l.Units).ToArray();
        if (saturated.Length > 0)
        {
            var parts = saturated.Select(l => $"{l.SaturatedUnits} of {l.Units} {l.Activation} unit{(l.Units == 1 ? "" : "s")} of layer {l.Index}");
            findings.Add(Make(DiagnosticCatalog.SaturatedUnits,
                $"saturated units in `{subject}` at the initial weights: {string.Join(", ", parts)} have g'(z) < {Numbers.Format(NetworkAnalyzer.SaturationThreshold)} for every sample of {on}, so δ barely passes through them.",
                saturated.Select(l => l.Index),
                ("saturatedUnits", saturated.Sum(l => l.SaturatedUnits))));
        }

        return findings.ToImmutable();
    }

    /// <summary>Whether the loss or ‖δ¹‖ at the initial weights is NaN or ∞ (then a dead verdict means an overflow, not dead units).</summary>
    public static bool NotFinite(NetworkAnalysis analysis) =>
        !double.IsFinite(analysis.Loss) || (analysis.Layers.Count > 0 && !double.IsFinite(analysis.Layers[0].DeltaNorm));

    /// <summary>What is not finite, in words: the loss when it is, else ‖δ¹‖.</summary>
    public static string NotFiniteText(NetworkAnalysis analysis) => !double.IsFinite(analysis.Loss)
        ? $"the loss is {Numbers.Format(analysis.Loss)}"
        : $"‖δ¹‖ = {Numbers.Format(analysis.Layers[0].DeltaNorm)}";

    /// <summary>Layers where at least half of the relu units are dead.</summary>
    private static IEnumerable<int> DeadLayers(NetworkAnalysis analysis) =>
        analysis.Layers.Where(l => l.DeadUnits > 0 && l.DeadUnits * 2 >= l.Units).Select(l => l.Index);

    private static string DeadLayersText(NetworkAnalysis analysis)
    {
        var parts = analysis.Layers.Where(l => l.DeadUnits > 0 && l.DeadUnits * 2 >= l.Units)
            .Select(l => $"{l.DeadUnits} of {l.Units} relu unit{(l.Units == 1 ? "" : "s")} of layer {l.Index}")
            .ToArray();
        return parts.Length == 0
            ? "A layer's weights or activations pass no error back."
            : $"{string.Join(", ", parts)}: δ = 0 for every sample (z ≤ 0, so relu passes nothing back).";
    }

    /// <summary>
    /// One row per position in the file: the copies of a repeated layer share their line, so they
    /// are one row that names them all rather than eight rows at the same place.
    /// </summary>
    private static ImmutableArray<RelatedLocation> Related(BoundNetwork network, NetworkAnalysis analysis)
    {
        var last = analysis.Layers.Count;
        return [.. network.Layers
            .Zip(analysis.Layers, (layer, numbers) => (Layer: layer, Numbers: numbers))
            .GroupBy(x => x.Layer.ActivationSyntax?.Span ?? x.Layer.Syntax.Span)
            .Select(group => new RelatedLocation(group.Key, RelatedMessage([.. group], last)))];
    }

    private static string RelatedMessage(IReadOnlyList<(BoundLayer Layer, LayerAnalysis Numbers)> copies, int last)
    {
        if (copies.Count == 1)
        {
            var (layer, numbers) = copies[0];
            return $"layer {layer.Index} of {last}: ‖δ{Numbers.Superscript(layer.Index)}‖ = {Numbers.Format(numbers.DeltaNorm)}" +
                (numbers.Chain.Gain is { } gain && layer.Index < last ? $", multiplies δ by {Numbers.Format(gain)}" : "");
        }

        var first = copies[0];
        var end = copies[^1];
        var gains = copies.Where(x => x.Layer.Index < last).Select(x => x.Numbers.Chain.Gain).OfType<double>().ToArray();
        var multiplies = gains.Length switch
        {
            0 => "",
            _ when Numbers.Format(gains.Min()) == Numbers.Format(gains.Max()) => $", each multiplies δ by {Numbers.Format(gains[0])}",
            <= 4 => $", multiply δ by {string.Join(", ", gains.Select(gain => Numbers.Format(gain)))}",
            _ => $", each multiplies δ by {Numbers.Format(gains.Min())} to {Numbers.Format(gains.Max())}",
        };
        var consecutive = end.Layer.Index - first.Layer.Index == copies.Count - 1;
        var which = consecutive ? $"layers {first.Layer.Index}–{end.Layer.Index}"
            : copies.Count <= 6 ? $"layers {string.Join(", ", copies.Select(x => x.Layer.Index))}"
            : $"{copies.Count} layers from {first.Layer.Index} to {end.Layer.Index}";
        return $"{which} of {last}: " +
            $"‖δ{Numbers.Superscript(first.Layer.Index)}‖ = {Numbers.Format(first.Numbers.DeltaNorm)} … ‖δ{Numbers.Superscript(end.Layer.Index)}‖ = {Numbers.Format(end.Numbers.DeltaNorm)}{multiplies}";
    }

    /// <summary>Why δ shrinks or grows, in the chain rule's terms; what to change is left to the verified fixes.</summary>
    private static string Cause(BoundNetwork network, NetworkAnalysis analysis, bool vanishing)
    {
        var sigmoids = network.Layers.Count(l => l.Activation.Kind == ActivationKind.Sigmoid);
        var tanhs = network.Layers.Count(l => l.Activation.Kind == ActivationKind.Tanh);
        var factors = analysis.Layers.Take(analysis.Layers.Count - 1).Select(l => l.Chain.Gain).OfType<double>().ToArray();
        var typical = factors.Length > 0 ? Math.Exp(factors.Average(f => Math.Log(Math.Max(f, 1e-300)))) : double.NaN;
        var typicalText = double.IsNaN(typical) ? "" : $" (geometric mean here {Numbers.Format(typical)})";
        if (vanishing && sigmoids > 0 && sigmoids >= tanhs)
        {
            return $"{sigmoids} sigmoid layer{(sigmoids == 1 ? "" : "s")}, each multiplies δ by w·σ'(z) ≤ 0.25·|w|{typicalText}.";
        }

        if (vanishing && tanhs > 0)
        {
            return $"{tanhs} tanh layer{(tanhs == 1 ? "" : "s")}, each multiplies δ by w·tanh'(z) ≤ |w|{typicalText}; with small weights the product shrinks.";
        }

        return $"the initial weights are {(vanishing ? "small" : "large")}: each of the {network.Layers.Length - 1} later layers multiplies δ by w·g'(z){typicalText}.";
    }
}
