using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Syntax;

namespace Grad.Language.Parsing;

public sealed record ParseResult(GradFileSyntax Syntax, ImmutableArray<SyntaxToken> Tokens, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The nesting depth <see cref="NestingGuard"/> measured (an upper bound); 0 when the text was not parsed.</summary>
    public int Depth { get; init; }
}
