using Grad.Language;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;
using static Grad.LanguageServer.Features.SemanticTokens.SemanticTokenLegend;

namespace Grad.LanguageServer.Features.SemanticTokens;

/// <summary>Full-document semantic tokens: lexical classes, names by what they declare, built-ins as the default library.</summary>
public sealed class SemanticTokensFeature
{
    private readonly ServerContext context;

    public SemanticTokensFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/semanticTokens/full", UseSingleObjectParameterDeserialization = true)]
    public async Task<Protocol.SemanticTokens> FullAsync(TextDocumentParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return new Protocol.SemanticTokens();
        }

        await Task.Yield();
        return new Protocol.SemanticTokens { Data = Encode(snapshot.Compilation) };
    }

    public static int[] Encode(Compilation compilation)
    {
        var source = compilation.Source;
        var references = compilation.Semantics.References.ToDictionary(r => r.Span.Start);
        var data = new List<int>();
        var previousLine = 0;
        var previousStart = 0;

        void Add(int offset, int length, int type, int modifiers)
        {
            var position = source.GetPosition(offset);
            var deltaLine = position.Line - previousLine;
            var deltaStart = deltaLine == 0 ? position.Character - previousStart : position.Character;
            data.AddRange([deltaLine, deltaStart, length, type, modifiers]);
            previousLine = position.Line;
            previousStart = position.Character;
        }

        foreach (var token in compilation.Tokens)
        {
            var (type, modifiers) = Classify(token, references);
            if (type < 0)
            {
                continue;
            }

            // Tokens may not span lines: a block comment becomes one token per line.
            var start = token.Span.Start;
            var firstLine = source.GetLine(start);
            var lastLine = source.GetLine(token.Span.End);
            for (var line = firstLine; line <= lastLine; line++)
            {
                var from = line == firstLine ? start : source.LineStarts[line];
                var to = line == lastLine ? token.Span.End : source.GetLineEnd(line);
                if (to > from)
                {
                    Add(from, to - from, type, modifiers);
                }
            }
        }

        return data.ToArray();
    }

    /// <summary>
    /// Built-in names of the catalogue: functions (activations, inits, optimizers, …) or, for the words
    /// after <c>norm</c>, <c>clip</c> and <c>until</c> (<c>layer</c>, <c>value</c>, <c>change</c>, …), enum members.
    /// </summary>
    private static readonly Dictionary<string, string> BuiltinTypes = Builtins.All
        .GroupBy(b => b.Name, StringComparer.Ordinal)
        .ToDictionary(
            g => g.Key,
            g => g.All(b => b.Category is BuiltinCategory.Norm or BuiltinCategory.Clip or BuiltinCategory.Metric) ? "enumMember" : "function",
            StringComparer.Ordinal);

    private static (int Type, int Modifiers) Classify(SyntaxToken token, Dictionary<int, SymbolReference> references)
    {
        switch (token.Kind)
        {
            case TokenKind.Keyword:
                return (Type("keyword"), 0);
            case TokenKind.Number:
                return (Type("number"), 0);
            case TokenKind.String:
                return (Type("string"), 0);
            case TokenKind.Comment:
                return (Type("comment"), 0);
            case TokenKind.Operator:
                return (Type("operator"), 0);
            case TokenKind.Identifier:
                if (references.TryGetValue(token.Span.Start, out var reference))
                {
                    var declaration = reference.IsDeclaration ? Modifier("declaration") : 0;
                    return reference.Symbol.Kind switch
                    {
                        SymbolKind.Cost => (Type("function"), declaration),
                        SymbolKind.Parameter => (Type("parameter"), declaration),
                        SymbolKind.Network => (Type("class"), declaration),
                        SymbolKind.Data => (Type("variable"), declaration),
                        SymbolKind.Constant => (Type("variable"), declaration | Modifier("readonly")),
                        SymbolKind.Run => (Type("event"), declaration),
                        SymbolKind.Layer => (Type("property"), declaration),
                        _ => (Type("variable"), declaration),
                    };
                }

                return BuiltinTypes.TryGetValue(token.Text, out var builtin) ? (Type(builtin), Modifier("defaultLibrary")) : (-1, 0);
            default:
                return (-1, 0);
        }
    }
}
