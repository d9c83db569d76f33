using Grad.Language.Text;
using Grad.LanguageServer.Protocol;
using Range = Grad.LanguageServer.Protocol.Range;

namespace Grad.LanguageServer.Features.Common;

/// <summary>Between the language's offsets and LSP's 0-based line / UTF-16 column positions.</summary>
public static class Positions
{
    public static Position ToPosition(this SourceText source, int offset)
    {
        var position = source.GetPosition(offset);
        return new Position(position.Line, position.Character);
    }

    public static Range ToRange(this SourceText source, TextSpan span) =>
        new(source.ToPosition(span.Start), source.ToPosition(span.End));

    public static int ToOffset(this SourceText source, Position position) =>
        source.GetOffset(new LinePosition(position.Line, position.Character));
}
