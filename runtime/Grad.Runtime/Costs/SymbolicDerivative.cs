using System.Globalization;
using System.Text;
using Grad.Language.Semantics;

namespace Grad.Runtime.Costs;

/// <summary>
/// Symbolic partial derivatives of a cost for display (<c>∂bowl/∂w1 = 0.002*w1</c>): the
/// textbook rules, then a simplifier that folds constants, drops 0 terms and factors of 1 and
/// gathers numeric factors at the front. Exact values come from <see cref="CompiledCost"/>; this is text.
/// </summary>
public static class SymbolicDerivative
{
    /// <summary>∂body/∂(parameter <paramref name="parameterIndex"/>), simplified.</summary>
    public static BoundExpr Differentiate(BoundExpr body, int parameterIndex) => Simplify(Derive(body, parameterIndex));

    /// <summary>
    /// The most terms a derivative is simplified and shown with. The textbook rules share
    /// subexpressions, but written out a product chain's derivative grows with the square of its
    /// length and a tower of powers exponentially: beyond this, the text says so instead.
    /// </summary>
    public const long MaxShownTerms = 20_000;

    /// <summary>The simplified derivative as text, e.g. <c>0.002*w1</c>, or a note when it has more than <see cref="MaxShownTerms"/> terms.</summary>
    public static string DerivativeText(BoundCost cost, int parameterIndex)
    {
        var derivative = Derive(cost.Body, parameterIndex);
        return WrittenSize(derivative) > MaxShownTerms
            ? $"(more than {MaxShownTerms.ToString("N0", CultureInfo.InvariantCulture)} terms written out; not shown)"
            : Format(Simplify(derivative));
    }

    /// <summary>The number of nodes of an expression written out as a tree (shared subexpressions counted each time), saturating; linear in its distinct nodes.</summary>
    private static long WrittenSize(BoundExpr root)
    {
        var sizes = new Dictionary<BoundExpr, long>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(BoundExpr Node, bool ChildrenDone)>();
        pending.Push((root, false));
        while (pending.TryPop(out var entry))
        {
            var (node, childrenDone) = entry;
            if (sizes.ContainsKey(node))
            {
                continue;
            }

            var children = Children(node);
            if (!childrenDone)
            {
                pending.Push((node, true));
                foreach (var child in children)
                {
                    pending.Push((child, false));
                }

                continue;
            }

            var size = 1L;
            foreach (var child in children)
            {
                size = Math.Min(long.MaxValue / 4, size + sizes[child]);
            }

            sizes[node] = size;
        }

        return sizes[root];
    }

    private static BoundExpr[] Children(BoundExpr expression) => expression switch
    {
        BoundNegate negate => [negate.Operand],
        BoundBinary binary => [binary.Left, binary.Right],
        BoundCall call => [call.Argument],
        DisplayFunction display => [display.Argument],
        _ => [],
    };

    /// <summary>One line per parameter: <c>∂bowl/∂w1 = 0.002*w1</c>.</summary>
    public static IReadOnlyList<string> GradientLines(BoundCost cost) =>
        [.. cost.Parameters.Select((name, i) => GradientLine(cost.Name, name, DerivativeText(cost, i)))];

    public static string GradientLine(string costName, string parameter, string derivative) => $"∂{costName}/∂{parameter} = {derivative}";

