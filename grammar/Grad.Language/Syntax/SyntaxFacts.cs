using System.Collections.Frozen;
using Grad.Language.Parsing.Generated;

namespace Grad.Language.Syntax;

/// <summary>Facts about the language's words, read from the grammar so they cannot drift from it.</summary>
public static class SyntaxFacts
{
    /// <summary>The reserved keywords (`let`, `cost`, …, `true`, `false`).</summary>
    public static FrozenSet<string> Keywords { get; } = Enumerable.Range(GradLexer.LET, GradLexer.FALSE - GradLexer.LET + 1)
        .Select(type => GradLexer.DefaultVocabulary.GetLiteralName(type).Trim('\''))
        .ToFrozenSet(StringComparer.Ordinal);

    public static bool IsKeyword(string text) => Keywords.Contains(text);
}
