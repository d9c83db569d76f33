using Antlr4.Runtime;

namespace Grad.Language.Parsing;

/// <summary>
/// The characters [start, end) of a text as a stream that keeps the text's indices: tokens lexed
/// from it carry their positions in the whole text, and the lexer sees the end of input at end.
/// </summary>
internal sealed class RegionInputStream : AntlrInputStream
{
    public RegionInputStream(string text, int start, int end)
        : base(text)
    {
        n = end;
        p = start;
    }
}
