using Grad.Language;
using Grad.Language.Semantics;
using Grad.Language.Syntax;

namespace Grad.LanguageServer.Features.Common;

/// <summary>What is under the caret, in the terms the handlers need.</summary>
public static class SyntaxLocator
{
    public static DeclarationSyntax? DeclarationAt(this Compilation compilation, int offset) =>
        compilation.DeclarationsTouching(offset).FirstOrDefault();

    /// <summary>
    /// The top-level declarations whose span touches the offset, in source order (two when one ends
    /// where the next starts). Declarations are in source order and do not overlap, so a binary
    /// search finds them: a hover in a file of thousands of declarations does not walk them all.
    /// </summary>
    public static IEnumerable<DeclarationSyntax> DeclarationsTouching(this Compilation compilation, int offset)
    {
        var declarations = compilation.Syntax.Declarations;
        var (low, high, last) = (0, declarations.Length - 1, -1);
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            if (declarations[middle].Span.Start <= offset)
            {
                last = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        var first = last;
        while (first > 0 && declarations[first - 1].Span.End >= offset)
        {
            first--;
        }

        for (var i = Math.Max(first, 0); i <= last; i++)
        {
            if (declarations[i].Span.Touches(offset))
            {
                yield return declarations[i];
            }
        }
    }

    /// <summary>The layers a caret is on: one for a dense line, all copies for a line of (or inside) a repeat.</summary>
    public static IReadOnlyList<BoundLayer> LayersAt(this Compilation compilation, int offset, out BoundNetwork? network)
    {
        network = compilation.Program.Networks.FirstOrDefault(n => n.Syntax.Span.Contains(offset));
        if (network is null)
        {
            return [];
        }

        var line = compilation.Source.GetLine(offset);
        var source = compilation.Source;
        // A repeat's own line (its keyword and count): every layer the repeat makes.
        var repeatLayers = network.Layers
            .Where(l => l.Repeat is not null && source.GetLine(l.Repeat.KeywordSpan.Start) == line && !l.Syntax.Span.Touches(offset))
            .ToArray();
        if (repeatLayers.Length > 0)
        {
            return repeatLayers;
        }

        return network.Layers.Where(l => l.Syntax.Span.Touches(offset) || (source.GetLine(l.Syntax.Span.Start) == line && source.GetLine(l.Syntax.Span.End) == line)).ToArray();
    }

    public static BoundRun? RunAt(this Compilation compilation, int offset) =>
        compilation.Program.Runs.FirstOrDefault(r => r.Syntax.Span.Touches(offset));

    public static string ActivationDerivative(ActivationKind kind) => kind switch
    {
        ActivationKind.Sigmoid => "σ'",
        ActivationKind.Tanh => "tanh'",
        ActivationKind.Relu => "relu'",
        ActivationKind.LeakyRelu => "leaky_relu'",
        ActivationKind.Linear => "1",
        _ => "g'",
    };
}