    private static BoundExpr Derive(BoundExpr expression, int k)
    {
        switch (expression)
        {
            case BoundNumber:
                return Number(0);
            case BoundParameter parameter:
                return Number(parameter.Index == k ? 1 : 0);
            case BoundNegate negate:
                return new BoundNegate(Derive(negate.Operand, k));
            case BoundBinary binary:
                var u = binary.Left;
                var v = binary.Right;
                var du = Derive(u, k);
                var dv = Derive(v, k);
                return binary.Operator switch
                {
                    BinaryOperator.Add => Add(du, dv),
                    BinaryOperator.Subtract => Sub(du, dv),
                    BinaryOperator.Multiply => Add(Mul(du, v), Mul(u, dv)),
                    BinaryOperator.Divide => Sub(Div(du, v), Div(Mul(u, dv), Pow(v, Number(2)))),
                    _ when IsConstant(v) => Mul(Mul(v, Pow(u, Sub(v, Number(1)))), du),
                    _ => Mul(binary, Add(Mul(dv, Call(MathFunction.Log, u)), Div(Mul(v, du), u))),
                };
            case BoundCall call:
                var x = call.Argument;
                var dx = Derive(x, k);
                BoundExpr outer = call.Function switch
                {
                    MathFunction.Exp => call,
                    MathFunction.Log => Div(Number(1), x),
                    MathFunction.Sqrt => Div(Number(1), Mul(Number(2), call)),
                    MathFunction.Abs => new DisplayFunction("sign", x),
                    MathFunction.Sin => Call(MathFunction.Cos, x),
                    MathFunction.Cos => new BoundNegate(Call(MathFunction.Sin, x)),
                    MathFunction.Tanh => Sub(Number(1), Pow(call, Number(2))),
                    MathFunction.Sigmoid => Mul(call, Sub(Number(1), call)),
                    MathFunction.Relu => new DisplayFunction("step", x),
                    _ => Call(MathFunction.Sigmoid, x),
                };
                return Mul(outer, dx);
            default:
                throw new ArgumentException($"cannot differentiate {expression.GetType().Name}", nameof(expression));
        }
    }

    private static bool IsConstant(BoundExpr expression) => expression switch
    {
        BoundNumber => true,
        BoundParameter => false,
        BoundNegate negate => IsConstant(negate.Operand),
        BoundBinary binary => IsConstant(binary.Left) && IsConstant(binary.Right),
        BoundCall call => IsConstant(call.Argument),
        _ => false,
    };

    /// <summary>Bottom-up algebraic clean-up; never changes the value (up to rounding of folded constants).</summary>
    public static BoundExpr Simplify(BoundExpr expression)
    {
        switch (expression)
        {
            case BoundNegate negate:
                var operand = Simplify(negate.Operand);
                return operand switch
                {
                    BoundNumber n => Number(-n.Value),
                    BoundNegate inner => inner.Operand,
                    BoundBinary { Operator: BinaryOperator.Multiply, Left: BoundNumber n } product => SimplifyMultiply(Number(-n.Value), product.Right),
                    BoundBinary { Operator: BinaryOperator.Divide, Left: BoundNumber n } quotient => Div(Number(-n.Value), quotient.Right),
                    _ => new BoundNegate(operand),
                };
            case BoundBinary binary:
                var left = Simplify(binary.Left);
                var right = Simplify(binary.Right);
                return binary.Operator switch
                {
                    BinaryOperator.Add => SimplifyAdd(left, right),
                    BinaryOperator.Subtract => SimplifySubtract(left, right),
                    BinaryOperator.Multiply => SimplifyMultiply(left, right),
                    BinaryOperator.Divide => SimplifyDivide(left, right),
                    _ => SimplifyPower(left, right),
                };
            case BoundCall call:
                var argument = Simplify(call.Argument);
                return argument is BoundNumber number
                    ? Number(CompiledCost.Compile("", [], new BoundCall(call.Function, number)).Evaluate([]))
                    : new BoundCall(call.Function, argument);
            case DisplayFunction display:
                return new DisplayFunction(display.Name, Simplify(display.Argument));
            default:
                return expression;
        }
    }

    private static BoundExpr SimplifyAdd(BoundExpr left, BoundExpr right) => (left, right) switch
    {
        (BoundNumber a, BoundNumber b) => Number(a.Value + b.Value),
        (BoundNumber { Value: 0 }, _) => right,
        (_, BoundNumber { Value: 0 }) => left,
        (_, BoundNegate negate) => SimplifySubtract(left, negate.Operand),
        (_, BoundNumber { Value: < 0 } b) => Sub(left, Number(-b.Value)),
        (BoundNegate negate, _) => SimplifySubtract(right, negate.Operand),
        _ when left == right => SimplifyMultiply(Number(2), left),
        _ => Add(left, right),
    };

