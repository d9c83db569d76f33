using Grad.Language;
using Grad.Language.Semantics;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Completion;

/// <summary>
/// Keywords that fit where the caret is, the built-ins that fit after <c>dense N</c>, <c>init</c>,
/// <c>loss</c>, <c>optimizer</c> and <c>data … =</c> (optimizers as snippets with their defaults),
/// and declared names where a name goes.
/// </summary>
public sealed class CompletionFeature
{
    // LSP CompletionItemKind.
    private const int KeywordKind = 14;
    private const int FunctionKind = 3;
    private const int VariableKind = 6;
    private const int ClassKind = 7;
    private const int ValueKind = 12;
    private const int EnumMemberKind = 20;
    private const int SnippetFormat = 2;

    private readonly ServerContext context;

    public CompletionFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/completion", UseSingleObjectParameterDeserialization = true)]
    public async Task<CompletionList> CompletionAsync(CompletionParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return new CompletionList();
        }

        await Task.Yield();
        var compilation = snapshot.Compilation;
        var offset = compilation.Source.ToOffset(request.Position);
        var caret = TokenContext.Create(compilation.Tokens, offset);
        // Newlines are whitespace to the parser, but `init` on the line above does not make this line its argument.
        var sameLine = caret.Previous() is { } previous && compilation.Source.GetLine(previous.Span.End) == compilation.Source.GetLine(offset);
        return new CompletionList { Items = Items(compilation, caret, sameLine).ToArray() };
    }

    private static IEnumerable<CompletionItem> Items(Compilation compilation, TokenContext caret, bool sameLine)
    {
        var previous = caret.Previous();
        if (caret.EnclosingCall() is { } call)
        {
            // Inside a call: its parameters (those not given yet), nothing else; a math function's argument is an expression.
            return caret.CategoryAt(call.NameIndex) switch
            {
                BuiltinCategory.Function => ExpressionItems(compilation, caret),
                { } category when Builtins.Find(category, call.Name.Text) is { } callee =>
                    ArgumentNames(callee, caret.GivenArguments(call.NameIndex).ToHashSet(StringComparer.Ordinal)),
                _ => [],
            };
        }

        switch (sameLine ? caret.CategoryAt(caret.Before.Count) : null)
        {
            case BuiltinCategory.Function:
                return ExpressionItems(compilation, caret);
            case BuiltinCategory.Init:
                return BuiltInItems(BuiltinCategory.Init).Concat(KeywordItems("from"));
            case { } category:
                return BuiltInItems(category);
        }

        switch (sameLine ? previous?.Text : null)
        {
            case "minimize":
                return Names(compilation, SymbolKind.Cost);
            case "train":
                return Names(compilation, SymbolKind.Network);
            case "on":
                return Names(compilation, SymbolKind.Data);
            case "record":
                return KeywordItems("every");
        }

        // A new item starts at the beginning of a line or right after a block's `{`.
        var itemStart = !sameLine || previous?.Text is "{" or "}";
        return caret.Block switch
        {
            null => itemStart ? DeclarationSnippets() : [],
            "network" or "repeat" or "residual" when itemStart =>
                KeywordItems(Keywords.At(caret.Block == "network" ? KeywordPlace.Network : KeywordPlace.Layers)),
            "network" when previous?.Kind == Language.Syntax.TokenKind.String && caret.Previous(2)?.Text == "from" => KeywordItems("run"),
            "network" or "repeat" or "residual" => caret.AfterDenseLayer() ? KeywordItems(Keywords.At(KeywordPlace.LayerOption)) : [],
            "run" when itemStart => KeywordItems(Keywords.At(KeywordPlace.Run)),
            "run" => RunContinuations(caret),
            "data" => new[] { "x", "y" }.Select(f => new CompletionItem { Label = f, Kind = ValueKind, InsertText = $"{f}: [$1]", InsertTextFormat = SnippetFormat }),
            _ => [],
        };
    }

    /// <summary>The word that continues a run item: <c>from</c> after <c>minimize COST</c>, <c>on</c> after <c>train NET</c>, <c>then</c> after a warmup.</summary>
    private static IEnumerable<CompletionItem> RunContinuations(TokenContext caret)
    {
        var start = caret.ItemStart();
        if (start < 0)
        {
            return [];
        }

        var item = caret.Before.Skip(start).ToArray();
        return item[0].Text switch
        {
            "minimize" when item.Length == 2 => KeywordItems("from"),
            "train" when item.Length == 2 => KeywordItems("on"),
            "schedule" when item.Length == 2 || item[^1].Text == ")" => item[1].Text == "warmup" && !item.Any(t => t.Text == "then") ? KeywordItems("then") : [],
            _ => [],
        };
    }

    private static IEnumerable<CompletionItem> KeywordItems(params string[] keywords) =>
        KeywordItems(keywords.Select(k => Keywords.Find(k)!));

    private static IEnumerable<CompletionItem> KeywordItems(IEnumerable<KeywordInfo> keywords) =>
        keywords.Select((k, i) => new CompletionItem
        {
            Label = k.Name,
            Kind = KeywordKind,
            Detail = k.Form,
            Documentation = new MarkupContent { Value = k.Documentation },
            SortText = $"{i:00}",
        });

    private static IEnumerable<CompletionItem> BuiltInItems(BuiltinCategory category) =>
        Builtins.OfCategory(category).Select((b, i) => new CompletionItem
        {
            Label = b.Name,
            Kind = category switch
            {
                BuiltinCategory.Optimizer => ClassKind,
                BuiltinCategory.Norm or BuiltinCategory.Clip or BuiltinCategory.Metric or BuiltinCategory.Loss => EnumMemberKind,
                _ => FunctionKind,
            },
            Detail = b.Signature,
            Documentation = new MarkupContent { Value = BuiltinText.Documentation(b) },
            InsertText = Snippet(b),
            InsertTextFormat = SnippetFormat,
            SortText = $"{i:00}",
        });

    /// <summary><c>adam(lr = ${1:0.001}, …)</c>: every parameter with its default, tab stops on the values.</summary>
    private static string Snippet(Builtin builtIn)
    {
        if (builtIn.Parameters.IsEmpty)
        {
            return builtIn.Name;
        }

        var stop = 1;
        var arguments = builtIn.Parameters.Select(p => $"{p.Name} = ${{{stop++}:{EscapeSnippet(Placeholder(p))}}}");
        return $"{builtIn.Name}({string.Join(", ", arguments)})";
    }

    /// <summary>The default; for a required parameter, the parameter's name (a string: empty quotes).</summary>
    private static string Placeholder(BuiltinParameter parameter) =>
        parameter.WrittenDefault ?? (parameter.Kind == ArgumentKind.String ? "\"\"" : parameter.Name);

    private static string EscapeSnippet(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("$", "\\$", StringComparison.Ordinal).Replace("}", "\\}", StringComparison.Ordinal);

    private static IEnumerable<CompletionItem> ArgumentNames(Builtin callee, HashSet<string> given) =>
        callee.Parameters.Where(p => !given.Contains(p.Name)).Select((p, i) => new CompletionItem
        {
            Label = p.Name,
            Kind = VariableKind,
            Detail = p.WrittenDefault is { } written ? $"default {written}" : "required",
            Documentation = p.Description is null ? null : new MarkupContent { Value = p.Description },
            InsertText = $"{p.Name} = ${{1:{EscapeSnippet(Placeholder(p))}}}",
            InsertTextFormat = SnippetFormat,
            SortText = $"{i:00}",
        });

    private static IEnumerable<CompletionItem> Names(Compilation compilation, SymbolKind kind) =>
        compilation.Semantics.Symbols.Where(s => s.Kind == kind && s.Container is null)
            .Select(s => new CompletionItem { Label = s.Name, Kind = kind == SymbolKind.Cost ? FunctionKind : VariableKind, Detail = s.KindName });

    private static IEnumerable<CompletionItem> ExpressionItems(Compilation compilation, TokenContext caret)
    {
        var constants = compilation.Semantics.Symbols.Where(s => s.Kind == SymbolKind.Constant)
            .Select(s => new CompletionItem { Label = s.Name, Kind = VariableKind, Detail = "constant" });
        // A cost's own parameters: the identifiers between its parentheses.
        var parameters = caret.Declaration == "cost"
            ? caret.Before.SkipWhile(t => t.Text != "(").TakeWhile(t => t.Text != ")").Where(t => t.Kind == Language.Syntax.TokenKind.Identifier)
                .Select(t => new CompletionItem { Label = t.Text, Kind = VariableKind, Detail = "parameter" })
            : [];
        var functions = Builtins.Functions.Select(f => new CompletionItem
        {
            Label = f.Name,
            Kind = FunctionKind,
            Detail = f.Signature,
            InsertText = $"{f.Name}($1)",
            InsertTextFormat = SnippetFormat,
        });
        return parameters.Concat(constants).Concat(functions);
    }

    /// <summary>The editor's templates of the declarations; what each is comes from the catalogue.</summary>
    private static readonly Dictionary<string, string> DeclarationTemplates = new(StringComparer.Ordinal)
    {
        ["let"] = "let ${1:name} = ${2:0}",
        ["cost"] = "cost ${1:name}(${2:w1, w2}) = ${3:w1^2 + w2^2}",
        ["network"] = "network ${1:name} {\n  input ${2:1}\n  dense ${3:1} ${4:sigmoid}\n  loss ${5:mse}\n}",
        ["data"] = "data ${1:name} { x: [${2:1.0}]  y: [${3:0.5}] }",
        ["run"] = "run ${1:name} {\n  minimize ${2:cost} from ${3:w1 = 1}\n  optimizer ${4:sgd(lr = 0.1)}\n  steps ${5:100}\n}",
    };

    /// <summary>The declaration keywords, first in the list (sorted before anything the client adds) and as templates.</summary>
    private static IEnumerable<CompletionItem> DeclarationSnippets() =>
        Keywords.At(KeywordPlace.TopLevel).Select((k, i) => new CompletionItem
        {
            Label = k.Name,
            Kind = KeywordKind,
            InsertText = DeclarationTemplates.GetValueOrDefault(k.Name, k.Name),
            InsertTextFormat = SnippetFormat,
            Detail = k.Form,
            Documentation = new MarkupContent { Value = k.Documentation },
            SortText = $"0{i:00}",
            Preselect = i == 0,
        });
}
