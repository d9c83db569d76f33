using Grad.Language.Text;
using Grad.LanguageServer.Protocol;

namespace Grad.LanguageServer.Documents;

/// <summary>Applies LSP content changes (UTF-16 line/column ranges) to a text, in order.</summary>
public static class TextChanges
{
    public static string Apply(string text, IEnumerable<TextDocumentContentChangeEvent> changes)
    {
        foreach (var change in changes)
        {
            if (change.Range is null)
            {
                text = change.Text;
                continue;
            }

            var lineStarts = SourceText.ComputeLineStarts(text);
            var start = ToOffset(text, lineStarts, change.Range.Start);
            var end = Math.Max(start, ToOffset(text, lineStarts, change.Range.End));
            text = string.Concat(text.AsSpan(0, start), change.Text, text.AsSpan(end));
        }

        return text;
    }

    private static int ToOffset(string text, System.Collections.Immutable.ImmutableArray<int> lineStarts, Position position)
    {
        if (position.Line < 0)
        {
            return 0;
        }

        if (position.Line >= lineStarts.Length)
        {
            return text.Length;
        }

        var start = lineStarts[position.Line];
        var end = position.Line + 1 < lineStarts.Length ? lineStarts[position.Line + 1] : text.Length;
        // A column past the end of the line's text lands before its line break.
        while (end > start && (text[end - 1] == '\n' || text[end - 1] == '\r'))
        {
            end--;
        }

        return Math.Clamp(start + Math.Max(0, position.Character), start, end);
    }
}
