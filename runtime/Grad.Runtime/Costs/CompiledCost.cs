using System.Collections.Immutable;
using Grad.Language.Semantics;

namespace Grad.Runtime.Costs;

/// <summary>
/// A cost expression compiled to a flat tape of instructions (one slot per node, children
/// before parents), evaluated forward for the value and backward for the exact gradient
/// (reverse-mode AD). The Hessian runs the same reverse sweep on dual numbers, one column per
/// parameter (forward-over-reverse). Immutable and thread-safe; buffers live in the caller.
/// </summary>
public sealed partial class CompiledCost
{
    private readonly Instruction[] tape;

    private CompiledCost(string name, ImmutableArray<string> parameters, Instruction[] tape)
    {
        Name = name;
        ParameterNames = parameters;
        this.tape = tape;
    }

    public string Name { get; }

    public ImmutableArray<string> ParameterNames { get; }

    public int ParameterCount => ParameterNames.Length;

    internal int TapeLength => tape.Length;

    public static CompiledCost Compile(BoundCost cost) => Compile(cost.Name, cost.Parameters, cost.Body);

    public static CompiledCost Compile(string name, ImmutableArray<string> parameters, BoundExpr body)
    {
        var instructions = new List<Instruction>();
        Emit(body, instructions);
        return new CompiledCost(name, parameters, [.. instructions]);
    }

    public double Evaluate(ReadOnlySpan<double> parameters)
    {
        var values = new Real[tape.Length];
        return Forward<Real>(ToReals(parameters), values).Value;
    }

    /// <summary>The cost and, written to <paramref name="gradient"/>, its exact gradient.</summary>
    public double EvaluateWithGradient(ReadOnlySpan<double> parameters, Span<double> gradient)
    {
        var values = new Real[tape.Length];
        var adjoints = new Real[tape.Length];
        return EvaluateWithGradient(parameters, gradient, values, adjoints);
    }

    /// <summary>Buffers for repeated evaluations (one per thread), so a long run allocates nothing per step.</summary>
    public Workspace CreateWorkspace() => new(tape.Length, ParameterCount);

    /// <summary>Like <see cref="EvaluateWithGradient(ReadOnlySpan{double}, Span{double})"/> with the workspace's buffers.</summary>
    public double EvaluateWithGradient(ReadOnlySpan<double> parameters, Span<double> gradient, Workspace workspace) =>
        EvaluateWithGradient(parameters, gradient, workspace.Values, workspace.Adjoints, workspace.Inputs, workspace.Gradient);

    private double EvaluateWithGradient(ReadOnlySpan<double> parameters, Span<double> gradient, Real[] values, Real[] adjoints)
        => EvaluateWithGradient(parameters, gradient, values, adjoints, new Real[ParameterCount], new Real[ParameterCount]);

    private double EvaluateWithGradient(ReadOnlySpan<double> parameters, Span<double> gradient, Real[] values, Real[] adjoints, Real[] inputs, Real[] gradientReals)
    {
        CheckArity(parameters.Length, gradient.Length);
        for (var i = 0; i < inputs.Length; i++)
        {
            inputs[i] = new Real(parameters[i]);
        }

        var cost = Forward<Real>(inputs, values);
        Backward<Real>(values, adjoints, gradientReals);
        for (var i = 0; i < gradient.Length; i++)
        {
            gradient[i] = gradientReals[i].Value;
        }

        return cost.Value;
    }

    /// <summary>The exact Hessian ∂²f/∂p_i∂p_j at a point (symmetrised to remove rounding asymmetry).</summary>
    public double[,] Hessian(ReadOnlySpan<double> parameters)
    {
        CheckArity(parameters.Length, parameters.Length);
        var n = ParameterCount;
        var hessian = new double[n, n];
        var values = new Dual[tape.Length];
        var adjoints = new Dual[tape.Length];
        var inputs = new Dual[n];
        var gradient = new Dual[n];
        for (var direction = 0; direction < n; direction++)
        {
            for (var i = 0; i < n; i++)
            {
                inputs[i] = new Dual(parameters[i], i == direction ? 1 : 0);
            }

            Forward<Dual>(inputs, values);
            Backward<Dual>(values, adjoints, gradient);
            for (var i = 0; i < n; i++)
            {
                hessian[i, direction] = gradient[i].Tangent;
            }
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                var mean = 0.5 * (hessian[i, j] + hessian[j, i]);
                hessian[i, j] = mean;
                hessian[j, i] = mean;
            }
        }

