using System.Collections.Immutable;

namespace Grad.Language.Text;

/// <summary>A span of UTF-16 code units in a document's text.</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;

    public static TextSpan FromBounds(int start, int end) => new(start, Math.Max(0, end - start));

    public bool Contains(int offset) => offset >= Start && offset < End;

    /// <summary>True when the offset is inside the span or just after its end (a caret touching a word).</summary>
    public bool Touches(int offset) => offset >= Start && offset <= End;

    public TextSpan Cover(TextSpan other) => FromBounds(Math.Min(Start, other.Start), Math.Max(End, other.End));
}

/// <summary>A 0-based line and UTF-16 column, as in the Language Server Protocol.</summary>
public readonly record struct LinePosition(int Line, int Character) : IComparable<LinePosition>
{
    public int CompareTo(LinePosition other) => Line != other.Line ? Line.CompareTo(other.Line) : Character.CompareTo(other.Character);

    public override string ToString() => $"{Line}:{Character}";
}

public readonly record struct LineRange(LinePosition Start, LinePosition End)
{
    public override string ToString() => $"{Start}-{End}";
}

/// <summary>
/// The text of a document with a table of line starts. Lines end at <c>\n</c>, <c>\r\n</c> or a lone
/// <c>\r</c>; columns count UTF-16 code units, so an emoji is two columns wide and a tab is one.
/// </summary>
public sealed class SourceText
{
    private readonly ImmutableArray<int> lineStarts;

    public SourceText(string text)
    {
        Text = text;
        lineStarts = ComputeLineStarts(text);
    }

    public string Text { get; }

    public int Length => Text.Length;

    public int LineCount => lineStarts.Length;

    public ImmutableArray<int> LineStarts => lineStarts;

    public static ImmutableArray<int> ComputeLineStarts(string text)
    {
        var starts = ImmutableArray.CreateBuilder<int>();
        starts.Add(0);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                starts.Add(i + 1);
            }
            else if (c == '\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts.ToImmutable();
    }

    /// <summary>The line that contains the offset (offsets past the end belong to the last line).</summary>
    public int GetLine(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var index = lineStarts.BinarySearch(offset);
        return index >= 0 ? index : ~index - 1;
    }

    public LinePosition GetPosition(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var line = GetLine(offset);
        return new LinePosition(line, offset - lineStarts[line]);
    }

    public LineRange GetRange(TextSpan span) => new(GetPosition(span.Start), GetPosition(span.End));

    /// <summary>The offset of a position; columns past the end of a line clamp to the line's end.</summary>
    public int GetOffset(LinePosition position)
    {
        if (position.Line < 0)
        {
            return 0;
        }

        if (position.Line >= lineStarts.Length)
        {
            return Text.Length;
        }

        var start = lineStarts[position.Line];
        var end = GetLineEnd(position.Line);
        return Math.Clamp(start + Math.Max(0, position.Character), start, end);
    }

    /// <summary>The offset where the line's text ends (before its line break).</summary>
    public int GetLineEnd(int line)
    {
        var end = line + 1 < lineStarts.Length ? lineStarts[line + 1] : Text.Length;
        while (end > lineStarts[line] && (Text[end - 1] == '\n' || Text[end - 1] == '\r'))
        {
            end--;
        }

        return end;
    }

    public string GetLineText(int line) => Text[lineStarts[line]..GetLineEnd(line)];

    public string this[TextSpan span] => Text.Substring(span.Start, span.Length);
}
