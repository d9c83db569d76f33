namespace Grad.LanguageServer.Features.SemanticTokens;

public static class SemanticTokenLegend
{
    public static readonly string[] TokenTypes =
    [
        "keyword", "number", "string", "comment", "operator", "function", "parameter", "class", "variable", "event", "property", "enumMember",
    ];

    public static readonly string[] TokenModifiers = ["declaration", "readonly", "defaultLibrary"];

    public static int Type(string name) => Array.IndexOf(TokenTypes, name);

    public static int Modifier(string name) => 1 << Array.IndexOf(TokenModifiers, name);

    public static object Create() => new { tokenTypes = TokenTypes, tokenModifiers = TokenModifiers };
}
