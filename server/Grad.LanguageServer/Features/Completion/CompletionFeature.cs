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
        var previousText = sameLine ? previous?.Text : null;
        var call = caret.EnclosingCall();
        if (call is { } inside)
        {
            return ArgumentNames(inside.Name.Text);
        }

        // After `dense N`: an activation.
        if (sameLine && caret.Previous(2)?.Text == "dense" && previous?.Kind == Language.Syntax.TokenKind.Number)
        {
            return BuiltInItems(BuiltInKind.Activation);
        }

        switch (previousText)
        {
            case "init":
                return BuiltInItems(BuiltInKind.Init);
            case "loss" when caret.Block == "network":
                return BuiltInItems(BuiltInKind.Loss);
            case "optimizer":
                return BuiltInItems(BuiltInKind.Optimizer);
            case "=" when caret.Declaration == "data" && caret.Block is null:
                return BuiltInItems(BuiltInKind.Generator);
            case "minimize":
                return Names(compilation, SymbolKind.Cost);
            case "train":
                return Names(compilation, SymbolKind.Network);
            case "on":
                return Names(compilation, SymbolKind.Data);
            case "until":
                return new[] { "change", "grad", "cost", "loss" }.Select(m => new CompletionItem { Label = m, Kind = EnumMemberKind, Detail = "stop metric" });
        }

        if (caret.Declaration is "let" or "cost" && caret.Block is null && caret.Before.Any(t => t.Text == "="))
        {
            return ExpressionItems(compilation, caret);
        }

        return caret.Block switch
        {
            "network" => Keywords("input", "dense", "repeat", "init", "loss", "seed")
                .Concat(AfterLayer(caret) ? Keywords("weights", "bias", "as") : []),
            "repeat" => Keywords("dense").Concat(AfterLayer(caret) ? Keywords("weights", "bias", "as") : []),
            "run" => Keywords("minimize", "train", "optimizer", "steps", "epochs", "batch", "until", "record", "seed")
                .Concat(previous?.Text == "record" ? Keywords("every") : [])
                .Concat(caret.Before.Count > 0 && caret.Before.Reverse().TakeWhile(t => t.Text != "{").Any(t => t.Text == "minimize") ? Keywords("from") : [])
                .Concat(caret.Before.Count > 0 && caret.Before.Reverse().TakeWhile(t => t.Text != "{").Any(t => t.Text == "train") ? Keywords("on") : []),
            "data" => new[] { "x", "y" }.Select(f => new CompletionItem { Label = f, Kind = ValueKind, InsertText = $"{f}: [$1]", InsertTextFormat = SnippetFormat }),
            null => DeclarationSnippets(),
            _ => [],
        };
    }

    private static bool AfterLayer(TokenContext caret) =>
        caret.Before.Reverse().TakeWhile(t => t.Text is not ("{" or "}")).Any(t => t.Text == "dense");

    private static IEnumerable<CompletionItem> Keywords(params string[] keywords) =>
        keywords.Select(k => new CompletionItem { Label = k, Kind = KeywordKind });

    private static IEnumerable<CompletionItem> BuiltInItems(BuiltInKind kind) =>
        BuiltIns.OfKind(kind).Select(b => new CompletionItem
        {
            Label = b.Name,
            Kind = kind == BuiltInKind.Optimizer ? ClassKind : FunctionKind,
            Detail = b.Signature,
            Documentation = new MarkupContent { Value = b.Documentation + (b.UpdateRule is null ? "" : $"\n\nupdate rule: {b.UpdateRule}") },
            InsertText = Snippet(b),
            InsertTextFormat = SnippetFormat,
        });

    /// <summary><c>adam(lr = ${1:0.001}, …)</c>: every parameter with its default, tab stops on the values.</summary>
    private static string Snippet(BuiltIn builtIn)
    {
        if (builtIn.Parameters.Count == 0)
        {
            return builtIn.Name;
        }

        // Optimizers: show every hyperparameter; others: only the ones that matter most (all of them here, they are few).
        var stop = 1;
        var arguments = builtIn.Parameters.Select(p => $"{p.Name} = ${{{stop++}:{EscapeSnippet(p.Default ?? (p.Name == "lr" ? "0.01" : "\"\""))}}}");
        return $"{builtIn.Name}({string.Join(", ", arguments)})";
    }

    private static string EscapeSnippet(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("$", "\\$", StringComparison.Ordinal).Replace("}", "\\}", StringComparison.Ordinal);

    private static IEnumerable<CompletionItem> ArgumentNames(string callee) =>
        BuiltIns.All.Where(b => b.Name == callee && b.Parameters.Count > 0).Take(1)
            .SelectMany(b => b.Parameters)
            .Select(p => new CompletionItem
            {
                Label = p.Name,
                Kind = VariableKind,
                Detail = p.Default is null ? "required" : $"default {p.Default}",
                InsertText = $"{p.Name} = ${{1:{EscapeSnippet(p.Default ?? "")}}}",
                InsertTextFormat = SnippetFormat,
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
        var functions = BuiltIns.MathFunctions.Select(f => new CompletionItem
        {
            Label = f,
            Kind = FunctionKind,
            InsertText = $"{f}($1)",
            InsertTextFormat = SnippetFormat,
        });
        return parameters.Concat(constants).Concat(functions);
    }

    private static IEnumerable<CompletionItem> DeclarationSnippets() =>
    [
        new() { Label = "let", Kind = KeywordKind, InsertText = "let ${1:name} = ${2:0}", InsertTextFormat = SnippetFormat, Detail = "a named constant" },
        new() { Label = "cost", Kind = KeywordKind, InsertText = "cost ${1:name}(${2:w1, w2}) = ${3:w1^2 + w2^2}", InsertTextFormat = SnippetFormat, Detail = "a differentiable cost" },
        new() { Label = "network", Kind = KeywordKind, InsertText = "network ${1:name} {\n  input ${2:1}\n  dense ${3:1} ${4:sigmoid}\n  loss ${5:mse}\n}", InsertTextFormat = SnippetFormat, Detail = "a feed-forward chain" },
        new() { Label = "data", Kind = KeywordKind, InsertText = "data ${1:name} { x: [${2:1.0}]  y: [${3:0.5}] }", InsertTextFormat = SnippetFormat, Detail = "a data set" },
        new() { Label = "run", Kind = KeywordKind, InsertText = "run ${1:name} {\n  minimize ${2:cost} from ${3:w1 = 1}\n  optimizer ${4:sgd(lr = 0.1)}\n  steps ${5:100}\n}", InsertTextFormat = SnippetFormat, Detail = "an optimizer run" },
    ];
}
