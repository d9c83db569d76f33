using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.SignatureHelp;

/// <summary>Parameters and defaults of the optimizer, generator, init or activation call around the caret.</summary>
public sealed class SignatureHelpFeature
{
    private readonly ServerContext context;

    public SignatureHelpFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/signatureHelp", UseSingleObjectParameterDeserialization = true)]
    public async Task<Protocol.SignatureHelp?> SignatureHelpAsync(TextDocumentPositionParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return null;
        }

        await Task.Yield();
        var compilation = snapshot.Compilation;
        var caret = TokenContext.Create(compilation.Tokens, compilation.Source.ToOffset(request.Position));
        if (caret.EnclosingCall() is not { } call)
        {
            return null;
        }

        var builtIn = BuiltIns.All.FirstOrDefault(b => b.Name == call.Name.Text && b.Parameters.Count > 0
            && b.Kind is BuiltInKind.Optimizer or BuiltInKind.Generator or BuiltInKind.Init or BuiltInKind.Activation);
        if (builtIn is null)
        {
            return null;
        }

        var label = builtIn.Signature;
        var parameters = new List<ParameterInformation>();
        var searchFrom = builtIn.Name.Length;
        foreach (var parameter in builtIn.Parameters)
        {
            var text = parameter.Default is null ? parameter.Name : $"{parameter.Name} = {parameter.Default}";
            var start = label.IndexOf(text, searchFrom, StringComparison.Ordinal);
            parameters.Add(new ParameterInformation
            {
                Label = [start, start + text.Length],
                Documentation = parameter.Documentation.Length == 0 ? null : new MarkupContent { Value = parameter.Documentation },
            });
            searchFrom = start + text.Length;
        }

        var active = call.NamedArgument is { } named
            ? builtIn.Parameters.ToList().FindIndex(p => p.Name == named)
            : call.Argument;
        return new Protocol.SignatureHelp
        {
            Signatures =
            [
                new SignatureInformation
                {
                    Label = label,
                    Documentation = new MarkupContent { Value = builtIn.Documentation + (builtIn.UpdateRule is null ? "" : $"\n\nupdate rule: {builtIn.UpdateRule}") },
                    Parameters = parameters.ToArray(),
                },
            ],
            ActiveSignature = 0,
            ActiveParameter = Math.Clamp(active, 0, Math.Max(0, parameters.Count - 1)),
        };
    }
}
