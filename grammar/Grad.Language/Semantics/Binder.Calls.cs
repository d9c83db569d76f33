using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Syntax;

namespace Grad.Language.Semantics;

/// <summary>The arguments of a built-in call, matched to its parameters and checked.</summary>
internal sealed record BoundArguments(Builtin Builtin, ImmutableDictionary<string, object> Values, ImmutableArray<KeyValuePair<string, object>> Explicit)
{
    public double Number(string name) => Values.TryGetValue(name, out var v) ? Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) : 0;

    public int Integer(string name) => (int)Number(name);

    public bool Boolean(string name) => Values.TryGetValue(name, out var v) && v is true;

    public string Text(string name) => Values.TryGetValue(name, out var v) ? v as string ?? "" : "";
}

public sealed partial class Binder
{
    /// <summary>
    /// Resolves a call against a catalogue of built-ins and binds its arguments: positional ones in
    /// parameter order, then named ones; checks unknown and repeated names, types, ranges and
    /// required parameters. Returns null (after reporting) when anything is wrong.
    /// </summary>
    private BoundArguments? BindCall(CallSyntax call, ImmutableArray<Builtin> catalogue, BuiltinCategory category)
    {
        if (ResolveBuiltin(call.Name, catalogue, category) is not { } builtin)
        {
            return null;
        }

        var errorsBefore = ErrorCount;
        var values = ImmutableDictionary.CreateBuilder<string, object>();
        var explicitValues = ImmutableArray.CreateBuilder<KeyValuePair<string, object>>();
        var given = new Dictionary<string, ArgumentSyntax>(StringComparer.Ordinal);
        var position = 0;
        var sawNamed = false;

        foreach (var argument in call.Arguments)
        {
            BuiltinParameter? parameter;
            if (argument.Name is { } name)
            {
                sawNamed = true;
                parameter = builtin.FindParameter(name.Text);
                if (parameter is null)
                {
                    var allowed = builtin.Parameters.Select(p => p.Name).ToArray();
                    Report(DiagnosticCatalog.UnknownArgument, name.Span, allowed.Length == 0
                        ? $"{builtin.Name} takes no arguments"
                        : $"{builtin.Name} has no parameter '{name.Text}'{NameSuggestions.DidYouMean(name.Text, allowed)} (it takes {string.Join(", ", allowed)})");
                    continue;
                }
            }
            else
            {
                if (sawNamed)
                {
                    Report(DiagnosticCatalog.WrongArity, argument.Span, $"a positional argument cannot follow named ones in {builtin.Name}(…)");
                    continue;
                }

                if (position >= builtin.Parameters.Length)
                {
                    Report(DiagnosticCatalog.WrongArity, argument.Span, builtin.Parameters.Length == 0
                        ? $"{builtin.Name} takes no arguments"
                        : $"{builtin.Name} takes at most {builtin.Parameters.Length} argument{(builtin.Parameters.Length == 1 ? "" : "s")} ({string.Join(", ", builtin.Parameters.Select(p => p.Name))})");
                    continue;
                }

                parameter = builtin.Parameters[position++];
            }

            if (given.TryGetValue(parameter.Name, out var first))
            {
                Report(DiagnosticCatalog.DuplicateArgument, argument.Span, $"'{parameter.Name}' is given twice", Related(first.Span, "first given here"));
                continue;
            }

            given[parameter.Name] = argument;
            if (BindArgumentValue(argument, parameter, builtin) is { } value)
            {
                values[parameter.Name] = value;
                explicitValues.Add(new(parameter.Name, value));
            }
        }

        foreach (var parameter in builtin.Parameters)
        {
            if (given.ContainsKey(parameter.Name))
            {
                continue;
            }

            if (parameter.Default is null)
            {
                ReportMissing(call, DiagnosticCatalog.MissingArgument, call.Span, $"{builtin.Name} needs '{parameter.Name}': {builtin.Signature}");
            }
            else
            {
                values[parameter.Name] = parameter.Default;
            }
        }

        return ErrorCount > errorsBefore ? null : new BoundArguments(builtin, values.ToImmutable(), explicitValues.ToImmutable());
    }

    private object? BindArgumentValue(ArgumentSyntax argument, BuiltinParameter parameter, Builtin builtin)
    {
        var what = $"{builtin.Name}'s {parameter.Name}";
        switch (parameter.Kind, argument.Value)
        {
            case (_, null):
                return null;
            case (ArgumentKind.String, StringValueSyntax s):
                return s.Value;
            case (ArgumentKind.Boolean, BoolValueSyntax b):
                return b.Value;
            case (ArgumentKind.Number or ArgumentKind.Integer, ExpressionValueSyntax e):
                var value = parameter.Kind == ArgumentKind.Integer
                    ? WholeNumber(e.Expression, what, int.MinValue)
                    : ConstantValue(e.Expression);
                if (value is not { } v)
                {
                    return null;
                }

                if (parameter.IsValid is { } valid && !valid(v))
                {
                    Report(DiagnosticCatalog.OutOfRange, e.Span, $"{what} must be {parameter.Range}, not {FormatNumber(v)}");
                    return null;
                }

                return parameter.Kind == ArgumentKind.Integer ? (object)(int)v : v;
            default:
                var expected = parameter.Kind switch
                {
                    ArgumentKind.String => "a string in double quotes",
                    ArgumentKind.Boolean => "true or false",
                    ArgumentKind.Integer => "a whole number",
                    _ => "a number",
                };
                Report(DiagnosticCatalog.WrongArgumentType, argument.Value.Span, $"{what} must be {expected}");
                return null;
        }
    }
}
