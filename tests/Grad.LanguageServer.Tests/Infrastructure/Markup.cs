using Grad.Language.Text;

namespace Grad.LanguageServer.Tests.Infrastructure;

/// <summary>
/// Cursor markup: <c>dense 1 sig|moid</c> marks a position, <c>[|…|]</c> an expected range.
/// Positions are 0-based lines and UTF-16 columns of the text without the markup.
/// </summary>
public sealed class Markup
{
    private Markup(string text, IReadOnlyList<LinePosition> positions, IReadOnlyList<LineRange> ranges)
    {
        Text = text;
        Positions = positions;
        Ranges = ranges;
    }

    public string Text { get; }

    public IReadOnlyList<LinePosition> Positions { get; }

    public IReadOnlyList<LineRange> Ranges { get; }

    public LinePosition Position => Positions.Single();

    public LineRange Range => Ranges.Single();

    public static Markup Parse(string marked)
    {
        var text = new System.Text.StringBuilder();
        var positionOffsets = new List<int>();
        var rangeOffsets = new List<(int Start, int End)>();
        var openRanges = new Stack<int>();
        for (var i = 0; i < marked.Length; i++)
        {
            if (marked[i] == '[' && i + 1 < marked.Length && marked[i + 1] == '|')
            {
                openRanges.Push(text.Length);
                i++;
            }
            else if (marked[i] == '|' && i + 1 < marked.Length && marked[i + 1] == ']')
            {
                rangeOffsets.Add((openRanges.Pop(), text.Length));
                i++;
            }
            else if (marked[i] == '|')
            {
                positionOffsets.Add(text.Length);
            }
            else
            {
                text.Append(marked[i]);
            }
        }

        var source = new SourceText(text.ToString());
        return new Markup(
            text.ToString(),
            positionOffsets.Select(source.GetPosition).ToArray(),
            rangeOffsets.OrderBy(r => r.Start).Select(r => new LineRange(source.GetPosition(r.Start), source.GetPosition(r.End))).ToArray());
    }
}
