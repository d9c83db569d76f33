using System.Collections.Immutable;
using System.Globalization;
using Grad.Language;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Runtime.Analysis;

/// <summary>A proposed edit of the file, before it is verified; <see cref="Label"/> starts the fix's title (<c>relu + he_normal</c>).</summary>
public sealed record Candidate(string Label, string Kind, ImmutableArray<SourceEdit> Edits);

/// <summary>
/// A kind of candidate edit for a finding (an activation, an init, an optimizer, …). The
/// analyzer applies each candidate to the text, analyses the edited file again and keeps only
/// those that remove the finding. A new kind of remedy is one more implementation in
/// <see cref="CandidateKinds.All"/>.
/// </summary>
public interface ICandidateKind
{
    IEnumerable<Candidate> Propose(Compilation compilation, Finding finding);
}

public static class CandidateKinds
{
    /// <summary>Every kind, in the order their candidates are tried.</summary>
    public static ImmutableArray<ICandidateKind> All { get; } =
        [new NetworkActivationAndInit(), new NetworkResidualBlocks(), new NetworkNormLayers(), new RunOptimizer(), new RunLearningRate(), new RunClipOrSchedule()];

    /// <summary>Applies edits (non-overlapping) to a text.</summary>
    public static string Apply(string text, IEnumerable<SourceEdit> edits)
    {
        var result = text;
        foreach (var edit in edits.OrderByDescending(e => e.Span.Start))
        {
            result = string.Concat(result.AsSpan(0, edit.Span.Start), edit.NewText, result.AsSpan(edit.Span.End));
        }

        return result;
    }

    internal static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>
/// For a network finding (GRAD0500/0501/0506/0507): another activation in the hidden layers
/// (the output keeps its own, which the loss may need), another init, or both.
/// </summary>
internal sealed class NetworkActivationAndInit : ICandidateKind
{
    private static readonly string[] Activations = ["relu", "leaky_relu", "tanh", "gelu"];
    private static readonly (string Name, InitKind Kind)[] Inits =
        [("he_normal", InitKind.HeNormal), ("he_uniform", InitKind.HeUniform), ("xavier_uniform", InitKind.XavierUniform), ("xavier_normal", InitKind.XavierNormal)];

    public IEnumerable<Candidate> Propose(Compilation compilation, Finding finding)
    {
        if (!NetworkFindings.Codes.Contains(finding.Code) || finding.Step != 0
            || compilation.Program.Networks.FirstOrDefault(n => n.Name == finding.Subject) is not { } network)
        {
            yield break;
        }

        var activationEdits = Activations
            .Select(name => (Name: name, Edits: HiddenActivation(network, name)))
            .Where(a => !a.Edits.IsEmpty)
            .ToArray();
        var initEdits = Inits
            .Where(i => network.Init.Kind != i.Kind)
            .Select(i => (i.Name, Edit: SetInit(compilation, network, i.Name)))
            .ToArray();
        foreach (var (name, edits) in activationEdits)
        {
            yield return new Candidate(name, "activation", edits);
        }

        foreach (var (name, edit) in initEdits)
        {
            yield return new Candidate(name, "init", [edit]);
        }

        foreach (var (activation, edits) in activationEdits)
        {
            foreach (var (init, edit) in initEdits)
            {
                yield return new Candidate($"{activation} + {init}", "activation+init", edits.Add(edit));
            }
        }
    }

    /// <summary>The activation of every hidden layer (not the output) set to <paramref name="name"/>; empty when all already are.</summary>
    private static ImmutableArray<SourceEdit> HiddenActivation(BoundNetwork network, string name)
    {
        if (network.Layers.Length < 2)
        {
            return [];
        }

        var output = network.Layers[^1].Syntax;
        return [.. network.Layers
            .Where(l => l.Syntax != output && l.Activation.Name != name && l.ActivationSyntax is not null)
            .Select(l => l.ActivationSyntax!.Span)
            .Distinct()
            .Select(span => new SourceEdit(span, name))];
    }

