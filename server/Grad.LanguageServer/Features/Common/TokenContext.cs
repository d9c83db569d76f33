using Grad.Language.Semantics;
using Grad.Language.Syntax;

namespace Grad.LanguageServer.Features.Common;

/// <summary>
/// Where a caret is, read from the tokens alone (so it works in a file the parser could not
/// make sense of): the block it is in and the tokens before it.
/// </summary>
public sealed class TokenContext
{
    private TokenContext(string? block, string? declaration, IReadOnlyList<SyntaxToken> before, SyntaxToken? word)
    {
        Block = block;
        Declaration = declaration;
        Before = before;
        Word = word;
    }

    /// <summary>"network", "run", "data", "repeat", "residual" for a caret inside such braces; null at top level.</summary>
    public string? Block { get; }

    /// <summary>The keyword of the top-level declaration the caret is in ("let", "cost", …), if any.</summary>
    public string? Declaration { get; }

    /// <summary>Significant tokens before the caret (not the word being typed), in order.</summary>
    public IReadOnlyList<SyntaxToken> Before { get; }

    /// <summary>The identifier or keyword the caret is in or just after (what completion replaces).</summary>
    public SyntaxToken? Word { get; }

    public SyntaxToken? Previous(int back = 1) => Before.Count >= back ? Before[^back] : null;

    public static readonly HashSet<string> DeclarationKeywords = [.. Keywords.At(KeywordPlace.TopLevel).Select(k => k.Name)];

    public static TokenContext Create(IReadOnlyList<SyntaxToken> tokens, int offset)
    {
        var before = new List<SyntaxToken>();
        SyntaxToken? word = null;
        var blocks = new Stack<string>();
        string? declaration = null;
        string? lastKeyword = null;
        foreach (var token in tokens)
        {
            if (token.Kind == TokenKind.Comment)
            {
                continue;
            }

            if (token.Span.Start >= offset)
            {
                break;
            }

            if (token.Span.End >= offset && token.Kind is TokenKind.Identifier or TokenKind.Keyword)
            {
                word = token;
                break;
            }

            before.Add(token);
            if (token.Kind == TokenKind.Keyword)
            {
                if (blocks.Count == 0 && DeclarationKeywords.Contains(token.Text))
                {
                    declaration = token.Text;
                }

                lastKeyword = token.Text;
            }

            if (token.Text == "{")
            {
                blocks.Push(lastKeyword is "network" or "run" or "data" or "repeat" or "residual" ? lastKeyword : "block");
            }
            else if (token.Text == "}" && blocks.Count > 0)
            {
                blocks.Pop();
                if (blocks.Count == 0)
                {
                    declaration = null;
                }
            }
        }

        return new TokenContext(blocks.Count > 0 ? blocks.Peek() : null, declaration, before, word);
    }

    /// <summary>
    /// The innermost unclosed call before the caret: its name token (at <c>Before[NameIndex]</c>), the
    /// argument index the caret is in, the argument's name if it is named, and the names already given.
    /// </summary>
    public (SyntaxToken Name, int NameIndex, int Argument, string? NamedArgument)? EnclosingCall()
    {
        var depth = 0;
        var commas = 0;
        string? named = null;
        for (var i = Before.Count - 1; i >= 0; i--)
        {
            var token = Before[i];
            switch (token.Text)
            {
                case ")" or "]":
                    depth++;
                    break;
                case "[":
                    depth--;
                    break;
                case "(" when depth == 0:
                    return i > 0 && Before[i - 1].Kind is TokenKind.Identifier or TokenKind.Keyword
                        ? (Before[i - 1], i - 1, commas, named)
                        : null;
                case "(":
                    depth--;
                    break;
                case "," when depth == 0:
                    commas++;
                    break;
                case "=" when depth == 0 && commas == 0 && i > 0 && Before[i - 1].Kind == TokenKind.Identifier:
                    named ??= Before[i - 1].Text;
                    break;
                case "{" or "}":
                    return null;
            }
        }

        return null;
    }

