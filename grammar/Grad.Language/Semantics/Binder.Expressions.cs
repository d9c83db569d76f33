using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language.Semantics;

public sealed partial class Binder
{
    // ---- let constants ------------------------------------------------------------------------

    /// <summary>
    /// Evaluates every constant after the constants it uses, found by an iterative depth-first
    /// walk in file order, so a chain of thousands of <c>let</c>s never recurses. A cycle is
    /// reported once, where the walk closes it (as evaluating in file order would meet it);
    /// its constants then have no value without another report.
    /// </summary>
    private void EvaluateConstants(GradFileSyntax file)
    {
        var lets = file.Declarations.OfType<LetDeclarationSyntax>().Where(IsPrimary).ToDictionary(l => l.Name!.Text, StringComparer.Ordinal);
        var done = new HashSet<LetDeclarationSyntax>(ReferenceEqualityComparer.Instance);
        var onPath = new Dictionary<LetDeclarationSyntax, int>(ReferenceEqualityComparer.Instance); // index in path
        var order = new List<LetDeclarationSyntax>();
        var path = new List<(LetDeclarationSyntax Let, Identifier[] Names, int Next)>();
        foreach (var root in lets.Values.OrderBy(l => l.Span.Start))
        {
            if (done.Contains(root))
            {
                continue;
            }

            onPath[root] = 0;
            path.Add((root, NamesIn(root.Value), 0));
            while (path.Count > 0)
            {
                var (let, names, next) = path[^1];
                if (next == names.Length)
                {
                    path.RemoveAt(path.Count - 1);
                    onPath.Remove(let);
                    done.Add(let);
                    order.Add(let);
                    continue;
                }

                path[^1] = (let, names, next + 1);
                var name = names[next];
                if (!lets.TryGetValue(name.Text, out var dependency) || done.Contains(dependency))
                {
                    continue;
                }

                if (onPath.TryGetValue(dependency, out var start))
                {
                    var members = path.Skip(start).Select(p => p.Let.Name!.Text).ToList();
                    if (members.Any(m => !cyclic.Contains(m)))
                    {
                        Report(DiagnosticCatalog.LetCycle, name.Span, $"constants depend on each other in a cycle: {CycleText(members.Append(name.Text).ToList())}",
                            Related(dependency.Name!.Span, $"'{name.Text}' is declared here"));
                    }

                    cyclic.UnionWith(members);
                    continue;
                }

                onPath[dependency] = path.Count;
                path.Add((dependency, NamesIn(dependency.Value), 0));
            }
        }

        foreach (var let in order)
        {
            EvaluateConstant(let);
        }
    }

