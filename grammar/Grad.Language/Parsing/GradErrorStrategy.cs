using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Grad.Language.Parsing.Generated;

namespace Grad.Language.Parsing;

/// <summary>
/// ANTLR's default recovery, except at the entry of a <c>(item)*</c> loop: there the default
/// gives up on the whole enclosing rule, so one misspelt first item of a run would lose the run's
/// other items. We skip just the unexpected tokens up to the next item keyword (or the closing
/// brace), as ANTLR already does between later items.
/// </summary>
internal sealed class GradErrorStrategy : DefaultErrorStrategy
{
    private int keptDeclarationIndex = -1;

    public override void Sync(Parser recognizer)
    {
        var state = recognizer.Interpreter.atn.states[recognizer.State];
        if (state.StateType == StateType.StarLoopEntry && !InErrorRecoveryMode(recognizer))
        {
            var next = recognizer.Atn.NextTokens(state);
            var la = ((ITokenStream)recognizer.InputStream).LA(1);
            if (la != TokenConstants.EOF && !next.Contains(la) && !next.Contains(TokenConstants.EPSILON))
            {
                ReportUnwantedToken(recognizer);
                ConsumeUntil(recognizer, recognizer.GetExpectedTokens().Or(GetErrorRecoverySet(recognizer)));
                return;
            }
        }

        base.Sync(recognizer);
    }

    /// <summary>
    /// Never skips a token that starts a declaration: an unfinished line (<c>let b = a +</c>)
    /// must not swallow the declaration on the next line.
    /// </summary>
    public override void Recover(Parser recognizer, RecognitionException e)
    {
        // Twice at the same token means the declaration itself cannot start here: then skip it
        // as ANTLR would, or the parser would try the same declaration forever.
        var index = recognizer.InputStream.Index;
        if (AtDeclarationStart(recognizer) && index != keptDeclarationIndex)
        {
            keptDeclarationIndex = index;
            BeginErrorCondition(recognizer);
            return;
        }

        base.Recover(recognizer, e);
    }

    /// <summary>Nor does single-token deletion: <c>+ let c</c> must not become <c>+ c</c>.</summary>
    protected override IToken? SingleTokenDeletion(Parser recognizer) =>
        AtDeclarationStart(recognizer) ? null : base.SingleTokenDeletion(recognizer);

    private static bool AtDeclarationStart(Parser recognizer) =>
        ((ITokenStream)recognizer.InputStream).LA(1) is GradLexer.LET or GradLexer.COST or GradLexer.NETWORK or GradLexer.DATA or GradLexer.RUN;
}
