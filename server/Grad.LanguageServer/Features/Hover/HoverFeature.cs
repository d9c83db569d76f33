using Grad.Language;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.Language.Text;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>
/// Hover: layers (δ, ∂C/∂W, ratio, chain rule), costs (symbolic gradient; gradient, Hessian
/// eigenvalues and condition number at a run's start), optimizers (update rule, effective
/// values), run and network settings (what they do, effective value), runs (last result) and
/// names (their declaration).
/// </summary>
public sealed class HoverFeature
{
    private readonly ServerContext context;

    public HoverFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("textDocument/hover", UseSingleObjectParameterDeserialization = true)]
    public async Task<Protocol.Hover?> HoverAsync(TextDocumentPositionParams request, CancellationToken cancellationToken)
    {
        var snapshot = context.Documents.TryGet(request.TextDocument.Uri);
        if (snapshot is null)
        {
            return null;
        }

        // On a thread of its own and within the time budget: a hover whose numbers are slow to come
        // (a large data set) says so instead of holding a thread-pool thread.
        var hover = AnalysisLimits.OnOwnThread(() => Compute(snapshot, request.Position, cancellationToken));
        var budget = context.Settings.Budget;
        if (await Task.WhenAny(hover, Task.Delay(budget, cancellationToken)).ConfigureAwait(false) != hover)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _ = hover.ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
            return new Protocol.Hover
            {
                Contents = new MarkupContent { Kind = "markdown", Value = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The numbers for this hover took longer than the time budget ({budget.TotalSeconds:0.##} s, `grad.analysis.budgetSeconds`).") },
            };
        }

        return await hover.ConfigureAwait(false);
    }

    private Protocol.Hover? Compute(DocumentSnapshot snapshot, Position position, CancellationToken cancellationToken)
    {
        var compilation = snapshot.Compilation;
        var offset = compilation.Source.ToOffset(position);
        var reference = compilation.Semantics.FindReferenceAt(offset);
        var markdown = SweepHover.Markdown(context.Analyzer, snapshot, offset) ?? reference?.Symbol.Kind switch
        {
            SymbolKind.Cost => CostHover.Markdown(context.Analyzer, compilation, reference.Symbol.Name, cancellationToken),
            SymbolKind.Run => RunHover.Markdown(context.Analyzer, snapshot, reference.Symbol.Name),
            SymbolKind.Layer when compilation.Program.Networks.SelectMany(n => n.Layers).FirstOrDefault(l => l.Syntax.Span.Contains(reference.Symbol.NameSpan.Start)) is { } labelled
                => LayerHover.Markdown(context.Analyzer, snapshot, compilation.LayersAt(labelled.Syntax.Span.Start, out _), cancellationToken),
            not null => DeclarationHover.Markdown(compilation, reference.Symbol),
            null => null,
        };

        markdown ??= OptimizerHover.Markdown(compilation, offset);
        markdown ??= ScheduleHover.Markdown(compilation, offset);
        markdown ??= ResidualHover.Markdown(context.Analyzer, snapshot, offset, cancellationToken);
        markdown ??= SettingHover.Markdown(compilation, offset);
        TextSpan? span = reference?.Span;
        if (markdown is null)
        {
            var layers = compilation.LayersAt(offset, out _);
            if (layers.Count > 0)
            {
                var repeat = SettingHover.Repeat(compilation, offset);
                markdown = LayerHover.Markdown(context.Analyzer, snapshot, layers, cancellationToken, repeat) ?? repeat;
                span = layers.Count == 1 ? layers[0].Syntax.Span : layers[0].Repeat?.Span;
            }
        }

        markdown ??= compilation.DeclarationAt(offset) switch
        {
            CostDeclarationSyntax { Name: { } name } cost when cost.KeywordSpan.Touches(offset) =>
                CostHover.Markdown(context.Analyzer, compilation, name.Text, cancellationToken),
            RunDeclarationSyntax { Name: { } name } run when run.KeywordSpan.Touches(offset) =>
                RunHover.Markdown(context.Analyzer, snapshot, name.Text),
            _ => null,
        };

        markdown ??= KeywordHover.Markdown(compilation, offset);
        if (markdown is null)
        {
            return null;
        }

        return new Protocol.Hover
        {
            Contents = new MarkupContent { Kind = "markdown", Value = AnalysisLimits.Cap(markdown, AnalysisLimits.HoverCharacters, "hover") },
            Range = span is { } covered ? compilation.Source.ToRange(covered) : null,
        };
    }
}
