using Grad.Language.Text;

namespace Grad.Language.Syntax;

public enum TokenKind { Keyword, Identifier, Number, String, Comment, Operator, Punctuation, Invalid }

/// <summary>A token of the source as the lexer saw it, comments included (for colouring and folding).</summary>
public sealed record SyntaxToken(TokenKind Kind, string Text, TextSpan Span);
