using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Protocol;

// Our own LSP 3.17 types for the messages Grad uses. Property names are PascalCase here and
// camelCase on the wire (the formatter's contract resolver); nulls are omitted.

public sealed class Position
{
    public Position()
    {
    }

    public Position(int line, int character)
    {
        Line = line;
        Character = character;
    }

    public int Line { get; set; }

    public int Character { get; set; }

    public override string ToString() => $"{Line}:{Character}";
}

public sealed class Range
{
    public Range()
    {
    }

    public Range(Position start, Position end)
    {
        Start = start;
        End = end;
    }

    public Position Start { get; set; } = new();

    public Position End { get; set; } = new();

    public override string ToString() => $"{Start}-{End}";
}

public sealed class Location
{
    public string Uri { get; set; } = "";

    public Range Range { get; set; } = new();
}

public sealed class TextDocumentIdentifier
{
    public string Uri { get; set; } = "";
}

public sealed class VersionedTextDocumentIdentifier
{
    public string Uri { get; set; } = "";

    public int Version { get; set; }
}

public sealed class TextDocumentItem
{
    public string Uri { get; set; } = "";

    public string LanguageId { get; set; } = "";

    public int Version { get; set; }

    public string Text { get; set; } = "";
}

public class TextDocumentPositionParams
{
    public TextDocumentIdentifier TextDocument { get; set; } = new();

    public Position Position { get; set; } = new();
}

public sealed class TextDocumentParams
{
    public TextDocumentIdentifier TextDocument { get; set; } = new();
}

public sealed class TextEdit
{
    public Range Range { get; set; } = new();

    public string NewText { get; set; } = "";
}

public sealed class MarkupContent
{
    public string Kind { get; set; } = "markdown";

    public string Value { get; set; } = "";
}

public sealed class Command
{
    public string Title { get; set; } = "";

    [JsonProperty("command")]
    public string CommandName { get; set; } = "";

    public JArray? Arguments { get; set; }
}

public static class ErrorCodes
{
    public const int InvalidParams = -32602;
    public const int ServerNotInitialized = -32002;
    public const int RequestCancelled = -32800;
    public const int RequestFailed = -32803;
}
