using System.Text.RegularExpressions;
using Grad.Language;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Navigation;

/// <summary>Definition, references, prepareRename and rename: one resolver (the semantic model) for all four.</summary>
public sealed partial class NavigationFeature
{
    private readonly ServerContext context;

    public NavigationFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/definition", UseSingleObjectParameterDeserialization = true)]
    public async Task<Location?> DefinitionAsync(TextDocumentPositionParams request) =>
        await ReferenceAtAsync(request) is var (snapshot, compilation, reference)
            ? new Location { Uri = snapshot.Uri, Range = compilation.Source.ToRange(reference.Symbol.NameSpan) }
            : null;

    [JsonRpcMethod("textDocument/references", UseSingleObjectParameterDeserialization = true)]
    public async Task<Location[]> ReferencesAsync(ReferenceParams request) =>
        await ReferenceAtAsync(request) is var (snapshot, compilation, reference)
            ? compilation.Semantics.FindReferences(reference.Symbol, request.Context.IncludeDeclaration)
                .Select(span => new Location { Uri = snapshot.Uri, Range = compilation.Source.ToRange(span) }).ToArray()
            : [];

    [JsonRpcMethod("textDocument/prepareRename", UseSingleObjectParameterDeserialization = true)]
    public async Task<PrepareRenameResult?> PrepareRenameAsync(TextDocumentPositionParams request) =>
        await ReferenceAtAsync(request) is var (_, compilation, reference)
            ? new PrepareRenameResult { Range = compilation.Source.ToRange(reference.Span), Placeholder = reference.Symbol.Name }
            : null;

    [JsonRpcMethod("textDocument/rename", UseSingleObjectParameterDeserialization = true)]
    public async Task<WorkspaceEdit?> RenameAsync(RenameParams request)
    {
        if (context.Documents.TryGet(request.TextDocument.Uri) is null)
        {
            return null;
        }

        if (await ReferenceAtAsync(request) is not var (snapshot, compilation, reference))
        {
            throw new LocalRpcException("There is no name to rename here.") { ErrorCode = ErrorCodes.RequestFailed };
        }

        var symbol = reference.Symbol;

        var newName = request.NewName.Trim();
        if (!IdentifierPattern().IsMatch(newName) || SyntaxFacts.IsKeyword(newName))
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

    /// <summary>The name under the caret, with the snapshot and compilation it was found in (read requests run on a snapshot).</summary>
    private async Task<(Documents.DocumentSnapshot Snapshot, Compilation Compilation, SymbolReference Reference)?> ReferenceAtAsync(TextDocumentPositionParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return null;
        }

        await Task.Yield();
        var compilation = snapshot.Compilation;
        return compilation.Semantics.FindReferenceAt(compilation.Source.ToOffset(request.Position)) is { } reference
            ? (snapshot, compilation, reference)
            : null;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex IdentifierPattern();
}
