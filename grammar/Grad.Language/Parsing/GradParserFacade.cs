using System.Collections.Immutable;
using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using Grad.Language.Diagnostics;
using Grad.Language.Parsing.Generated;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language.Parsing;

/// <summary>
/// Lexes and parses a file into our own syntax model. Lexing goes through
/// <see cref="RegionInputStream"/>, whose indices are UTF-16 code units (as
/// <see cref="AntlrInputStream"/>'s), so every span maps to LSP positions through
/// <see cref="SourceText"/> without drift after an emoji.
/// </summary>
public static class GradParserFacade
{
    /// <summary>The lexer channel of error tokens (unknown characters, unterminated strings and comments).</summary>
    private const int ErrorChannel = 2;

    public static ParseResult Parse(SourceText source) => Parse(source, Lex(source));

    /// <summary>All the tokens of the text, on every channel (the lexer never fails).</summary>
    internal static CommonTokenStream Lex(SourceText source)
    {
        var lexer = new GradLexer(new RegionInputStream(source.Text, 0, source.Length));
        lexer.RemoveErrorListeners();
        var tokenStream = new CommonTokenStream(lexer);
        tokenStream.Fill();
        return tokenStream;
    }

    /// <summary>
    /// The tokens of the characters [<paramref name="start"/>, <paramref name="end"/>) of the text
    /// alone, with their indices in the whole text (an incremental parse re-lexes one region).
    /// </summary>
    internal static CommonTokenStream Lex(SourceText source, int start, int end)
    {
        var lexer = new GradLexer(new RegionInputStream(source.Text, start, end));
        lexer.RemoveErrorListeners();
        var tokenStream = new CommonTokenStream(lexer);
        tokenStream.Fill();
        return tokenStream;
    }

    /// <summary>True when the lexer met an unknown character, a bad string or an unclosed comment.</summary>
    internal static bool HasLexicalErrors(CommonTokenStream tokens) => tokens.GetTokens().Any(t => t.Channel == ErrorChannel);

    /// <summary>The declarations of valid tokens by the fast (SLL) parse alone; null at the first syntax error.</summary>
    internal static ImmutableArray<DeclarationSyntax>? TryParseDeclarations(SourceText source, CommonTokenStream tokens)
    {
        tokens.Seek(0);
        var parser = new GradParser(tokens) { ErrorHandler = new BailErrorStrategy() };
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        try
        {
            return new SyntaxBuilder(source).Declarations(parser.file());
        }
        catch (ParseCanceledException)
        {
            return null;
        }
    }

    internal static ParseResult Parse(SourceText source, CommonTokenStream tokenStream)
    {
        tokenStream.Seek(0);
        var reporter = new SyntaxErrorReporter(source);
        ReportLexicalErrors(tokenStream, source, reporter);

        var tree = ParseTwoStage(tokenStream, reporter);
        var syntax = new SyntaxBuilder(source).Build(tree);
        return new ParseResult(syntax, ClassifyTokens(tokenStream), reporter.Diagnostics);
    }

    /// <summary>
    /// SLL with bail-out first (fast for the common, valid file), then full LL with error
    /// recovery only when the first pass fails.
    /// </summary>
    private static GradParser.FileContext ParseTwoStage(CommonTokenStream tokens, SyntaxErrorReporter reporter)
    {
        var parser = new GradParser(tokens) { ErrorHandler = new BailErrorStrategy() };
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        try
        {
            return parser.file();
        }
        catch (ParseCanceledException)
        {
            tokens.Seek(0);
            parser.Reset();
            parser.ErrorHandler = new GradErrorStrategy();
            parser.Interpreter.PredictionMode = PredictionMode.LL;
            parser.AddErrorListener(reporter);
            return parser.file();
        }
    }

