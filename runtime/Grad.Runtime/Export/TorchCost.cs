using Grad.Language.Semantics;

namespace Grad.Runtime.Export;

/// <summary>
/// A cost as a Python function of torch scalars: <c>def cost_bowl(w1, w2): return 0.001 * w1 ** 2 + w2 ** 2</c>.
/// Python's <c>**</c> is right-associative and binds tighter than unary minus, as Grad's <c>^</c>;
/// parentheses are written only where precedence needs them.
/// </summary>
internal static class TorchCost
{
    private const int Sum = 1, Product = 2, Unary = 3, Power = 4, Atom = 5;

    private static readonly HashSet<string> Reserved =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
        "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "torch", "F", "math",
    ];

    public static string FunctionName(BoundCost cost) => "cost_" + cost.Name;

    public static string Define(BoundCost cost)
    {
        var parameters = cost.Parameters.Select(Parameter);
        return $"def {FunctionName(cost)}({string.Join(", ", parameters)}):\n    return {Render(cost.Body, cost).Text}\n";
    }

    private static string Parameter(string name) => Reserved.Contains(name) ? name + "_" : name;

    private static (string Text, int Precedence) Render(BoundExpr expression, BoundCost cost) => expression switch
    {
        BoundNumber { Value: var value } => (PythonLiteral.Number(value), value < 0 || double.IsNegative(value) ? Unary : Atom),
        BoundParameter { Name: var name } => (Parameter(name), Atom),
        BoundNegate negate => ("-" + Operand(negate.Operand, Unary, cost), Unary),
        BoundBinary { Operator: BinaryOperator.Power } power =>
            ($"{Operand(power.Left, Atom, cost)} ** {Operand(power.Right, Unary, cost)}", Power),
        BoundBinary binary => Binary(binary, cost),
        BoundCall call => ($"{Function(call.Function)}({Render(call.Argument, cost).Text})", Atom),
        _ => throw new ArgumentException($"unknown expression {expression.GetType().Name}", nameof(expression)),
    };

    private static (string Text, int Precedence) Binary(BoundBinary binary, BoundCost cost)
    {
        var (symbol, precedence) = binary.Operator switch
        {
            BinaryOperator.Add => ("+", Sum),
            BinaryOperator.Subtract => ("-", Sum),
            BinaryOperator.Multiply => ("*", Product),
            _ => ("/", Product),
        };

        // Left-associative: the right operand needs parentheses at the same level (a - (b - c)).
        return ($"{Operand(binary.Left, precedence, cost)} {symbol} {Operand(binary.Right, precedence + 1, cost)}", precedence);
    }

    private static string Operand(BoundExpr operand, int needed, BoundCost cost)
    {
        var (text, precedence) = Render(operand, cost);
        return precedence >= needed ? text : $"({text})";
    }

    private static string Function(MathFunction function) => function switch
    {
        MathFunction.Softplus => "F.softplus",
        _ => "torch." + function.ToString().ToLowerInvariant(),
    };
}
