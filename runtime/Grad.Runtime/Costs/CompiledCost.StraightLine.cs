using System.Linq.Expressions;
using System.Reflection;
using Grad.Runtime.Numerics;

namespace Grad.Runtime.Costs;

/// <summary>The cost and its gradient written to <paramref name="gradient"/>, from <see cref="CompiledCost.CompileStraightLine"/>.</summary>
public delegate double CostGradientFunction(double[] parameters, double[] gradient);

public sealed partial class CompiledCost
{
    /// <summary>Tapes longer than this stay interpreted (the compiled method would be too large to pay off).</summary>
    public const int MaxStraightLineTape = 4096;

    private static readonly MethodInfo RealPowMethod = Method(typeof(Real), nameof(Real.RealPow));
    private static readonly MethodInfo SigmoidMethod = Method(typeof(SpecialFunctions), nameof(SpecialFunctions.Sigmoid));
    private static readonly MethodInfo SoftplusMethod = Method(typeof(SpecialFunctions), nameof(SpecialFunctions.Softplus));
    private static readonly MethodInfo LogForExponentMethod = Method(typeof(CompiledCost), nameof(LogForExponentOfValue));
    private static readonly MethodInfo SignMethod = Method(typeof(CompiledCost), nameof(SignOf));

    /// <summary>
    /// The tape as one compiled method of straight-line code: a local per slot, the forward
    /// values, then the reverse sweep's adjoints, with no dispatch and no buffers. It performs the
    /// interpreter's floating-point operations in the interpreter's order (the same local
    /// derivatives, the same <c>adjoint += …</c> updates from 0), so its numbers are the tape's,
    /// bit for bit; only adjoints of constants, which nothing reads, are left out. Compiling costs
    /// milliseconds, so it pays off for long runs (see <see cref="MaxStraightLineTape"/>).
    /// The arrays must hold <see cref="ParameterCount"/> elements.
    /// </summary>
    public CostGradientFunction CompileStraightLine()
    {
        var parameters = Expression.Parameter(typeof(double[]), "parameters");
        var gradient = Expression.Parameter(typeof(double[]), "gradient");
        var values = tape.Select((_, i) => Expression.Variable(typeof(double), $"v{i}")).ToArray();
        var adjoints = tape.Select((_, i) => Expression.Variable(typeof(double), $"adjoint{i}")).ToArray();
        var gradients = Enumerable.Range(0, ParameterCount).Select(i => Expression.Variable(typeof(double), $"g{i}")).ToArray();
        var body = new List<Expression>();
        for (var i = 0; i < tape.Length; i++)
        {
            body.Add(Expression.Assign(values[i], ForwardExpression(tape[i], values, parameters)));
        }

        body.AddRange(adjoints.Select(a => Expression.Assign(a, Zero)));
        body.AddRange(gradients.Select(g => Expression.Assign(g, Zero)));
        body.Add(Expression.Assign(adjoints[^1], Expression.Constant(1.0)));
        for (var i = tape.Length - 1; i >= 0; i--)
        {
            body.AddRange(BackwardExpressions(i, values, adjoints, gradients));
        }

        for (var k = 0; k < ParameterCount; k++)
        {
            body.Add(Expression.Assign(Expression.ArrayAccess(gradient, Expression.Constant(k)), gradients[k]));
        }

        body.Add(values[^1]);
        var block = Expression.Block(typeof(double), [.. values, .. adjoints, .. gradients], body);
        return Expression.Lambda<CostGradientFunction>(block, $"{Name}_gradient", [parameters, gradient]).Compile();
    }

    private static readonly ConstantExpression Zero = Expression.Constant(0.0);