    /// <summary>The argument names already written in the call whose name is at <c>Before[nameIndex]</c>.</summary>
    public IEnumerable<string> GivenArguments(int nameIndex)
    {
        var depth = 0;
        for (var i = nameIndex + 2; i < Before.Count; i++)
        {
            var token = Before[i];
            depth += token.Text is "(" or "[" ? 1 : token.Text is ")" or "]" ? -1 : 0;
            if (depth == 0 && token.Text == "=" && Before[i - 1].Kind is TokenKind.Identifier or TokenKind.Keyword && Before[i - 2].Text is "(" or ",")
            {
                yield return Before[i - 1].Text;
            }
        }
    }

    /// <summary>
    /// The category of built-in that a name at <c>Before[index]</c> (or, for <c>index == Before.Count</c>,
    /// the word at the caret) would be, from the words before it: after <c>optimizer</c> an optimizer,
    /// after <c>schedule</c>/<c>then</c> a schedule, after the width of <c>dense N</c> an activation,
    /// in a cost or <c>let</c> expression a math function; null where no built-in goes.
    /// </summary>
    public BuiltinCategory? CategoryAt(int index)
    {
        var previous = index > 0 ? Before[index - 1] : null;
        if (previous is null)
        {
            return null;
        }

        if (previous.Kind == TokenKind.Keyword && Keywords.Find(previous.Text) is { Takes: { } takes })
        {
            // `clip norm C` and `until loss < ε` use `norm` and `loss` as words of their own.
            var inOtherItem = (previous.Text == "norm" && index > 1 && Before[index - 2].Text == "clip")
                || (previous.Text == "loss" && Block != "network");
            return inOtherItem ? null : takes;
        }

        if (previous.Text == "=" && Declaration == "data" && Block is null)
        {
            return BuiltinCategory.Generator;
        }

        if (EndsDenseWidth(index))
        {
            return BuiltinCategory.Activation;
        }

        return Declaration is "let" or "cost" && Block is null && Before.Take(index).Any(t => t.Text == "=") ? BuiltinCategory.Function : null;
    }

    /// <summary>
    /// The index in <see cref="Before"/> of the keyword that starts the item the caret is in (outside
    /// parentheses: <c>steps</c> in <c>warmup(steps = 10)</c> starts nothing), or −1.
    /// </summary>
    public int ItemStart()
    {
        var place = Block switch
        {
            "run" => KeywordPlace.Run,
            "network" => KeywordPlace.Network,
            "repeat" or "residual" => KeywordPlace.Layers,
            null => KeywordPlace.TopLevel,
            _ => KeywordPlace.None,
        };
        var depth = 0;
        for (var i = Before.Count - 1; i >= 0; i--)
        {
            var token = Before[i];
            if (token.Text is "{" or "}")
            {
                return -1;
            }

            depth += token.Text is ")" or "]" ? 1 : token.Text is "(" or "[" ? -1 : 0;
            // `clip norm`: the `norm` is clip's word, not a layer.
            if (depth == 0 && token.Kind == TokenKind.Keyword && Keywords.Find(token.Text) is { } keyword && (keyword.Places & place) != 0
                && !(i > 0 && Before[i - 1].Text == "clip"))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True when the caret follows a whole <c>dense N ACTIVATION</c> (where its options go).</summary>
    public bool AfterDenseLayer()
    {
        var start = ItemStart();
        return start >= 0 && Before[start].Text == "dense" && Before.Count - start > 2 && !EndsDenseWidth(Before.Count);
    }

    /// <summary>True when the tokens between the last <c>dense</c> and <c>Before[index]</c> are exactly one width expression.</summary>
    private bool EndsDenseWidth(int index)
    {
        var start = index - 1;
        while (start >= 0 && Before[start].Kind != TokenKind.Keyword && Before[start].Text is not ("{" or "}"))
        {
            start--;
        }

        if (start < 0 || Before[start].Text != "dense" || start == index - 1)
        {
            return false;
        }

        // An operand right after an operand means the width has ended and something else was written.
        var afterOperand = false;
        for (var i = start + 1; i < index; i++)
        {
            var operand = Before[i].Kind is TokenKind.Number or TokenKind.Identifier || Before[i].Text == ")";
            if (operand && afterOperand && Before[i].Text != ")")
            {
                return false;
            }

            afterOperand = operand;
        }

        return afterOperand;
    }
}