    private static void ReportLexicalErrors(CommonTokenStream tokens, SourceText source, SyntaxErrorReporter reporter)
    {
        IToken? pendingUnknown = null;
        var pendingEnd = 0;
        void FlushUnknown()
        {
            if (pendingUnknown is null)
            {
                return;
            }

            var span = TextSpan.FromBounds(pendingUnknown.StartIndex, pendingEnd);
            var text = source[span];
            reporter.Report(DiagnosticCatalog.UnexpectedCharacter, span,
                text.Length == 1 || char.IsSurrogatePair(text, 0) && text.Length == 2
                    ? $"unexpected character '{text}'"
                    : $"unexpected characters '{text}'");
            pendingUnknown = null;
        }

        foreach (var token in tokens.GetTokens())
        {
            if (token.Channel != ErrorChannel)
            {
                FlushUnknown();
                continue;
            }

            var span = TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);
            switch (token.Type)
            {
                case GradLexer.UNKNOWN_CHAR:
                    if (pendingUnknown is not null && pendingEnd == token.StartIndex && source.GetLine(token.StartIndex) == source.GetLine(pendingUnknown.StartIndex))
                    {
                        pendingEnd = token.StopIndex + 1;
                    }
                    else
                    {
                        FlushUnknown();
                        pendingUnknown = token;
                        pendingEnd = token.StopIndex + 1;
                    }

                    break;
                case GradLexer.UNTERMINATED_STRING:
                    FlushUnknown();
                    reporter.Report(DiagnosticCatalog.UnterminatedString, span, "this string has no closing '\"' on its line");
                    break;
                case GradLexer.BAD_ESCAPE_STRING:
                    FlushUnknown();
                    reporter.Report(DiagnosticCatalog.InvalidEscape, span, "a string may only escape '\\\"' and '\\\\'");
                    break;
                case GradLexer.UNTERMINATED_COMMENT:
                    FlushUnknown();
                    reporter.Report(DiagnosticCatalog.UnterminatedComment, TextSpan.FromBounds(token.StartIndex, token.StartIndex + 2), "this comment is never closed with '*/'");
                    break;
            }
        }

