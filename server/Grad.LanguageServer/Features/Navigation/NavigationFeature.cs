using System.Text.RegularExpressions;
using Grad.Language.Semantics;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Navigation;

/// <summary>Definition, references, prepareRename and rename: one resolver (the semantic model) for all four.</summary>
public sealed partial class NavigationFeature
{
    private static readonly HashSet<string> Keywords =
    [
        "let", "cost", "network", "data", "run", "input", "dense", "repeat", "init", "loss", "seed", "weights", "bias", "as",
        "minimize", "from", "train", "on", "optimizer", "steps", "epochs", "batch", "until", "record", "every", "true", "false",
    ];

    private readonly ServerContext context;

    public NavigationFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/definition", UseSingleObjectParameterDeserialization = true)]
    public async Task<Location?> DefinitionAsync(TextDocumentPositionParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return null;
        }

        await Task.Yield();
        var compilation = snapshot.Compilation;
        var symbol = compilation.Semantics.FindSymbolAt(compilation.Source.ToOffset(request.Position));
        return symbol is null ? null : new Location { Uri = snapshot.Uri, Range = compilation.Source.ToRange(symbol.NameSpan) };
    }

    [JsonRpcMethod("textDocument/references", UseSingleObjectParameterDeserialization = true)]
    public async Task<Location[]> ReferencesAsync(ReferenceParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return [];
        }

        await Task.Yield();
        var compilation = snapshot.Compilation;
        var symbol = compilation.Semantics.FindSymbolAt(compilation.Source.ToOffset(request.Position));
        return symbol is null
            ? []
            : compilation.Semantics.FindReferences(symbol, request.Context.IncludeDeclaration)
                .Select(span => new Location { Uri = snapshot.Uri, Range = compilation.Source.ToRange(span) }).ToArray();
    }

    [JsonRpcMethod("textDocument/prepareRename", UseSingleObjectParameterDeserialization = true)]
    public async Task<PrepareRenameResult?> PrepareRenameAsync(TextDocumentPositionParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return null;
        }

        await Task.Yield();
        var compilation = snapshot.Compilation;
        var reference = compilation.Semantics.FindReferenceAt(compilation.Source.ToOffset(request.Position));
        return reference is null
            ? null
            : new PrepareRenameResult { Range = compilation.Source.ToRange(reference.Span), Placeholder = reference.Symbol.Name };
    }

    [JsonRpcMethod("textDocument/rename", UseSingleObjectParameterDeserialization = true)]
    public async Task<WorkspaceEdit?> RenameAsync(RenameParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return null;
        }

        await Task.Yield();
        var compilation = snapshot.Compilation;
        var symbol = compilation.Semantics.FindSymbolAt(compilation.Source.ToOffset(request.Position));
        if (symbol is null)
        {
            throw new LocalRpcException("There is no name to rename here.") { ErrorCode = ErrorCodes.RequestFailed };
        }

        var newName = request.NewName.Trim();
        if (!IdentifierPattern().IsMatch(newName) || Keywords.Contains(newName))
        {
            throw new LocalRpcException($"'{newName}' is not a valid name: use letters, digits and _, not starting with a digit, and not a keyword.") { ErrorCode = ErrorCodes.RequestFailed };
        }

        var clash = compilation.Semantics.Symbols.FirstOrDefault(s => s.Name == newName && s != symbol && (s.Container == symbol.Container || s.Container is null || symbol.Container is null));
        if (clash is not null)
        {
            throw new LocalRpcException($"'{newName}' is already the name of a {clash.KindName}.") { ErrorCode = ErrorCodes.RequestFailed };
        }

        var edits = compilation.Semantics.FindReferences(symbol, includeDeclaration: true)
            .Select(span => new TextEdit { Range = compilation.Source.ToRange(span), NewText = newName })
            .ToArray();
        return new WorkspaceEdit { Changes = new Dictionary<string, TextEdit[]> { [snapshot.Uri] = edits } };
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex IdentifierPattern();
}
