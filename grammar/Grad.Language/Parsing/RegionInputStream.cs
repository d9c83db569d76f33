using Antlr4.Runtime;

namespace Grad.Language.Parsing;

/// <summary>
/// The characters [start, end) of a text (the whole text, or the region an incremental parse
/// re-lexes) as the lexer's input, read in place: no copy of the text (a 5,000-line file is
/// 300 KB, a large-object-heap array on every edit), indices in UTF-16 code units of the whole
/// text, so tokens carry their positions in it, and the end of input at <c>end</c>.
/// </summary>
internal sealed class RegionInputStream : BaseInputCharStream
{
    private readonly string text;

    public RegionInputStream(string text, int start, int end)
    {
        this.text = text;
        n = end;
        p = start;
    }

    protected override int ValueAt(int i) => text[i];

    protected override string ConvertDataToString(int start, int count) => text.Substring(start, count);
}
