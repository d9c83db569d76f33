using System.Text;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>
/// A Markdown table for a hover. VS Code draws a hover's table cells without padding, so
/// neighbouring columns run together ("‖δ²‖0.00625"); every cell but the last ends with a gap of
/// non-breaking spaces, written as entities because the renderer trims plain whitespace.
/// </summary>
public sealed class HoverTable
{
    public const string Gap = "&nbsp;&nbsp;&nbsp;";

    private readonly StringBuilder text = new();

    public HoverTable(params string[] headers)
    {
        Row(headers);
        text.Append('|').Append(string.Concat(headers.Select(_ => "---|"))).Append('\n');
    }

    public HoverTable Row(params string[] cells)
    {
        text.Append('|');
        for (var i = 0; i < cells.Length; i++)
        {
            var padded = i < cells.Length - 1 && cells[i].Length > 0 ? cells[i] + Gap : cells[i];
            text.Append(' ').Append(padded).Append(" |");
        }

        text.Append('\n');
        return this;
    }

    public override string ToString() => text.ToString();
}
