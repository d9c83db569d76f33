using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Syntax;

namespace Grad.Language.Parsing;

public sealed record ParseResult(GradFileSyntax Syntax, ImmutableArray<SyntaxToken> Tokens, ImmutableArray<Diagnostic> Diagnostics);
