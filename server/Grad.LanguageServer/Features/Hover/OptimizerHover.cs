using System.Text;
using Grad.Language;
using Grad.Language.Syntax;
using Grad.Language.Semantics;
using Grad.LanguageServer.Features.Common;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>An optimizer: PyTorch's update rule and every hyperparameter's effective value.</summary>
public static class OptimizerHover
{
    public static string? Markdown(Compilation compilation, int offset)
    {
        var item = compilation.DeclarationsTouching(offset).OfType<RunDeclarationSyntax>()
            .SelectMany(r => r.Items).OfType<OptimizerItemSyntax>()
            .FirstOrDefault(o => o.Span.Touches(offset));
        if (item?.Optimizer is not { } call)
        {
            return null;
        }

        var builtIn = Builtins.Find(Builtins.Optimizers, call.Name.Text);
        if (builtIn is null)
        {
            return null;
        }

        var given = call.Arguments.Where(a => a.Name is not null).Select(a => a.Name!.Text).ToHashSet(StringComparer.Ordinal);
        // The bound run has every hyperparameter at its effective value (PyTorch's defaults filled in).
        var effective = compilation.Program.Runs.FirstOrDefault(r => r.Syntax.Span.Contains(item.Span.Start))?.Optimizer;
        var text = new StringBuilder();
        // The numbers first, the explanation after: the table is what a second look is for.
        text.Append($"**{builtIn.Name}** (optimizer)\n\n");
        var table = new HoverTable("parameter", "value", "");
        foreach (var parameter in builtIn.Parameters)
        {
            var value = effective?.Effective.FirstOrDefault(e => e.Key == parameter.Name).Value ?? parameter.Default;
            var shown = value is null ? "required" : Builtin.FormatDefault(value);
            table.Row(parameter.Name, shown, given.Contains(parameter.Name) ? "given" : "default");
        }

        text.Append(table).Append('\n');
        text.Append(BuiltinText.Documentation(builtIn)).Append('\n');
        return text.ToString().TrimEnd();
    }
}
