using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Text;

namespace Grad.Runtime.Analysis;

/// <summary>
/// One judgement of the analysis (LANGUAGE.md "Findings", GRAD0500–0510): what it is about, where,
/// the message in the user's terms, the numbers behind it and the quick fixes that were verified
/// to remove it. The CLI prints findings and the language server translates them; neither adds
/// rules of its own.
/// </summary>
/// <remarks><see cref="Range"/> is <see cref="Span"/> as 0-based lines and UTF-16 columns (LSP and JSON).</remarks>
public sealed record Finding(DiagnosticDescriptor Descriptor, TextSpan Span, LineRange Range, string Message)
{
    public string Code => Descriptor.Code;

    public DiagnosticSeverity Severity => Descriptor.DefaultSeverity;

    /// <summary>The network or run the finding is about (its name), or null for the file.</summary>
    public string? Subject { get; init; }

    /// <summary>The step of a run at which it happened (0 = the initial weights or start point); null for static findings.</summary>
    public int? Step { get; init; }

    /// <summary>The layers involved (1-based), for network findings.</summary>
    public ImmutableArray<int> Layers { get; init; } = [];

    /// <summary>The numbers behind the message, by name (for example <c>ratio</c>, <c>lambdaMax</c>, <c>stabilityLimit</c>).</summary>
    public ImmutableSortedDictionary<string, double> Numbers { get; init; } = ImmutableSortedDictionary<string, double>.Empty;

    public ImmutableArray<RelatedLocation> Related { get; init; } = [];

    /// <summary>Edits that, applied to the file and analysed again, remove this finding; best first.</summary>
    public ImmutableArray<VerifiedFix> Fixes { get; init; } = [];

    /// <summary>
    /// The same finding after text before its declaration grew or shrank by <paramref name="delta"/>
    /// characters: every span (its own, related ones, fixes' edits) lies inside the declaration it
    /// is about, so a result cached by content can be shown at the declaration's new place.
    /// </summary>
    public Finding Shifted(int delta, SourceText source)
    {
        if (delta == 0)
        {
            return this;
        }

        TextSpan Move(TextSpan span) => new(span.Start + delta, span.Length);
        var span = Move(Span);
        return this with
        {
            Span = span,
            Range = source.GetRange(span),
            Related = [.. Related.Select(r => r with { Span = Move(r.Span) })],
            Fixes = [.. Fixes.Select(f => f with { Edits = [.. f.Edits.Select(e => e with { Span = Move(e.Span) })] })],
        };
    }

    /// <summary>As a diagnostic (the form both front ends print and publish).</summary>
    public Diagnostic ToDiagnostic() => new(Descriptor, Message, Span, Severity)
    {
        Related = Related,
        Properties = Subject is null
            ? ImmutableDictionary<string, string>.Empty
            : ImmutableDictionary<string, string>.Empty.Add("subject", Subject),
    };
}

/// <summary>A replacement of <see cref="Span"/> in the file's text by <see cref="NewText"/>.</summary>
public sealed record SourceEdit(TextSpan Span, string NewText);

/// <summary>
/// A candidate edit that the analysis applied and checked: the edited file no longer has the
/// finding. <see cref="Predicted"/> is the figure the analysis predicts after the edit (the
/// ratio ‖δ¹‖/‖δᴸ‖ for a network, the distance to the minimum for a run), shown in the title.
/// </summary>
public sealed record VerifiedFix(string Title, string Kind, ImmutableArray<SourceEdit> Edits, double Predicted);