        return hessian;
    }

    private void CheckArity(int parameterCount, int gradientLength)
    {
        if (parameterCount != ParameterCount || gradientLength != ParameterCount)
        {
            throw new ArgumentException($"cost {Name} takes {ParameterCount} parameters, got {parameterCount}");
        }
    }

    private static Real[] ToReals(ReadOnlySpan<double> parameters)
    {
        var reals = new Real[parameters.Length];
        for (var i = 0; i < reals.Length; i++)
        {
            reals[i] = new Real(parameters[i]);
        }

        return reals;
    }

    private T Forward<T>(ReadOnlySpan<T> parameters, T[] values) where T : struct, IAdScalar<T>
    {
        for (var i = 0; i < tape.Length; i++)
        {
            var instruction = tape[i];
            values[i] = instruction.Op switch
            {
                Op.Constant => T.Constant(instruction.Constant),
                Op.Parameter => parameters[instruction.Left],
                Op.Negate => -values[instruction.Left],
                Op.Add => values[instruction.Left] + values[instruction.Right],
                Op.Subtract => values[instruction.Left] - values[instruction.Right],
                Op.Multiply => values[instruction.Left] * values[instruction.Right],
                Op.Divide => values[instruction.Left] / values[instruction.Right],
                Op.Power => T.Pow(values[instruction.Left], values[instruction.Right]),
                Op.PowerConstant => T.PowConstant(values[instruction.Left], instruction.Constant),
                Op.Exp => T.Exp(values[instruction.Left]),
                Op.Log => T.Log(values[instruction.Left]),
                Op.Sqrt => T.Sqrt(values[instruction.Left]),
                Op.Abs => values[instruction.Left].Value < 0 ? -values[instruction.Left] : values[instruction.Left],
                Op.Sin => T.Sin(values[instruction.Left]),
                Op.Cos => T.Cos(values[instruction.Left]),
                Op.Tanh => T.Tanh(values[instruction.Left]),
                Op.Sigmoid => T.Sigmoid(values[instruction.Left]),
                Op.Relu => values[instruction.Left].Value < 0 ? T.Constant(0) : values[instruction.Left], // torch.relu: NaN and −0 kept
                Op.Softplus => T.Softplus(values[instruction.Left]),
                _ => throw new InvalidOperationException($"unknown instruction {instruction.Op}"),
            };
        }

        return values[^1];
    }

    /// <summary>The reverse sweep: adjoints from the output back to the parameters, each local derivative in T.</summary>
    private void Backward<T>(T[] values, T[] adjoints, Span<T> gradient) where T : struct, IAdScalar<T>
    {
        var zero = T.Constant(0);
        Array.Fill(adjoints, zero);
        gradient.Fill(zero);
        adjoints[^1] = T.Constant(1);
        for (var i = tape.Length - 1; i >= 0; i--)
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
                    gradient[l] += adjoint;
                    break;
                case Op.Negate:
                    adjoints[l] -= adjoint;
                    break;
                case Op.Add:
                    adjoints[l] += adjoint;
                    adjoints[r] += adjoint;
                    break;
                case Op.Subtract:
                    adjoints[l] += adjoint;
                    adjoints[r] -= adjoint;
                    break;
                case Op.Multiply:
                    adjoints[l] += adjoint * values[r];
                    adjoints[r] += adjoint * values[l];
                    break;
                case Op.Divide:
                    adjoints[l] += adjoint / values[r];
                    adjoints[r] -= adjoint * values[i] / values[r];
                    break;
                case Op.Power:
                    // As torch.pow's backward: no base gradient where the exponent is 0 (else 0·0⁻¹ = NaN at x = 0).
                    if (values[r].Value != 0)
                    {
                        adjoints[l] += adjoint * values[r] * T.Pow(values[l], values[r] - T.Constant(1));
                    }

                    adjoints[r] += adjoint * values[i] * LogForExponent(values[l]);
                    break;
                case Op.PowerConstant:
                    if (instruction.Constant != 0)
                    {
                        adjoints[l] += adjoint * T.Constant(instruction.Constant) * T.PowConstant(values[l], instruction.Constant - 1);
                    }

                    break;
                case Op.Exp:
                    adjoints[l] += adjoint * values[i];
                    break;
                case Op.Log:
                    adjoints[l] += adjoint / values[l];
                    break;
                case Op.Sqrt:
                    adjoints[l] += adjoint / (T.Constant(2) * values[i]);
                    break;
                case Op.Abs:
                    // Math.Sign throws on NaN (abs(log(-2))); a NaN argument gives a NaN gradient, as in torch.
                    adjoints[l] += adjoint * T.Constant(double.IsNaN(values[l].Value) ? double.NaN : Math.Sign(values[l].Value));
                    break;
                case Op.Sin:
                    adjoints[l] += adjoint * T.Cos(values[l]);
                    break;
                case Op.Cos:
                    adjoints[l] -= adjoint * T.Sin(values[l]);
                    break;
                case Op.Tanh:
                    adjoints[l] += adjoint * (T.Constant(1) - values[i] * values[i]);
                    break;
                case Op.Sigmoid:
                    adjoints[l] += adjoint * values[i] * (T.Constant(1) - values[i]);
                    break;
                case Op.Relu:
                    // PyTorch's relu backward: nothing where x ≤ 0, the adjoint elsewhere (a NaN passes it on).
                    if (!(values[l].Value <= 0))
                    {
                        adjoints[l] += adjoint;
                    }

                    break;
                case Op.Softplus:
                    adjoints[l] += adjoint * (values[l].Value > 20 ? T.Constant(1) : T.Sigmoid(values[l]));
                    break;
                default:
                    throw new InvalidOperationException($"unknown instruction {instruction.Op}");
            }
        }
    }

    private static T LogForExponent<T>(T x) where T : struct, IAdScalar<T> =>
        x.Value > 0 ? T.Log(x) : T.Constant(x.Value == 0 ? 0 : double.NaN);

    private static int Emit(BoundExpr expression, List<Instruction> tape)
    {
        Instruction instruction;
        switch (expression)
        {
            case BoundNumber number:
                instruction = new Instruction(Op.Constant, 0, 0, number.Value);
                break;
            case BoundParameter parameter:
                instruction = new Instruction(Op.Parameter, parameter.Index, 0, 0);
                break;
            case BoundNegate negate:
                instruction = new Instruction(Op.Negate, Emit(negate.Operand, tape), 0, 0);
                break;
            case BoundBinary { Operator: BinaryOperator.Power, Right: BoundNumber exponent } power:
                instruction = new Instruction(Op.PowerConstant, Emit(power.Left, tape), 0, exponent.Value);
                break;
            case BoundBinary { Operator: BinaryOperator.Power, Right: BoundNegate { Operand: BoundNumber exponent } } power:
                instruction = new Instruction(Op.PowerConstant, Emit(power.Left, tape), 0, -exponent.Value);
                break;
            case BoundBinary binary:
                var left = Emit(binary.Left, tape);
                var right = Emit(binary.Right, tape);
                var op = binary.Operator switch
                {
                    BinaryOperator.Add => Op.Add,
                    BinaryOperator.Subtract => Op.Subtract,
                    BinaryOperator.Multiply => Op.Multiply,
                    BinaryOperator.Divide => Op.Divide,
                    _ => Op.Power,
                };
                instruction = new Instruction(op, left, right, 0);
                break;
            case BoundCall call:
                var argument = Emit(call.Argument, tape);
                var function = call.Function switch
                {
                    MathFunction.Exp => Op.Exp,
                    MathFunction.Log => Op.Log,
                    MathFunction.Sqrt => Op.Sqrt,
                    MathFunction.Abs => Op.Abs,
                    MathFunction.Sin => Op.Sin,
                    MathFunction.Cos => Op.Cos,
                    MathFunction.Tanh => Op.Tanh,
                    MathFunction.Sigmoid => Op.Sigmoid,
                    MathFunction.Relu => Op.Relu,
                    _ => Op.Softplus,
                };
                instruction = new Instruction(function, argument, 0, 0);
                break;
            default:
                throw new ArgumentException($"unsupported expression {expression.GetType().Name}", nameof(expression));
        }

        tape.Add(instruction);
        return tape.Count - 1;
    }

    /// <summary>Evaluation buffers for one cost; not thread-safe.</summary>
    public sealed class Workspace
    {
        internal Workspace(int tapeLength, int parameterCount)
        {
            Values = new Real[tapeLength];
            Adjoints = new Real[tapeLength];
            Inputs = new Real[parameterCount];
            Gradient = new Real[parameterCount];
        }

        internal Real[] Values { get; }

        internal Real[] Adjoints { get; }

        internal Real[] Inputs { get; }

        internal Real[] Gradient { get; }
    }

    private enum Op : byte
    {
        Constant,
        Parameter,
        Negate,
        Add,
        Subtract,
        Multiply,
        Divide,
        Power,
        PowerConstant,
        Exp,
        Log,
        Sqrt,
        Abs,
        Sin,
        Cos,
        Tanh,
        Sigmoid,
        Relu,
        Softplus,
    }

    /// <summary>One tape slot: an operation, the slots of its operands (or a parameter index) and a constant.</summary>
    private readonly record struct Instruction(Op Op, int Left, int Right, double Constant);
}