    private static BoundExpr SimplifySubtract(BoundExpr left, BoundExpr right) => (left, right) switch
    {
        (BoundNumber a, BoundNumber b) => Number(a.Value - b.Value),
        (_, BoundNumber { Value: 0 }) => left,
        (BoundNumber { Value: 0 }, _) => Simplify(new BoundNegate(right)),
        (_, BoundNegate negate) => SimplifyAdd(left, negate.Operand),
        _ when left == right => Number(0),
        _ => Sub(left, right),
    };

    private static BoundExpr SimplifyMultiply(BoundExpr left, BoundExpr right)
    {
        // Numbers to the front, so that constant factors meet and fold.
        if (right is BoundNumber && left is not BoundNumber)
        {
            (left, right) = (right, left);
        }

        switch (left, right)
        {
            case (BoundNumber a, BoundNumber b):
                return Number(a.Value * b.Value);
            case (BoundNumber { Value: 0 }, _):
                return Number(0);
            case (BoundNumber { Value: 1 }, _):
                return right;
            case (BoundNumber { Value: -1 }, _):
                return right is BoundNegate n ? n.Operand : new BoundNegate(right);
            case (BoundNumber a, BoundBinary { Operator: BinaryOperator.Multiply, Left: BoundNumber b } inner):
                return SimplifyMultiply(Number(a.Value * b.Value), inner.Right);
            case (BoundNumber a, BoundBinary { Operator: BinaryOperator.Divide, Left: BoundNumber b } inner):
                return SimplifyDivide(Number(a.Value * b.Value), inner.Right);
            case (BoundNumber a, BoundNegate negate):
                return SimplifyMultiply(Number(-a.Value), negate.Operand);
            case (BoundNegate negate, _):
                return Simplify(new BoundNegate(SimplifyMultiply(negate.Operand, right)));
            case (_, BoundNegate negate):
                return Simplify(new BoundNegate(SimplifyMultiply(left, negate.Operand)));
            case (BoundBinary { Operator: BinaryOperator.Multiply, Left: BoundNumber a } inner, _):
                return SimplifyMultiply(a, SimplifyMultiply(inner.Right, right));
            case (_, BoundBinary { Operator: BinaryOperator.Multiply, Left: BoundNumber b } inner):
                return SimplifyMultiply(b, SimplifyMultiply(left, inner.Right));
            default:
                return left == right ? Pow(left, Number(2)) : Mul(left, right);
        }
    }

    private static BoundExpr SimplifyDivide(BoundExpr left, BoundExpr right) => (left, right) switch
    {
        (BoundNumber a, BoundNumber b) when b.Value != 0 => Number(a.Value / b.Value),
        (BoundNumber { Value: 0 }, _) => Number(0),
        (_, BoundNumber { Value: 1 }) => left,
        (_, BoundNumber b) when b.Value != 0 && IsExactReciprocal(b.Value) => SimplifyMultiply(Number(1 / b.Value), left),
        (BoundBinary { Operator: BinaryOperator.Multiply, Left: BoundNumber a } inner, BoundNumber b) => SimplifyMultiply(Number(a.Value / b.Value), inner.Right),
        _ when left == right => Number(1),
        _ => Div(left, right),
    };

    private static BoundExpr SimplifyPower(BoundExpr left, BoundExpr right) => (left, right) switch
    {
        (_, BoundNumber { Value: 0 }) => Number(1),
        (_, BoundNumber { Value: 1 }) => left,
        (BoundNumber a, BoundNumber b) => Number(Real.RealPow(a.Value, b.Value)),
        (BoundNumber { Value: 1 }, _) => Number(1),
        (BoundBinary { Operator: BinaryOperator.Power, Right: BoundNumber inner } power, BoundNumber outer) => SimplifyPower(power.Left, Number(inner.Value * outer.Value)),
        _ => Pow(left, right),
    };