    /// <summary>Replaces the network's <c>init</c> (or <c>init from</c>), or adds one on its own line before its <c>loss</c> (or last item).</summary>
    internal static SourceEdit SetInit(Compilation compilation, BoundNetwork network, string init)
    {
        var source = compilation.Source;
        var existing = network.Syntax.Items.OfType<InitItemSyntax>().FirstOrDefault();
        if (existing?.Init is not null)
        {
            return new SourceEdit(existing.Init.Span, init);
        }

        if (network.Syntax.Items.OfType<InitFromItemSyntax>().FirstOrDefault() is { } initFrom)
        {
            // A network has one init: a scheme replaces `init from` (never a second `init` line).
            return new SourceEdit(initFrom.Span, $"init {init}");
        }

        var anchor = network.Syntax.Items.OfType<LossItemSyntax>().FirstOrDefault() ?? (SyntaxNode?)network.Syntax.Items.LastOrDefault();
        if (anchor is not null)
        {
            var line = source.GetLine(anchor.Span.Start);
            var lineText = source.GetLineText(line);
            var indent = lineText[..(lineText.Length - lineText.TrimStart().Length)];
            return new SourceEdit(new TextSpan(source.LineStarts[line], 0), $"{indent}init {init}\n");
        }

        return new SourceEdit(new TextSpan(network.Syntax.Span.End - 1, 0), $" init {init} ");
    }
}

/// <summary>For a run that diverged or stopped far from a minimum: an adaptive optimizer (a step size per coordinate) with the same lr.</summary>
internal sealed class RunOptimizer : ICandidateKind
{
    private static readonly string[] Optimizers = ["adagrad", "adam"];

    public IEnumerable<Candidate> Propose(Compilation compilation, Finding finding)
    {
        if (!RunFindings.OutcomeCodes.Contains(finding.Code) || finding.Step is null or 0
            || compilation.Program.Runs.FirstOrDefault(r => r.Name == finding.Subject) is not { Kind: RunKind.Minimize } run
            || run.Syntax.Items.OfType<OptimizerItemSyntax>().FirstOrDefault() is not { Optimizer: { } call })
        {
            yield break;
        }

        foreach (var optimizer in Optimizers.Where(o => o != run.Optimizer.Name))
        {
            var text = $"{optimizer}(lr = {CandidateKinds.Invariant(run.Optimizer.Lr)})";
            yield return new Candidate(text, "optimizer", [new SourceEdit(call.Span, text)]);
        }
    }
}

/// <summary>For a learning rate above the stability limit (GRAD0508) or a divergence: lr = 1/λmax (half the limit of plain sgd).</summary>
internal sealed class RunLearningRate : ICandidateKind
{
    public IEnumerable<Candidate> Propose(Compilation compilation, Finding finding)
    {
        if ((finding.Code != Language.Diagnostics.DiagnosticCatalog.LearningRateAboveStability.Code && finding.Code != Language.Diagnostics.DiagnosticCatalog.RunDiverges.Code)
            || !finding.Numbers.TryGetValue("lambdaMax", out var lambdaMax) || !(lambdaMax > 0)
            || compilation.Program.Runs.FirstOrDefault(r => r.Name == finding.Subject) is not { } run
            || run.Syntax.Items.OfType<OptimizerItemSyntax>().FirstOrDefault() is not { Optimizer: { } call })
        {
            yield break;
        }

        var lr = double.Parse(Numbers.Format(1 / lambdaMax), CultureInfo.InvariantCulture);
        var lrArgument = call.Arguments.FirstOrDefault(a => a.Name?.Text == "lr") ?? (call.Arguments.Length > 0 && call.Arguments[0].Name is null ? call.Arguments[0] : null);
        var text = CandidateKinds.Invariant(lr);
        SourceEdit edit = lrArgument?.Value is { } value
            ? new SourceEdit(value.Span, text)
            : new SourceEdit(call.Span, $"{call.Name.Text}(lr = {text}{string.Concat(call.Arguments.Select(a => ", " + compilation.Source.Text.Substring(a.Span.Start, a.Span.Length)))})");
        yield return new Candidate($"lr = {text} (1/λmax)", "lr", [edit]);
    }
}
