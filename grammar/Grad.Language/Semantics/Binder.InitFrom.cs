using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Resources;
using Grad.Language.Syntax;

namespace Grad.Language.Semantics;

public sealed partial class Binder
{
    /// <summary>
    /// <c>init from "FILE.json" run RUN</c>: reads the file through the one file resolver (the
    /// same rules and size limit as a csv file), takes that training run's <c>final.network</c>
    /// and checks it layer by layer against <paramref name="layers"/>. Every problem is GRAD0326
    /// at the part it is about: the path, the run's name, or the layer that does not fit.
    /// </summary>
    private IReadOnlyList<LayerWeights>? BindStartingWeights(InitFromItemSyntax item, string network, ImmutableArray<BoundLayer>.Builder layers)
    {
        if (item.Path is not { } path || item.Run is not { } run)
        {
            return null; // the syntax error is reported already
        }

        var descriptor = DiagnosticCatalog.StartingWeightsProblem;
        var resolution = options.Files.Resolve(filePath, path.Value);
        if (resolution.File is not { } file)
        {
            Report(descriptor, path.Span, resolution.Error!);
            return null;
        }

        if (options.Weights is not { } reader)
        {
            Report(descriptor, item.KeywordSpan, "this host does not read weight files: `init from` works in `grad` and in the editor");
            return null;
        }

        var text = options.Files.ReadText(file, options.Limits[LimitKind.DataFileBytes]);
        if (text.Text is not { } json)
        {
            Report(descriptor, path.Span, text.Error!);
            return null;
        }

        var written = FilePaths.Escape(path.Value);
        var lookup = reader.Read(json, run.Text);
        if (lookup.Layers is not { } weights)
        {
            if (lookup.RunMissing)
            {
                Report(descriptor, run.Span, $"'{written}' {lookup.Error}{NameSuggestions.DidYouMean(run.Text, lookup.TrainingRuns)}");
            }
            else
            {
                Report(descriptor, path.Span, $"'{written}' is not a result that `grad run --json` wrote: {lookup.Error}");
            }

            return null;
        }

        if (weights.Count != layers.Count)
        {
            Report(descriptor, run.Span,
                $"run {run.Text} in '{written}' trained a network of {weights.Count} layer{(weights.Count == 1 ? "" : "s")}, but network {network} has {layers.Count}");
            return null;
        }

        for (var l = 0; l < layers.Count; l++)
        {
            var layer = layers[l];
            var inputs = layer.IsNorm ? layer.Units : layer.InputUnits;
            var stored = weights[l];
            if (stored.Kind != layer.Kind || stored.Units != layer.Units || stored.Inputs != inputs)
            {
                Report(descriptor, layer.Syntax.Span,
                    $"layer {layer.Index} of network {network} is {Shape(layer.KindName, layer.Units, inputs)}, but in run {run.Text} of '{written}' it is {Shape(BoundLayer.NameOf(stored.Kind), stored.Units, stored.Inputs)}",
                    Related(run.Span, $"the weights of run {run.Text}"));
                return null;
            }
        }

        return weights;
    }

    private static string Shape(string kind, int units, int inputs) => kind == "dense" ? $"dense {units} (from {inputs} input{(inputs == 1 ? "" : "s")})" : $"{kind} of width {units}";
}