        FlushUnknown();
    }

    internal static ImmutableArray<SyntaxToken> ClassifyTokens(CommonTokenStream tokens)
    {
        var builder = ImmutableArray.CreateBuilder<SyntaxToken>();
        foreach (var token in tokens.GetTokens())
        {
            if (token.Type == TokenConstants.EOF || token.Type == GradLexer.WS)
            {
                continue;
            }

            var kind = token.Type switch
            {
                GradLexer.ID => TokenKind.Identifier,
                GradLexer.NUMBER => TokenKind.Number,
                GradLexer.STRING or GradLexer.UNTERMINATED_STRING or GradLexer.BAD_ESCAPE_STRING => TokenKind.String,
                GradLexer.LINE_COMMENT or GradLexer.BLOCK_COMMENT or GradLexer.UNTERMINATED_COMMENT => TokenKind.Comment,
                GradLexer.PLUS or GradLexer.MINUS or GradLexer.STAR or GradLexer.SLASH or GradLexer.CARET or GradLexer.LT or GradLexer.ASSIGN => TokenKind.Operator,
                GradLexer.UNKNOWN_CHAR => TokenKind.Invalid,
                >= GradLexer.LET and <= GradLexer.FALSE => TokenKind.Keyword,
                _ => TokenKind.Punctuation,
            };
            builder.Add(new SyntaxToken(kind, token.Text, TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1)));
        }

        return builder.ToImmutable();
    }

    /// <summary>The words users know for token types, for "expected …" messages.</summary>
    internal static string Describe(int tokenType) => tokenType switch
    {
        TokenConstants.EOF => "end of file",
        GradLexer.ID => "a name",
        GradLexer.NUMBER => "a number",
        GradLexer.STRING => "a string",
        _ => GradLexer.DefaultVocabulary.GetLiteralName(tokenType) is { } literal ? $"`{literal.Trim('\'')}`" : GradLexer.DefaultVocabulary.GetSymbolicName(tokenType),
    };

    /// <summary>Collects syntax errors as diagnostics in the user's terms, at most one per line.</summary>
    private sealed class SyntaxErrorReporter(SourceText source) : BaseErrorListener
    {
        private readonly ImmutableArray<Diagnostic>.Builder diagnostics = ImmutableArray.CreateBuilder<Diagnostic>();
        private readonly HashSet<int> linesWithErrors = [];

        public ImmutableArray<Diagnostic> Diagnostics => diagnostics.ToImmutable();

        public void Report(DiagnosticDescriptor descriptor, TextSpan span, string message)
        {
            if (linesWithErrors.Add(source.GetLine(span.Start)))
            {
                diagnostics.Add(Diagnostic.Create(descriptor, span, message));
            }
        }

        public override void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line, int charPositionInLine, string msg, RecognitionException e)
        {
            var parser = (Parser)recognizer;
            var span = SpanOf(offendingSymbol, parser);
            var expected = ExpectedDescription(parser);

            // Something missing at the end of a line is reported there, after the last token, not
            // at the start of the next line.
            if (!msg.StartsWith("extraneous", StringComparison.Ordinal)
                && PreviousToken(offendingSymbol, parser) is { } previous
                && (offendingSymbol.Type == TokenConstants.EOF || source.GetLine(offendingSymbol.StartIndex) > source.GetLine(previous.StartIndex)))
            {
                Report(DiagnosticCatalog.SyntaxError, TextSpan.FromBounds(previous.StartIndex, previous.StopIndex + 1), $"expected {expected} after `{previous.Text}`");
                return;
            }

            var found = offendingSymbol.Type == TokenConstants.EOF ? "the end of the file" : $"`{offendingSymbol.Text}`";
            var message = msg.StartsWith("missing ", StringComparison.Ordinal)
                ? $"expected {expected} before {found}"
                : $"unexpected {found}; expected {expected}";
            Report(DiagnosticCatalog.SyntaxError, span, message);
        }

        /// <summary>
        /// The span of the offending token. At the end of the file (or for a token that recovery
        /// invented, index −1) the error is anchored to the end of the previous real token.
        /// </summary>
        private TextSpan SpanOf(IToken token, Parser parser)
        {
            if (token.Type != TokenConstants.EOF && token.StartIndex >= 0 && token.StopIndex >= token.StartIndex)
            {
                return TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1);
            }

            return PreviousToken(token, parser) is { } previous
                ? new TextSpan(previous.StopIndex, 1)
                : new TextSpan(0, Math.Min(1, source.Length));
        }

        /// <summary>The last real token on the default channel before this one (invented tokens have index −1).</summary>
        private static IToken? PreviousToken(IToken token, Parser parser)
        {
            var stream = (ITokenStream)parser.InputStream;
            var index = token.TokenIndex >= 0 ? token.TokenIndex : stream.Index;
            for (var i = Math.Min(index, stream.Size) - 1; i >= 0; i--)
            {
                var previous = stream.Get(i);
                if (previous.Channel == TokenConstants.DefaultChannel && previous.StartIndex >= 0)
                {
                    return previous;
                }
            }

            return null;
        }

        private static string ExpectedDescription(Parser parser)
        {
            IntervalSet expected;
            try
            {
                expected = parser.GetExpectedTokens();
            }
            catch (ArgumentException)
            {
                expected = new IntervalSet();
            }

            var rule = parser.Context?.RuleIndex ?? -1;
            var types = expected.ToArray();
            if (types.Contains(GradLexer.NUMBER) && types.Contains(GradLexer.ID) && types.Contains(GradLexer.LPAREN))
            {
                return "an expression (a number, a name or `(`)";
            }

            if (types.Length > 5)
            {
                return rule switch
                {
                    GradParser.RULE_file or GradParser.RULE_declaration => "a declaration (`let`, `cost`, `network`, `data` or `run`)",
                    GradParser.RULE_networkDeclaration or GradParser.RULE_networkItem or GradParser.RULE_layer or GradParser.RULE_denseLayer
                        or GradParser.RULE_layerOption or GradParser.RULE_residualBlock
                        => "a network item (`input`, `dense`, `norm`, `residual`, `repeat`, `init`, `loss`, `seed`) or `}`",
                    GradParser.RULE_runDeclaration or GradParser.RULE_runItem
                        => "a run item (`minimize`, `train`, `optimizer`, `schedule`, `clip`, `steps`, `epochs`, `batch`, `until`, `record every`, `seed`) or `}`",
                    _ when types.Contains(GradLexer.NUMBER) => "an expression",
                    _ => "one of " + string.Join(", ", types.Take(5).Select(Describe)) + ", …",
                };
            }

            return types.Length switch
            {
                0 => "something else",
                1 => Describe(types[0]),
                _ => string.Join(", ", types[..^1].Select(Describe)) + " or " + Describe(types[^1]),
            };
        }
    }
}