    /// <summary>True when x/b equals x·(1/b) for every x (b a power of two).</summary>
    private static bool IsExactReciprocal(double b)
    {
        var bits = BitConverter.DoubleToInt64Bits(Math.Abs(b));
        return (bits & 0xFFFFFFFFFFFFFL) == 0;
    }

    // ---- printing --------------------------------------------------------------------------

    /// <summary>Prints an expression with the fewest parentheses that keep its meaning (power binds tighter than unary minus).</summary>
    public static string Format(BoundExpr expression)
    {
        var builder = new StringBuilder();
        Write(expression, builder);
        return builder.ToString();
    }

    private static int Precedence(BoundExpr expression) => expression switch
    {
        BoundBinary { Operator: BinaryOperator.Add or BinaryOperator.Subtract } => 1,
        BoundBinary { Operator: BinaryOperator.Multiply or BinaryOperator.Divide } => 2,
        BoundNegate => 3,
        BoundNumber { Value: < 0 } => 3,
        BoundBinary { Operator: BinaryOperator.Power } => 4,
        _ => 5,
    };

    private static void Write(BoundExpr expression, StringBuilder builder)
    {
        switch (expression)
        {
            case BoundNumber number:
                builder.Append(Numbers.Exact(number.Value));
                break;
            case BoundParameter parameter:
                builder.Append(parameter.Name);
                break;
            case BoundNegate negate:
                builder.Append('-');
                WriteOperand(negate.Operand, builder, Precedence(negate.Operand) < 4);
                break;
            case BoundBinary binary:
                var precedence = Precedence(binary);
                var isPower = binary.Operator == BinaryOperator.Power;
                var leftPrecedence = Precedence(binary.Left);
                var rightPrecedence = Precedence(binary.Right);
                WriteOperand(binary.Left, builder, isPower ? leftPrecedence <= precedence : leftPrecedence < precedence);
                builder.Append(binary.Operator switch
                {
                    BinaryOperator.Add => " + ",
                    BinaryOperator.Subtract => " - ",
                    BinaryOperator.Multiply => "*",
                    BinaryOperator.Divide => "/",
                    _ => "^",
                });
                var rightNeedsParentheses = isPower
                    ? rightPrecedence < precedence
                    : rightPrecedence < precedence
                        || (rightPrecedence == precedence && binary.Operator is BinaryOperator.Subtract or BinaryOperator.Divide)
                        || rightPrecedence == 3;
                WriteOperand(binary.Right, builder, rightNeedsParentheses);
                break;
            case BoundCall call:
                builder.Append(call.Function.ToString().ToLowerInvariant()).Append('(');
                Write(call.Argument, builder);
                builder.Append(')');
                break;
            case DisplayFunction display:
                builder.Append(display.Name).Append('(');
                Write(display.Argument, builder);
                builder.Append(')');
                break;
            default:
                builder.Append('?');
                break;
        }
    }

    private static void WriteOperand(BoundExpr operand, StringBuilder builder, bool parenthesize)
    {
        if (parenthesize)
        {
            builder.Append('(');
        }

        Write(operand, builder);
        if (parenthesize)
        {
            builder.Append(')');
        }
    }

    private static BoundNumber Number(double value) => new(value);

    private static BoundBinary Add(BoundExpr left, BoundExpr right) => new(BinaryOperator.Add, left, right);

    private static BoundBinary Sub(BoundExpr left, BoundExpr right) => new(BinaryOperator.Subtract, left, right);

    private static BoundBinary Mul(BoundExpr left, BoundExpr right) => new(BinaryOperator.Multiply, left, right);

    private static BoundBinary Div(BoundExpr left, BoundExpr right) => new(BinaryOperator.Divide, left, right);

    private static BoundBinary Pow(BoundExpr left, BoundExpr right) => new(BinaryOperator.Power, left, right);

    private static BoundCall Call(MathFunction function, BoundExpr argument) => new(function, argument);

    /// <summary>A function that appears only in displayed derivatives (<c>sign</c>, <c>step</c>), never in a cost.</summary>
    private sealed record DisplayFunction(string Name, BoundExpr Argument) : BoundExpr;
}
