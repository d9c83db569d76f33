using System.Collections.Immutable;
using System.Globalization;
using Grad.Language;
using Grad.Language.Semantics;
using Grad.Language.Syntax;

namespace Grad.Runtime.Analysis;

/// <summary>
/// The cures of LANGUAGE.md "The cures" as candidates for a network finding at the initial
/// weights (GRAD0500/0501/0506/0507): residual blocks around the hidden layers, or a norm layer
/// after each hidden dense layer. Like every candidate, they are offered only when the edited
/// network, analysed again, no longer has the finding.
/// </summary>
internal static class NetworkCures
{
    public static bool Applies(Compilation compilation, Finding finding, out BoundNetwork network)
    {
        network = null!;
        if (!NetworkFindings.Codes.Contains(finding.Code) || finding.Step != 0
            || compilation.Program.Networks.FirstOrDefault(n => n.Name == finding.Subject) is not { } found
            || found.Layers.Length < 2)
        {
            return false;
        }

        network = found;
        return true;
    }

    /// <summary>The bound layers (one per copy) written by <paramref name="item"/>, in order.</summary>
    public static BoundLayer[] LayersOf(BoundNetwork network, NetworkItemSyntax item) =>
        [.. network.Layers.Where(l => ReferenceEquals(l.Syntax, item) || ReferenceEquals(l.Repeat, item))];

    public static string Text(Compilation compilation, int start, int end) => compilation.Source.Text[start..end];
}

/// <summary>
/// "Wrap in residual blocks": the hidden dense layers that keep their width, two by two, become
/// <c>residual { dense …  dense … }</c> (a + f(a), PyTorch's <c>x + f(x)</c> around two layers as in
/// ResNet's basic block), and the body of a <c>repeat</c> of several layers one block per copy. δ
/// then reaches the early layers through the identity path whatever the layers multiply it by.
/// (Blocks of a single sigmoid layer let a grow by about ½ per block until the sigmoids
/// saturate; the second layer of a pair sees the first one's bounded output.) Not offered when
/// the network already has residual blocks, or when no two hidden layers keep their width.
/// </summary>
internal sealed class NetworkResidualBlocks : ICandidateKind
{
    public IEnumerable<Candidate> Propose(Compilation compilation, Finding finding)
    {
        if (!NetworkCures.Applies(compilation, finding, out var network) || network.Layers.Any(l => l.Residual is not null))
        {
            yield break;
        }

        var output = network.Layers[^1];
        var edits = ImmutableArray.CreateBuilder<SourceEdit>();
        var pending = new List<DenseLayerSyntax>();
        void Pair()
        {
            for (var i = 0; i + 1 < pending.Count; i += 2)
            {
                edits.Add(new SourceEdit(
                    new Language.Text.TextSpan(pending[i].Span.Start, pending[i + 1].Span.End - pending[i].Span.Start),
                    $"residual {{ {NetworkCures.Text(compilation, pending[i].Span.Start, pending[i + 1].Span.End)} }}"));
            }

            pending.Clear();
        }

        foreach (var item in network.Syntax.Items)
        {
            var layers = NetworkCures.LayersOf(network, item);
            if (layers.Length == 0)
            {
                continue;
            }

            if (item is DenseLayerSyntax dense && layers.Length == 1 && layers[0] != output && layers[0].InputUnits == layers[0].Units)
            {
                pending.Add(dense);
                continue;
            }

            Pair();
            if (item is RepeatItemSyntax repeat && !layers.Contains(output) && RepeatBody(compilation, repeat, layers) is { } edit)
            {
                edits.Add(edit);
            }
        }

        Pair();
        if (edits.Count > 0)
        {
            yield return new Candidate("wrap in residual blocks", "residual", edits.ToImmutable());
        }
    }

    /// <summary>
    /// A <c>repeat</c> rewritten with blocks: <c>repeat 28 { dense 4 sigmoid }</c> →
    /// <c>repeat 14 { residual { dense 4 sigmoid  dense 4 sigmoid } }</c>, a body of several
    /// layers → <c>repeat K { residual { body } }</c>. A first copy that changes the width
    /// (<c>input 2</c>, then <c>dense 4 …</c>) stays plain before them, as does an odd last copy.
    /// </summary>
    private static SourceEdit? RepeatBody(Compilation compilation, RepeatItemSyntax repeat, BoundLayer[] layers)
    {
        if (repeat.Layers.IsEmpty || repeat.Layers.Any(l => l is not (DenseLayerSyntax or NormLayerSyntax)) || layers.Length % repeat.Layers.Length != 0)
        {
            return null;
        }

        var copies = layers.Chunk(repeat.Layers.Length).ToArray();
        var firstPlain = copies[0][0].InputUnits != copies[0][^1].Units;
        if (!copies.Skip(1).All(c => c[0].InputUnits == c[^1].Units))
        {
            return null;
        }

        var body = NetworkCures.Text(compilation, repeat.Layers[0].Span.Start, repeat.Layers[^1].Span.End);
        var keeping = copies.Length - (firstPlain ? 1 : 0);
        var perBlock = repeat.Layers.Length == 1 ? 2 : 1;
        var blocks = keeping / perBlock;
        if (blocks == 0)
        {
            return null;
        }

        var block = $"residual {{ {string.Join("  ", Enumerable.Repeat(body, perBlock))} }}";
        var parts = new List<string>();
        if (firstPlain)
        {
            parts.Add(body);
        }

        parts.Add(blocks == 1 ? block : $"repeat {blocks.ToString(CultureInfo.InvariantCulture)} {{ {block} }}");
        if (keeping % perBlock != 0)
        {
            parts.Add(body);
        }

        return new SourceEdit(repeat.Span, string.Join("  ", parts));
    }
}

