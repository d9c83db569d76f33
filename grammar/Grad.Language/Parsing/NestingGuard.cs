using Grad.Language.Diagnostics;
using Grad.Language.Text;

namespace Grad.Language.Parsing;

/// <summary>
/// Keeps pathological nesting (thousands of parentheses or minus signs) from overflowing the
/// stack: moderately deep text is compiled on a thread with a large stack, and text nested
/// beyond <see cref="MaxDepth"/> gets one diagnostic instead of a parse.
/// </summary>
internal static class NestingGuard
{
    public const int MaxDepth = 5_000;
    public const int LargeStackBytes = 512 * 1024 * 1024;
    private const int OrdinaryDepth = 200;

    public static bool IsDeep(string text) => MaxNesting(text, OrdinaryDepth).Depth > OrdinaryDepth;

    public static Diagnostic? TooDeep(SourceText source)
    {
        var (depth, at) = MaxNesting(source.Text, MaxDepth);
        return depth > MaxDepth
            ? Diagnostic.Create(DiagnosticCatalog.SyntaxError, new TextSpan(at, 1), $"this is nested more than {MaxDepth} levels deep; Grad does not parse files nested this deeply")
            : null;
    }

    /// <summary>The deepest nesting of brackets and chained prefix signs, stopping once past <paramref name="limit"/>.</summary>
    private static (int Depth, int At) MaxNesting(string text, int limit)
    {
        var depth = 0;
        var max = 0;
        var signs = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
                case '-' or '+':
                    signs++;
                    break;
                case ' ' or '\t':
                    continue;
                default:
                    signs = 0;
                    break;
            }

            if (c is not ('-' or '+'))
            {
                signs = 0;
            }

            var level = depth + signs;
            if (level > max)
            {
                max = level;
                if (max > limit)
                {
                    return (max, i);
                }
            }
        }

        return (max, 0);
    }
}
