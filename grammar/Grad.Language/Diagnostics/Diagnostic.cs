using System.Collections.Immutable;
using Grad.Language.Text;

namespace Grad.Language.Diagnostics;

public enum DiagnosticSeverity
{
    Error = 1,
    Warning = 2,
    Information = 3,
    Hint = 4,
}

/// <summary>Another place that a diagnostic refers to (the layers or parameters involved).</summary>
public sealed record RelatedLocation(TextSpan Span, string Message);

/// <summary>A problem found in a file, with its stable code and the exact span it is about.</summary>
public sealed record Diagnostic(DiagnosticDescriptor Descriptor, string Message, TextSpan Span, DiagnosticSeverity Severity)
{
    public string Code => Descriptor.Code;

    public ImmutableArray<RelatedLocation> Related { get; init; } = ImmutableArray<RelatedLocation>.Empty;

    /// <summary>Machine-readable facts for quick fixes (for example which layers to change).</summary>
    public ImmutableDictionary<string, string> Properties { get; init; } = ImmutableDictionary<string, string>.Empty;

    public static Diagnostic Create(DiagnosticDescriptor descriptor, TextSpan span, string message) =>
        new(descriptor, message, span, descriptor.DefaultSeverity);
}

public sealed record DiagnosticDescriptor(string Code, string Title, DiagnosticSeverity DefaultSeverity);