    /// <summary>The names an expression uses, in text order, found without recursion.</summary>
    private static Identifier[] NamesIn(ExpressionSyntax? expression)
    {
        var names = new List<Identifier>();
        var pending = new Stack<ExpressionSyntax>();
        if (expression is not null)
        {
            pending.Push(expression);
        }

        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case NameSyntax name:
                    names.Add(name.Name);
                    break;
                case UnarySyntax { Operand: { } operand }:
                    pending.Push(operand);
                    break;
                case ParenthesizedSyntax { Inner: { } inner }:
                    pending.Push(inner);
                    break;
                case BinarySyntax binary:
                    foreach (var side in new[] { binary.Left, binary.Right }.OfType<ExpressionSyntax>())
                    {
                        pending.Push(side);
                    }

                    break;
                case FunctionCallSyntax call:
                    foreach (var argument in call.Arguments)
                    {
                        pending.Push(argument);
                    }

                    break;
            }
        }

        return [.. names.OrderBy(n => n.Span.Start)];
    }

    /// <summary>"a → b → a"; a long cycle shows its first and last few constants.</summary>
    private static string CycleText(List<string> names) =>
        names.Count <= 12
            ? string.Join(" → ", names)
            : string.Join(" → ", names.Take(6)) + $" → … ({names.Count - 11} more) → " + string.Join(" → ", names.TakeLast(5));

    private double? EvaluateConstant(LetDeclarationSyntax let)
    {
        if (let.Name is not { } name || !IsPrimary(let))
        {
            return null;
        }

        if (constantValues.TryGetValue(name.Text, out var known))
        {
            return known;
        }

        if (evaluating.Contains(name.Text))
        {
            return null;
        }

        evaluating.Add(name.Text);
        double? value = null;
        if (let.Value is { } expression && WithinExpressionLimit(expression, $"constant {name.Text}") && BindExpression(expression, parameters: null) is { } bound)
        {
            value = Fold(bound);
            if (value is { } folded && !double.IsFinite(folded))
            {
                // As the literal 1e999 is an error, so is arithmetic that leaves the doubles.
                Report(DiagnosticCatalog.OutOfRange, expression.Span, $"the constant `{name.Text}` is {FormatNumber(folded)}, not a finite number; a constant must be finite");
                value = null;
            }
        }

        evaluating.Remove(name.Text);
        constantValues[name.Text] = value;
        return value;
    }

    /// <summary>Folds a constant expression; the caller has already bound it without parameters.</summary>
    private static double? Fold(BoundExpr expr) => expr switch
    {
        BoundNumber n => n.Value,
        BoundNegate neg => -Fold(neg.Operand),
        BoundBinary b when Fold(b.Left) is { } l && Fold(b.Right) is { } r => b.Operator switch
        {
            BinaryOperator.Add => l + r,
            BinaryOperator.Subtract => l - r,
            BinaryOperator.Multiply => l * r,
            BinaryOperator.Divide => l / r,
            _ => Math.Pow(l, r),
        },
        BoundCall c when Fold(c.Argument) is { } a => MathFunctions.Apply(c.Function, a),
        _ => null,
    };

    /// <summary>
    /// Binds an expression. With <paramref name="parameters"/> (a cost's), names may be
    /// parameters or constants; without, only constants. Returns null after reporting an error.
    /// </summary>
    private BoundExpr? BindExpression(ExpressionSyntax expression, IReadOnlyDictionary<string, (int Index, Symbol Symbol)>? parameters)
    {
        switch (expression)
        {
            case NumberSyntax number:
                if (double.IsInfinity(number.Value))
                {
                    Report(DiagnosticCatalog.InvalidNumber, number.Span, $"{number.Text} is too large for a 64-bit floating-point number");
                    return null;
                }

                return new BoundNumber(number.Value);

            case ParenthesizedSyntax paren:
                return paren.Inner is null ? null : BindExpression(paren.Inner, parameters);

            case UnarySyntax unary:
                if (unary.Operand is null || BindExpression(unary.Operand, parameters) is not { } operand)
                {
                    return null;
                }

                return unary.Operator == '-' ? new BoundNegate(operand) : operand;

            case BinarySyntax binary:
                var left = binary.Left is null ? null : BindExpression(binary.Left, parameters);
                var right = binary.Right is null ? null : BindExpression(binary.Right, parameters);
                if (left is null || right is null)
                {
                    return null;
                }

                var op = binary.Operator switch
                {
                    '+' => BinaryOperator.Add,
                    '-' => BinaryOperator.Subtract,
                    '*' => BinaryOperator.Multiply,
                    '/' => BinaryOperator.Divide,
                    _ => BinaryOperator.Power,
                };
                return new BoundBinary(op, left, right);

            case FunctionCallSyntax call:
                return BindFunctionCall(call, parameters);

            case NameSyntax name:
                return BindName(name.Name, parameters);

            default:
                return null;
        }
    }

    private BoundExpr? BindFunctionCall(FunctionCallSyntax call, IReadOnlyDictionary<string, (int Index, Symbol Symbol)>? parameters)
    {
        var builtin = ResolveBuiltin(call.Function, Builtins.Functions, BuiltinCategory.Function);
        var arguments = call.Arguments.Select(a => BindExpression(a, parameters)).ToArray();
        if (builtin is null)
        {
            return null;
        }

        if (call.Arguments.Length != 1)
        {
            Report(DiagnosticCatalog.WrongArity, call.Span, $"{call.Function.Text} takes 1 argument, not {call.Arguments.Length}");
            return null;
        }

        if (arguments[0] is not { } argument)
        {
            return null;
        }

        return new BoundCall(Enum.Parse<MathFunction>(call.Function.Text, ignoreCase: true), argument);
    }

    private BoundExpr? BindName(Identifier name, IReadOnlyDictionary<string, (int Index, Symbol Symbol)>? parameters)
    {
        if (parameters is not null && parameters.TryGetValue(name.Text, out var parameter))
        {
            AddReference(parameter.Symbol, name.Span);
            return new BoundParameter(parameter.Index, name.Text);
        }

        if (!globals.TryGetValue(name.Text, out var symbol))
        {
            var candidates = globals.Where(g => g.Value.Kind == SymbolKind.Constant).Select(g => g.Key)
                .Concat(parameters?.Keys ?? Enumerable.Empty<string>());
            var where = parameters is null ? "a constant declared with `let`" : "a parameter of this cost or a constant";
            Report(DiagnosticCatalog.UndefinedName, name.Span, $"'{name.Text}' is not declared; expected {where}{NameSuggestions.DidYouMean(name.Text, candidates)}");
            return null;
        }

        AddReference(symbol, name.Span);
        if (symbol.Declaration is not LetDeclarationSyntax let)
        {
            Report(DiagnosticCatalog.WrongDeclarationKind, name.Span, $"'{name.Text}' is a {symbol.KindName}, not a number; only constants declared with `let` can be used here");
            return null;
        }

        if (cyclic.Contains(name.Text))
        {
            return null;
        }

        if (evaluating.Contains(name.Text))
        {
            var cycle = string.Join(" → ", evaluating.Skip(evaluating.IndexOf(name.Text)).Append(name.Text));
            Report(DiagnosticCatalog.LetCycle, name.Span, $"constants depend on each other in a cycle: {cycle}", Related(symbol.NameSpan, $"'{name.Text}' is declared here"));
            return null;
        }

        return EvaluateConstant(let) is { } value ? new BoundNumber(value) : null;
    }

    // ---- constant values in settings and arguments ---------------------------------------------------

    /// <summary>Evaluates a constant expression (numbers, constants, arithmetic) or reports why it cannot.</summary>
    private double? ConstantValue(ExpressionSyntax? expression)
    {
        if (expression is null || BindExpression(expression, parameters: null) is not { } bound)
        {
            return null;
        }

        var value = Fold(bound);
        if (value is { } v && !double.IsFinite(v))
        {
            Report(DiagnosticCatalog.OutOfRange, expression.Span, $"this value is {FormatNumber(v)}; it must be a finite number");
            return null;
        }

        return value;
    }

    /// <summary>A whole number at least <paramref name="minimum"/> (counts, widths, steps, seeds).</summary>
    private int? WholeNumber(ExpressionSyntax? expression, string what, int minimum)
    {
        if (ConstantValue(expression) is not { } value)
        {
            return null;
        }

        if (Math.Floor(value) != value)
        {
            Report(DiagnosticCatalog.NotAnInteger, expression!.Span, $"{what} must be a whole number, not {FormatNumber(value)}");
            return null;
        }

        if (value > int.MaxValue)
        {
            Report(DiagnosticCatalog.OutOfRange, expression!.Span, $"{what} must be at most {int.MaxValue}, not {FormatNumber(value)}");
            return null;
        }

        if (value < minimum)
        {
            Report(DiagnosticCatalog.OutOfRange, expression!.Span, minimum == 1
                ? $"{what} must be at least 1, not {FormatNumber(value)}"
                : $"{what} must be at least {minimum}, not {FormatNumber(value)}");
            return null;
        }

        return (int)value;
    }

    /// <summary>A number in a message, exactly as it is (round-trip; whole numbers without an exponent up to 1e17): "not 2147483648".</summary>
    internal static string FormatNumber(double value) => double.IsFinite(value) && Math.Floor(value) == value && Math.Abs(value) < 1e17
        ? value.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)
        : value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static TextSpan SpanOrKeyword(SyntaxNode? node, TextSpan keyword) => node?.Span ?? keyword;
}
