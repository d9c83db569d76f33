using Grad.Language.Semantics;

namespace Grad.LanguageServer.Features.Common;

/// <summary>How completion, signature help and hover show a built-in of the catalogue (<see cref="Builtins"/>).</summary>
public static class BuiltinText
{
    /// <summary>What it is, then its formula (an optimizer's update rule).</summary>
    public static string Documentation(Builtin builtin)
    {
        var formula = builtin.Category == BuiltinCategory.Optimizer ? $"update rule: {builtin.Summary}" : builtin.Summary;
        return builtin.Documentation.Length == 0 ? formula : $"{builtin.Documentation}\n\n{formula}";
    }

    /// <summary>A parameter's line in signature help: its description and the values it may take.</summary>
    public static string? Parameter(BuiltinParameter parameter) =>
        (parameter.Description, parameter.Range) switch
        {
            (null, null) => null,
            ({ } description, null) => description,
            (null, { } range) => $"{range}",
            ({ } description, { } range) => $"{description} ({range})",
        };

    /// <summary>The hover on a built-in's name: its signature, its kind and what it does.</summary>
    public static string Hover(Builtin builtin) =>
        $"**{builtin.Signature}** ({Builtins.CategoryWord(builtin.Category)})\n\n{Documentation(builtin)}";
}
