using System.Text;
using Grad.Language;
using Grad.Language.Syntax;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Features.Common;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>An optimizer: PyTorch's update rule and every hyperparameter's effective value.</summary>
public static class OptimizerHover
{
    public static string? Markdown(Compilation compilation, int offset)
    {
        var item = compilation.Syntax.Declarations.OfType<RunDeclarationSyntax>()
            .SelectMany(r => r.Items).OfType<OptimizerItemSyntax>()
            .FirstOrDefault(o => o.Span.Touches(offset));
        if (item?.Optimizer is not { } call)
        {
            return null;
        }

        var builtIn = BuiltIns.Find(call.Name.Text, BuiltInKind.Optimizer);
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
            var value = EffectiveValue(effective, parameter.Name) ?? parameter.Default ?? "required";
            table.Row(parameter.Name, value, given.Contains(parameter.Name) ? "given" : "default");
        }

        text.Append(table).Append('\n');
        text.Append($"{builtIn.Documentation}\n\n");
        text.Append($"update rule: {builtIn.UpdateRule}\n");
        return text.ToString().TrimEnd();
    }

    private static string? EffectiveValue(Language.Semantics.OptimizerSpec? spec, string parameter)
    {
        if (spec is null)
        {
            return null;
        }

        static string F(double value) => Numbers.Exact(value);
        static string B(bool value) => value ? "true" : "false";
        return parameter switch
        {
            "lr" => F(spec.Lr),
            "momentum" => F(spec.Momentum),
            "dampening" => F(spec.Dampening),
            "nesterov" => B(spec.Nesterov),
            "weight_decay" => F(spec.WeightDecay),
            "eps" => F(spec.Eps),
            "initial_accumulator" => F(spec.InitialAccumulator),
            "alpha" => F(spec.Alpha),
            "centered" => B(spec.Centered),
            "rho" => F(spec.Rho),
            "beta1" => F(spec.Beta1),
            "beta2" => F(spec.Beta2),
            "amsgrad" => B(spec.Amsgrad),
            _ => null,
        };
    }
}
