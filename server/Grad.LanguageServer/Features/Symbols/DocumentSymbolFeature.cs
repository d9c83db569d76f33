using Grad.Language;
using Grad.Language.Syntax;
using Grad.Language.Text;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Symbols;

/// <summary>The outline: declarations, with a cost's parameters, a network's layers and a run's items inside.</summary>
public sealed class DocumentSymbolFeature
{
    // LSP SymbolKind.
    private const int ClassKind = 5;
    private const int MethodKind = 6;
    private const int FieldKind = 8;
    private const int FunctionKind = 12;
    private const int VariableKind = 13;
    private const int ConstantKind = 14;
    private const int ArrayKind = 18;
    private const int EventKind = 24;

    private readonly ServerContext context;

    public DocumentSymbolFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/documentSymbol", UseSingleObjectParameterDeserialization = true)]
    public async Task<DocumentSymbol[]> DocumentSymbolsAsync(TextDocumentParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return [];
        }

        await Task.Yield();
        var compilation = snapshot.Compilation;
        return compilation.Syntax.Declarations.Where(d => d.Name is not null).Select(d => Symbol(compilation, d)).ToArray();
    }

    private static DocumentSymbol Symbol(Compilation compilation, DeclarationSyntax declaration)
    {
        var source = compilation.Source;
        DocumentSymbol Make(string name, string? detail, int kind, TextSpan span, TextSpan selection, DocumentSymbol[]? children = null) => new()
        {
            Name = name,
            Detail = detail,
            Kind = kind,
            Range = source.ToRange(span),
            SelectionRange = source.ToRange(selection),
            Children = children is { Length: > 0 } ? children : null,
        };

        var name = declaration.Name!;
        switch (declaration)
        {
            case CostDeclarationSyntax cost:
                return Make(name.Text, $"cost({string.Join(", ", cost.Parameters.Select(p => p.Text))})", FunctionKind, cost.Span, name.Span,
                    cost.Parameters.Select(p => Make(p.Text, "parameter", VariableKind, p.Span, p.Span)).ToArray());
            case NetworkDeclarationSyntax network:
                var bound = compilation.Program.Networks.FirstOrDefault(n => n.Syntax == network);
                DocumentSymbol? Layer(NetworkItemSyntax item) => item switch
                {
                    DenseLayerSyntax or NormLayerSyntax => Make(LayerName(compilation, item, bound), source[item.Span], FieldKind, item.Span, item.KeywordSpan),
                    RepeatItemSyntax repeat => Make(source[repeat.KeywordSpan] + " " + (repeat.Count is null ? "" : source[repeat.Count.Span]), "repeat", ArrayKind, repeat.Span, repeat.KeywordSpan,
                        repeat.Layers.Select(Layer).OfType<DocumentSymbol>().ToArray()),
                    ResidualBlockSyntax block => Make("residual", "a + f(a)", ArrayKind, block.Span, block.KeywordSpan,
                        block.Layers.Select(Layer).OfType<DocumentSymbol>().ToArray()),
                    _ => null,
                };
                var layers = network.Items.Select(Layer).OfType<DocumentSymbol>().ToArray();
                return Make(name.Text, "network", ClassKind, network.Span, name.Span, layers);
            case RunDeclarationSyntax run:
                return Make(name.Text, "run", EventKind, run.Span, name.Span);
            case DataDeclarationSyntax data:
                return Make(name.Text, "data", ArrayKind, data.Span, name.Span);
            case LetDeclarationSyntax let:
                return Make(name.Text, "let", ConstantKind, let.Span, name.Span);
            default:
                return Make(name.Text, declaration.Kind, MethodKind, declaration.Span, name.Span);
        }
    }

    private static string LayerName(Compilation compilation, NetworkItemSyntax layer, Language.Semantics.BoundNetwork? network)
    {
        var indices = network?.Layers.Where(l => l.Syntax == layer).Select(l => l.Index).ToArray() ?? [];
        var dense = layer as DenseLayerSyntax;
        var label = dense?.Label is null ? "" : $" ({dense.Label.Text})";
        var what = dense?.Activation is { } activation ? $" {compilation.Source[activation.Name.Span]}"
            : layer is NormLayerSyntax { Kind: { } kind } ? $" norm {kind.Text}" : "";
        return indices.Length switch
        {
            0 => (dense is null ? "norm" : "dense") + label,
            1 => $"layer {indices[0]}{label}",
            _ => $"layers {indices[0]}–{indices[^1]}{label}",
        } + what;
    }
}
