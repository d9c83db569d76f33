using Grad.Language.Semantics;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.SignatureHelp;

/// <summary>Parameters and defaults of the built-in call around the caret (optimizer, schedule, generator, init, activation, math function), from the catalogue.</summary>
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

        var builtIn = Builtins.Find(caret.CategoryAt(call.NameIndex) ?? BuiltinCategory.Function, call.Name.Text);
        if (builtIn is null || builtIn.Parameters.IsEmpty)
        {
            return null;
        }

        var label = builtIn.Signature;
        var parameters = new List<ParameterInformation>();
        var searchFrom = builtIn.Name.Length;
        foreach (var parameter in builtIn.Parameters)
        {
            var text = parameter.WrittenDefault is { } written ? $"{parameter.Name} = {written}" : parameter.Name;
            var start = label.IndexOf(text, searchFrom, StringComparison.Ordinal);
            parameters.Add(new ParameterInformation
            {
                Label = [start, start + text.Length],
                Documentation = BuiltinText.Parameter(parameter) is { } documentation ? new MarkupContent { Value = documentation } : null,
            });
            searchFrom = start + text.Length;
        }

        var active = call.NamedArgument is { } named
            ? builtIn.Parameters.Select(p => p.Name).ToList().IndexOf(named)
            : call.Argument;
        return new Protocol.SignatureHelp
        {
            Signatures =
            [
                new SignatureInformation
                {
                    Label = label,
                    Documentation = new MarkupContent { Value = BuiltinText.Documentation(builtIn) },
                    Parameters = parameters.ToArray(),
                },
            ],
            ActiveSignature = 0,
            ActiveParameter = Math.Clamp(active, 0, Math.Max(0, parameters.Count - 1)),
        };
    }
}
