using System.Globalization;
using System.Text;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Features.Common;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>
/// A <c>residual { … }</c> block (each copy, inside a <c>repeat</c>): how much of the gradient at
/// its input arrives through the identity path and how much through its layers, as the runtime's
/// analysis measured it (<see cref="IdentityPath"/>).
/// </summary>
public static class ResidualHover
{
    public static string? Markdown(DocumentAnalyzer analyzer, DocumentSnapshot snapshot, int offset, CancellationToken cancellationToken)
    {
        var compilation = snapshot.Compilation;
        var block = compilation.DeclarationsTouching(offset).OfType<NetworkDeclarationSyntax>()
            .SelectMany(n => n.Items.SelectMany(i => i is RepeatItemSyntax repeat ? repeat.Layers : [i]))
            .OfType<ResidualBlockSyntax>()
            .FirstOrDefault(b => b.KeywordSpan.Touches(offset));
        if (block is null)
        {
            return null;
        }

        var network = compilation.Program.Networks.FirstOrDefault(n => n.Syntax.Span.Contains(block.Span.Start));
        var copies = network is null ? new List<(int First, int Last)>() : Copies(network, block);
        var text = new StringBuilder();
        text.Append("**residual block** · aᵒᵘᵗ = a + f(a)");
        if (network is null || copies.Count == 0)
        {
            return text.Append("\n\n").Append(Explanation).ToString();
        }

        var report = analyzer.GetNetwork(compilation, network, cancellationToken).Analysis;
        text.Append($" · {(copies.Count == 1 ? $"layers {copies[0].First}–{copies[0].Last}" : $"{copies.Count} copies")} of {network.Layers.Length} in `{network.Name}`\n\n");
        var table = new HoverTable("layers", "input", "‖∂C/∂aᵒᵘᵗ‖ identity path", "‖back through the layers‖", "via the skip");
        foreach (var (first, last) in copies)
        {
            var identity = report?.Layers.FirstOrDefault(l => l.Index == first - 1)?.Identity;
            if (first == 1)
            {
                table.Row($"{first}–{last}", "a⁰ (the data)", "", "", "");
            }
            else if (identity is not null)
            {
                table.Row($"{first}–{last}", $"a{Numbers.Superscript(first - 1)}", Numbers.Format(identity.SkipNorm), Numbers.Format(identity.LayersNorm), Percent(identity.SkipShare));
            }
        }

        text.Append(table);
        text.Append($"\n_mean per-sample norms of the two parts of ∂C/∂a at the block's input, at the initial weights, measured on {report?.DataDescription ?? "no data"}_\n\n");
        return text.Append(Explanation).ToString();
    }

    private const string Explanation =
        "On the way back the gradient at the block's input is the gradient at its output, unchanged (the identity path), " +
        "plus what comes back through the block's layers. A large share through the skip means δ reaches the earlier layers " +
        "without being multiplied by each layer's w·g'(z): this is what keeps a deep chain from vanishing. " +
        "A block at the start of the network (input a⁰) passes δ on to no layer.";

    /// <summary>The first and last index of the residual block a layer is in (its copy, inside a repeat), or null.</summary>
    public static (int First, int Last)? BlockOf(BoundNetwork network, BoundLayer layer)
    {
        if (layer.Residual is not { } block)
        {
            return null;
        }

        foreach (var copy in Copies(network, block))
        {
            if (copy.First <= layer.Index && layer.Index <= copy.Last)
            {
                return copy;
            }
        }

        return null;
    }

    /// <summary>Each copy of a block as its first and last layer index: consecutive layers of the block, cut where one ends (ResidualFrom).</summary>
    private static List<(int First, int Last)> Copies(BoundNetwork network, ResidualBlockSyntax block)
    {
        var copies = new List<(int First, int Last)>();
        int? first = null;
        foreach (var layer in network.Layers.Where(l => ReferenceEquals(l.Residual, block)))
        {
            first ??= layer.Index;
            if (layer.ResidualFrom is not null)
            {
                copies.Add((first.Value, layer.Index));
                first = null;
            }
        }

        return copies;
    }

    public static string Percent(double share) => double.IsNaN(share) ? "—" : string.Create(CultureInfo.InvariantCulture, $"{share * 100:0.#} %");
}
