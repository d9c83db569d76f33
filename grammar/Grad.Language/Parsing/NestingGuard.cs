using Antlr4.Runtime;
using Grad.Language.Diagnostics;
using Grad.Language.Parsing.Generated;
using Grad.Language.Text;

namespace Grad.Language.Parsing;

/// <summary>
/// Keeps pathological nesting and chaining from overflowing the stack of the parser or of any
/// later walk over the syntax (binder, evaluator, differentiator, formatter). It measures, on
/// the tokens, an upper bound of how deep the syntax tree can be: every bracket, and every
/// operator or sign in a chain (<c>w^w^…</c>, <c>a+a+…</c>, <c>- - -</c> with newlines or comments
/// between them), counts one level; a comma or a keyword starts a new chain. Text deeper than
/// <see cref="MaxDepth"/> gets one diagnostic instead of a parse; moderately deep text is
/// compiled on a thread with a large stack.
/// </summary>
internal static class NestingGuard
{
    public const int MaxDepth = 1_000;
    public const int LargeStackBytes = 256 * 1024 * 1024;
    public const int OrdinaryDepth = 150;

    public static Diagnostic TooDeep(int at) =>
        Diagnostic.Create(DiagnosticCatalog.SyntaxError, new TextSpan(at, 1),
            $"this expression is nested or chained more than {MaxDepth} levels deep (brackets, signs and operators in a row); Grad does not parse expressions this deep: split it with `let` constants");

    /// <summary>An upper bound of the syntax depth of the tokens on the default channel, and where it is first reached.</summary>
    public static (int Depth, int At) Measure(IList<IToken> tokens)
    {
        var enclosing = new Stack<Level>();
        var current = new Level();
        var outer = 0; // Σ over enclosing levels of (operators so far + 1 for the bracket)
        var max = 0;
        var at = 0;
        foreach (var token in tokens)
        {
            if (token.Channel != TokenConstants.DefaultChannel || token.Type == TokenConstants.EOF)
            {
                continue;
            }

            switch (token.Type)
            {
                case GradLexer.LPAREN or GradLexer.LBRACK or GradLexer.LBRACE:
                    enclosing.Push(current);
                    outer += current.Operators + 1;
                    current = new Level();
                    break;
                case GradLexer.RPAREN or GradLexer.RBRACK or GradLexer.RBRACE:
                    if (enclosing.Count == 0)
                    {
                        current.EndChain();
                        break;
                    }

                    current.EndChain();
                    var inner = current.Peak + 1;
                    current = enclosing.Pop();
                    outer -= current.Operators + 1;
                    current.Inner = Math.Max(current.Inner, inner);
                    break;
                case GradLexer.COMMA or (>= GradLexer.LET and <= GradLexer.FALSE):
                    current.EndChain();
                    break;
                case GradLexer.PLUS or GradLexer.MINUS or GradLexer.STAR or GradLexer.SLASH or GradLexer.CARET:
                    current.Operators++;
                    break;
            }

            var depth = outer + current.Operators + current.Inner;
            if (depth > max)
            {
                max = depth;
                at = token.StartIndex;
            }
        }

        return (max, at);
    }

    /// <summary>One bracket level: the operators of the chain being read, the deepest bracket inside it, and the deepest chain so far.</summary>
    private sealed class Level
    {
        public int Operators { get; set; }

        public int Inner { get; set; }

        public int Peak { get; private set; }

        public void EndChain()
        {
            Peak = Math.Max(Peak, Operators + Inner);
            Operators = 0;
            Inner = 0;
        }
    }
}
