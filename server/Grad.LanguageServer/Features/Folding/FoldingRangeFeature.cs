using Grad.Language;
using Grad.Language.Syntax;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Folding;

/// <summary>Folds braces that span lines (from the tokens, so they work in a broken file), block comments and runs of line comments.</summary>
public sealed class FoldingRangeFeature
{
    private readonly ServerContext context;

    public FoldingRangeFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/foldingRange", UseSingleObjectParameterDeserialization = true)]
    public async Task<FoldingRange[]> FoldingRangesAsync(TextDocumentParams request)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return [];
        }

        await Task.Yield();
        return Compute(snapshot.Compilation).ToArray();
    }

    public static IEnumerable<FoldingRange> Compute(Compilation compilation)
    {
        var source = compilation.Source;
        var open = new Stack<int>();
        var ranges = new List<FoldingRange>();
        var commentStart = -1;
        var commentEnd = -1;

        void FlushComments()
        {
            if (commentStart >= 0 && commentEnd > commentStart)
            {
                ranges.Add(new FoldingRange { StartLine = commentStart, EndLine = commentEnd, Kind = "comment" });
            }

            commentStart = commentEnd = -1;
        }

        foreach (var token in compilation.Tokens)
        {
            var line = source.GetLine(token.Span.Start);
            if (token.Kind == TokenKind.Comment && token.Text.StartsWith("//", StringComparison.Ordinal)
                && source.GetLineText(line).TrimStart().StartsWith("//", StringComparison.Ordinal))
            {
                if (commentEnd == line - 1)
                {
                    commentEnd = line;
                }
                else
                {
                    FlushComments();
                    commentStart = commentEnd = line;
                }

                continue;
            }

            FlushComments();
            if (token.Kind == TokenKind.Comment)
            {
                var last = source.GetLine(token.Span.End);
                if (last > line)
                {
                    ranges.Add(new FoldingRange { StartLine = line, EndLine = last, Kind = "comment" });
                }
            }
            else if (token.Text == "{")
            {
                open.Push(line);
            }
            else if (token.Text == "}" && open.Count > 0)
            {
                var start = open.Pop();
                // Keep the closing brace visible.
                if (line - 1 > start)
                {
                    ranges.Add(new FoldingRange { StartLine = start, EndLine = line - 1 });
                }
            }
        }

        FlushComments();
        return ranges.OrderBy(r => r.StartLine);
    }
}
