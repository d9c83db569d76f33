using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Text;
using Grad.Runtime.Analysis;

namespace Grad.Runtime.Contracts;

/// <summary>
/// A diagnostic as results report it: its range in 0-based lines and UTF-16 columns (as the
/// Language Server Protocol counts), not a span, so that it can be read back without the text.
/// </summary>
public sealed record ReportDiagnostic(DiagnosticSeverity Severity, string Code, string Message, LineRange Range)
{
    public static ReportDiagnostic From(SourceText source, Diagnostic diagnostic) =>
        new(diagnostic.Severity, diagnostic.Code, diagnostic.Message, source.GetRange(diagnostic.Span));

    /// <summary>The severity's one word, in JSON and in <c>FILE:LINE:COL: error GRAD0001: …</c>.</summary>
    public static string SeverityWord(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Information => "information",
        _ => "hint",
    };
}

/// <summary>One layer of <c>grad inspect</c>'s report: ‖δ^l‖ and ‖∂C/∂W^l‖ at the initial weights.</summary>
public sealed record InspectedLayer(int Index, int Units, string? Activation, string? Label, double DeltaNorm, double WeightGradNorm);

/// <summary>One network of <c>grad inspect</c>'s report (<c>"networks"</c>); <see cref="Data"/> is null for the seeded standard-normal sample.</summary>
public sealed record InspectedNetwork(string Name, string? Data, double Loss, GradientVerdict Verdict, double Ratio, ImmutableArray<InspectedLayer> Layers)
{
    public static InspectedNetwork From(NetworkAnalysis analysis) => new(
        analysis.NetworkName,
        analysis.DataName,
        analysis.Loss,
        analysis.Verdict,
        analysis.Ratio,
        [.. analysis.Layers.Select(l => new InspectedLayer(l.Index, l.Units, l.Activation, l.Label, l.DeltaNorm, l.WeightGradNorm))]);
}

/// <summary>
/// The one object <c>--json</c> writes (LANGUAGE.md, "The CLI"): the file, its diagnostics, and
/// what the verb adds, <see cref="Runs"/> for <c>grad run</c> or <see cref="Networks"/> for
/// <c>grad inspect</c> (null when the verb does not report them). Written and read by
/// <see cref="ResultSerializer"/>; its published shape is docs/schema/grad-result.schema.json.
/// </summary>
public sealed record GradReport(string File, ImmutableArray<ReportDiagnostic> Diagnostics)
{
    public IReadOnlyList<RunResult>? Runs { get; init; }

    public IReadOnlyList<InspectedNetwork>? Networks { get; init; }
}