/// <summary>
/// "Add <c>norm layer</c> after each dense" (LayerNorm, as <c>nn.LayerNorm</c>): every hidden dense
/// layer wider than one unit is followed by a norm, which rescales its output to mean 0 and
/// variance 1 per sample. <c>norm batch</c> (BatchNorm1d) is the same edit where it fits: when a
/// run trains the network on batches of at least two samples (batch statistics need them).
/// </summary>
internal sealed class NetworkNormLayers : ICandidateKind
{
    public IEnumerable<Candidate> Propose(Compilation compilation, Finding finding)
    {
        if (!NetworkCures.Applies(compilation, finding, out var network) || network.Layers.Any(l => l.IsNorm))
        {
            yield break;
        }

        if (Edits(compilation, network, "norm layer", minimumWidth: 2) is { IsEmpty: false } layerNorms)
        {
            yield return new Candidate("norm layer after each dense", "norm", layerNorms);
        }

        if (NetworkAnalyzer.FirstTrainingRun(compilation.Program, network) is { } run && run.Batch is not (< 2)
            && Edits(compilation, network, "norm batch", minimumWidth: 1) is { IsEmpty: false } batchNorms)
        {
            yield return new Candidate("norm batch after each dense", "norm", batchNorms);
        }
    }

    /// <summary>
    /// A norm after each hidden dense layer of at least <paramref name="minimumWidth"/> units: on the
    /// same line inside a <c>repeat</c> or <c>residual</c> body, on its own line after a dense
    /// layer that has its line to itself.
    /// </summary>
    private static ImmutableArray<SourceEdit> Edits(Compilation compilation, BoundNetwork network, string norm, int minimumWidth)
    {
        var output = network.Layers[^1].Syntax;
        var source = compilation.Source;
        return [.. network.Layers
            .Where(l => l.Syntax is DenseLayerSyntax && !ReferenceEquals(l.Syntax, output) && l.Units >= minimumWidth)
            .Select(l => l.Syntax)
            .Distinct()
            .Select(dense =>
            {
                var line = source.GetLine(dense.Span.Start);
                var lineText = source.GetLineText(line);
                var indent = lineText[..(lineText.Length - lineText.TrimStart().Length)];
                var lineEnd = source.LineStarts[line] + lineText.Length;
                var rest = dense.Span.End <= lineEnd ? source.Text[dense.Span.End..lineEnd].Trim() : "?";
                var ownLine = source.LineStarts[line] + indent.Length == dense.Span.Start && (rest.Length == 0 || rest.StartsWith("//", StringComparison.Ordinal));
                return ownLine
                    ? new SourceEdit(new Language.Text.TextSpan(lineEnd, 0), $"\n{indent}{norm}")
                    : new SourceEdit(new Language.Text.TextSpan(dense.Span.End, 0), $"  {norm}");
            })];
    }
}

/// <summary>
/// For a run that diverged (GRAD0502) or whose δ exploded during training (GRAD0501 at a step):
/// <c>clip norm 1.0</c> (<c>clip_grad_norm_</c>, which bounds every step's length) or a schedule that
/// starts small and decays (<c>warmup</c> over the first tenth of the updates from 0.1·lr, then
/// <c>cosine</c> down to 0 over the rest, PyTorch's <c>LinearLR</c> then <c>CosineAnnealingLR</c>).
/// Each is checked by running the edited run again; a non-finite start stays unfixed.
/// </summary>
internal sealed class RunClipOrSchedule : ICandidateKind
{
    public const double ClipBound = 1.0;

    public IEnumerable<Candidate> Propose(Compilation compilation, Finding finding)
    {
        if (!(finding.Code == Language.Diagnostics.DiagnosticCatalog.RunDiverges.Code
                || (finding.Code == Language.Diagnostics.DiagnosticCatalog.ExplodingGradient.Code && finding.Step is > 0))
            || compilation.Program.Runs.FirstOrDefault(r => r.Name == finding.Subject) is not { } run
            || run.Syntax.Items.OfType<OptimizerItemSyntax>().FirstOrDefault() is not { } optimizer)
        {
            yield break;
        }

        if (run.Clip is null)
        {
            var clip = $"clip norm {ClipBound.ToString("0.0", CultureInfo.InvariantCulture)}";
            yield return new Candidate(clip, "clip", [AfterLine(compilation, optimizer, clip)]);
        }

        if (run.Schedule is null && run.PlannedStepsBeforeLoading is { } planned && planned >= 10)
        {
            var warmup = planned / 10;
            var schedule = string.Create(CultureInfo.InvariantCulture, $"schedule warmup(steps = {warmup}, start = 0.1) then cosine(period = {planned - warmup})");
            yield return new Candidate(schedule, "schedule", [AfterLine(compilation, optimizer, schedule)]);
        }
    }

    /// <summary>A new run item on its own line after <paramref name="item"/>'s line, with its indentation (after the item itself when more follows on its line).</summary>
    private static SourceEdit AfterLine(Compilation compilation, RunItemSyntax item, string text)
    {
        var source = compilation.Source;
        var line = source.GetLine(item.Span.End);
        var lineEnd = source.LineStarts[line] + source.GetLineText(line).Length;
        var rest = item.Span.End <= lineEnd ? source.Text[item.Span.End..lineEnd].Trim() : "?";
        if (rest.Length > 0 && !rest.StartsWith("//", StringComparison.Ordinal))
        {
            return new SourceEdit(new Language.Text.TextSpan(item.Span.End, 0), $"  {text}");
        }

        var firstLine = source.GetLineText(source.GetLine(item.Span.Start));
        var indent = firstLine[..(firstLine.Length - firstLine.TrimStart().Length)];
        return new SourceEdit(new Language.Text.TextSpan(lineEnd, 0), $"\n{indent}{text}");
    }
}
