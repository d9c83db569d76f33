using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Formatting;

public sealed class FormattingFeature
{
    private readonly ServerContext context;

    public FormattingFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/formatting", UseSingleObjectParameterDeserialization = true)]
    public async Task<TextEdit[]> FormatAsync(DocumentFormattingParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return [];
        }

        await Task.Yield();
        var compilation = snapshot.Compilation;
        var formatted = GradFormatter.Format(compilation);
        if (formatted is null || formatted == compilation.Source.Text)
        {
            return [];
        }

        return [new TextEdit { Range = compilation.Source.ToRange(new Language.Text.TextSpan(0, compilation.Source.Length)), NewText = formatted }];
    }
}
