using System.Collections.Immutable;

namespace Grad.Runtime.WhatIf;

/// <summary>
/// The what-if panel's values for one run: each null value leaves the run as the file says.
/// <see cref="Depth"/> is the count of the trained network's first <c>repeat</c>;
/// <see cref="InitScale"/> multiplies the initial weights the network's init draws;
/// <see cref="Activation"/> replaces the activation of every hidden dense layer that is not <c>linear</c> (not the output layer).
/// </summary>
public sealed record WhatIfOverrides(
    double? Lr = null,
    double? Momentum = null,
    int? Depth = null,
    double? InitScale = null,
    string? Activation = null)
{
    public static WhatIfOverrides None { get; } = new();

    /// <summary>"lr = 0.3, depth 4": the values given, as the panel's legend names the what-if run.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Lr is { } lr)
        {
            parts.Add($"lr = {Numbers.Exact(lr)}");
        }

        if (Momentum is { } momentum)
        {
            parts.Add($"momentum = {Numbers.Exact(momentum)}");
        }

        if (Depth is { } depth)
        {
            parts.Add($"repeat {depth}");
        }

        if (InitScale is { } scale)
        {
            parts.Add($"init ×{Numbers.Exact(scale)}");
        }

        if (Activation is { } activation)
        {
            parts.Add(activation);
        }

        return parts.Count == 0 ? "as the file says" : string.Join(", ", parts);
    }
}

/// <summary>A value a slider stops at, with its text (the panel formats no number).</summary>
public sealed record WhatIfStop(double Value, string Text);

/// <summary>One knob of the what-if panel for a run: its value in the file and the range the panel offers.</summary>
/// <param name="Name">lr, momentum, depth, initScale or activation (the field of <see cref="WhatIfOverrides"/>).</param>
/// <param name="Scale">"log" (lr, init scale), "linear" (momentum), "integer" (depth) or "choice" (activation).</param>
public sealed record WhatIfKnob(string Name, string Label, string Scale, double Value, double Min, double Max)
{
    /// <summary>The values the slider stops at, in order (the file's value among them); empty for a choice.</summary>
    public ImmutableArray<WhatIfStop> Stops { get; init; } = [];

    /// <summary>For a choice: the options, and the one in the file.</summary>
    public ImmutableArray<string> Choices { get; init; } = [];

    public string? Choice { get; init; }

    /// <summary>Why the knob is not offered for this run (no repeat, an optimizer without momentum, …); null when it is.</summary>
    public string? Unavailable { get; init; }
}

/// <summary>A what-if value that cannot be applied (lr ≤ 0, repeat 0, an activation Grad does not have), in the user's terms.</summary>
public sealed class WhatIfException(string message) : Exception(message);

/// <summary>One edit of the file: replace <see cref="Span"/> with <see cref="NewText"/>.</summary>
public sealed record WhatIfEdit(Grad.Language.Text.TextSpan Span, string NewText);

/// <summary>The edits that write a what-if's values into the file, and the values that cannot be written (with why).</summary>
public sealed record WhatIfEdits(ImmutableArray<WhatIfEdit> Edits, ImmutableArray<string> NotWritten);