    private static MethodInfo Method(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(double)])
        ?? type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(double), typeof(double)])
        ?? throw new MissingMethodException(type.Name, name);

    private static MethodInfo MathMethod(string name) => typeof(Math).GetMethod(name, [typeof(double)])!;

    private static Expression ForwardExpression(Instruction instruction, ParameterExpression[] values, ParameterExpression parameters)
    {
        var left = values[instruction.Left];
        return instruction.Op switch
        {
            Op.Constant => Expression.Constant(instruction.Constant),
            Op.Parameter => Expression.ArrayIndex(parameters, Expression.Constant(instruction.Left)),
            Op.Negate => Expression.Negate(left),
            Op.Add => Expression.Add(left, values[instruction.Right]),
            Op.Subtract => Expression.Subtract(left, values[instruction.Right]),
            Op.Multiply => Expression.Multiply(left, values[instruction.Right]),
            Op.Divide => Expression.Divide(left, values[instruction.Right]),
            Op.Power => Expression.Call(RealPowMethod, left, values[instruction.Right]),
            Op.PowerConstant => PowConstant(left, instruction.Constant),
            Op.Exp => Expression.Call(MathMethod(nameof(Math.Exp)), left),
            Op.Log => Expression.Call(MathMethod(nameof(Math.Log)), left),
            Op.Sqrt => Expression.Call(MathMethod(nameof(Math.Sqrt)), left),
            Op.Abs => Expression.Condition(Expression.LessThan(left, Zero), Expression.Negate(left), left),
            Op.Sin => Expression.Call(MathMethod(nameof(Math.Sin)), left),
            Op.Cos => Expression.Call(MathMethod(nameof(Math.Cos)), left),
            Op.Tanh => Expression.Call(MathMethod(nameof(Math.Tanh)), left),
            Op.Sigmoid => Expression.Call(SigmoidMethod, left),
            Op.Relu => Expression.Condition(Expression.GreaterThan(left, Zero), left, Zero),
            Op.Softplus => Expression.Call(SoftplusMethod, left),
            _ => throw new InvalidOperationException($"unknown instruction {instruction.Op}"),
        };
    }

    /// <summary><see cref="Real.RealPow"/> with its exponent known: the same case, written out.</summary>
    private static Expression PowConstant(Expression x, double exponent) => exponent switch
    {
        0 => Expression.Constant(1.0),
        1 => x,
        2 => Expression.Multiply(x, x),
        3 => Expression.Multiply(Expression.Multiply(x, x), x),
        -1 => Expression.Divide(Expression.Constant(1.0), x),
        0.5 => Expression.Call(MathMethod(nameof(Math.Sqrt)), x),
        _ => Expression.Call(MathMethod2(nameof(Math.Pow)), x, Expression.Constant(exponent)),
    };

    private static MethodInfo MathMethod2(string name) => typeof(Math).GetMethod(name, [typeof(double), typeof(double)])!;

    /// <summary>The reverse sweep's updates for slot <paramref name="i"/>, as <see cref="Backward{T}"/> makes them for <see cref="Real"/>.</summary>
    private IEnumerable<Expression> BackwardExpressions(int i, ParameterExpression[] values, ParameterExpression[] adjoints, ParameterExpression[] gradients)
    {
        var instruction = tape[i];
        var adjoint = adjoints[i];
        var l = instruction.Left;
        var r = instruction.Right;
        switch (instruction.Op)
        {
            case Op.Constant:
                break;
            case Op.Parameter:
                yield return Expression.AddAssign(gradients[l], adjoint);
                break;
            case Op.Negate:
                yield return SubtractFrom(l, adjoint);
                break;
            case Op.Add:
                yield return AddTo(l, adjoint);
                yield return AddTo(r, adjoint);
                break;
            case Op.Subtract:
                yield return AddTo(l, adjoint);
                yield return SubtractFrom(r, adjoint);
                break;
            case Op.Multiply:
                yield return AddTo(l, Expression.Multiply(adjoint, values[r]));
                yield return AddTo(r, Expression.Multiply(adjoint, values[l]));
                break;
            case Op.Divide:
                yield return AddTo(l, Expression.Divide(adjoint, values[r]));
                yield return SubtractFrom(r, Expression.Divide(Expression.Multiply(adjoint, values[i]), values[r]));
                break;
            case Op.Power:
                yield return AddTo(l, Expression.Multiply(
                    Expression.Multiply(adjoint, values[r]),
                    Expression.Call(RealPowMethod, values[l], Expression.Subtract(values[r], Expression.Constant(1.0)))));
                yield return AddTo(r, Expression.Multiply(Expression.Multiply(adjoint, values[i]), Expression.Call(LogForExponentMethod, values[l])));
                break;
            case Op.PowerConstant:
                if (instruction.Constant != 0)
                {
                    yield return AddTo(l, Expression.Multiply(
                        Expression.Multiply(adjoint, Expression.Constant(instruction.Constant)),
                        PowConstant(values[l], instruction.Constant - 1)));
                }

                break;
            case Op.Exp:
                yield return AddTo(l, Expression.Multiply(adjoint, values[i]));
                break;
            case Op.Log:
                yield return AddTo(l, Expression.Divide(adjoint, values[l]));
                break;
            case Op.Sqrt:
                yield return AddTo(l, Expression.Divide(adjoint, Expression.Multiply(Expression.Constant(2.0), values[i])));
                break;
            case Op.Abs:
                yield return AddTo(l, Expression.Multiply(adjoint, Expression.Call(SignMethod, values[l])));
                break;
            case Op.Sin:
                yield return AddTo(l, Expression.Multiply(adjoint, Expression.Call(MathMethod(nameof(Math.Cos)), values[l])));
                break;
            case Op.Cos:
                yield return SubtractFrom(l, Expression.Multiply(adjoint, Expression.Call(MathMethod(nameof(Math.Sin)), values[l])));
                break;
            case Op.Tanh:
                yield return AddTo(l, Expression.Multiply(adjoint, Expression.Subtract(Expression.Constant(1.0), Expression.Multiply(values[i], values[i]))));
                break;
            case Op.Sigmoid:
                yield return AddTo(l, Expression.Multiply(Expression.Multiply(adjoint, values[i]), Expression.Subtract(Expression.Constant(1.0), values[i])));
                break;
            case Op.Relu:
                yield return Expression.IfThen(Expression.GreaterThan(values[l], Zero), AddTo(l, adjoint));
                break;
            case Op.Softplus:
                yield return AddTo(l, Expression.Multiply(adjoint, Expression.Condition(
                    Expression.GreaterThan(values[l], Expression.Constant(20.0)),
                    Expression.Constant(1.0),
                    Expression.Call(SigmoidMethod, values[l]))));
                break;
            default:
                throw new InvalidOperationException($"unknown instruction {instruction.Op}");
        }

        // Adjoints of constants are never read: their updates are left out.
        Expression AddTo(int slot, Expression term) => tape[slot].Op == Op.Constant ? Expression.Empty() : Expression.AddAssign(adjoints[slot], term);

        Expression SubtractFrom(int slot, Expression term) => tape[slot].Op == Op.Constant ? Expression.Empty() : Expression.SubtractAssign(adjoints[slot], term);
    }

    /// <summary><see cref="LogForExponent{T}"/> on a plain value.</summary>
    private static double LogForExponentOfValue(double x) => LogForExponent(new Real(x)).Value;

    /// <summary>The factor abs' of the reverse sweep: Math.Sign as a double (throws on NaN, as the tape does).</summary>
    private static double SignOf(double x) => Math.Sign(x);
}
