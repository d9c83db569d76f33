using System.Reflection;
using System.Reflection.Emit;
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
    /// bit for bit; only adjoints of constants, which nothing reads, are left out. The method is
    /// emitted as IL (a <see cref="DynamicMethod"/>, which the JIT compiles optimised at its first
    /// call): about 7 ms to build and compile in a fresh process, where an expression tree took
    /// about 31, a cost a run of a few hundred thousand steps felt.
    /// The arrays must hold <see cref="ParameterCount"/> elements.
    /// </summary>
    public CostGradientFunction CompileStraightLine()
    {
        var method = new DynamicMethod($"{Name}_gradient", typeof(double), [typeof(double[]), typeof(double[])], typeof(CompiledCost).Module, skipVisibility: true);
        var il = method.GetILGenerator();
        var values = DeclareLocals(il, tape.Length);
        var adjoints = DeclareLocals(il, tape.Length);
        var gradients = DeclareLocals(il, ParameterCount);
        for (var i = 0; i < tape.Length; i++)
        {
            EmitForward(il, tape[i], values);
            il.Emit(OpCodes.Stloc, values[i]);
        }

        foreach (var local in adjoints.Concat(gradients))
        {
            il.Emit(OpCodes.Ldc_R8, 0.0);
            il.Emit(OpCodes.Stloc, local);
        }

        il.Emit(OpCodes.Ldc_R8, 1.0);
        il.Emit(OpCodes.Stloc, adjoints[^1]);
        for (var i = tape.Length - 1; i >= 0; i--)
        {
            EmitBackward(il, i, values, adjoints, gradients);
        }

        for (var k = 0; k < ParameterCount; k++)
        {
            il.Emit(OpCodes.Ldarg_1);
            il.Emit(OpCodes.Ldc_I4, k);
            il.Emit(OpCodes.Ldloc, gradients[k]);
            il.Emit(OpCodes.Stelem_R8);
        }

        il.Emit(OpCodes.Ldloc, values[^1]);
        il.Emit(OpCodes.Ret);
        return method.CreateDelegate<CostGradientFunction>();
    }

    private static LocalBuilder[] DeclareLocals(ILGenerator il, int count)
    {
        var locals = new LocalBuilder[count];
        for (var i = 0; i < locals.Length; i++)
        {
            locals[i] = il.DeclareLocal(typeof(double));
        }

        return locals;
    }

    private static MethodInfo Method(Type type, string name) =>
        type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(double)])
        ?? type.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(double), typeof(double)])
        ?? throw new MissingMethodException(type.Name, name);

    private static MethodInfo MathMethod(string name) => typeof(Math).GetMethod(name, [typeof(double)])!;

    private static MethodInfo MathMethod2(string name) => typeof(Math).GetMethod(name, [typeof(double), typeof(double)])!;

    /// <summary>Pushes slot <paramref name="instruction"/>'s value, computed from the slots before it.</summary>
    private static void EmitForward(ILGenerator il, Instruction instruction, LocalBuilder[] values)
    {
        var left = values[instruction.Left];
        switch (instruction.Op)
        {
            case Op.Constant:
                il.Emit(OpCodes.Ldc_R8, instruction.Constant);
                break;
            case Op.Parameter:
                il.Emit(OpCodes.Ldarg_0);
                il.Emit(OpCodes.Ldc_I4, instruction.Left);
                il.Emit(OpCodes.Ldelem_R8);
                break;
            case Op.Negate:
                il.Emit(OpCodes.Ldloc, left);
                il.Emit(OpCodes.Neg);
                break;
            case Op.Add or Op.Subtract or Op.Multiply or Op.Divide:
                il.Emit(OpCodes.Ldloc, left);
                il.Emit(OpCodes.Ldloc, values[instruction.Right]);
                il.Emit(instruction.Op switch { Op.Add => OpCodes.Add, Op.Subtract => OpCodes.Sub, Op.Multiply => OpCodes.Mul, _ => OpCodes.Div });
                break;
            case Op.Power:
                il.Emit(OpCodes.Ldloc, left);
                il.Emit(OpCodes.Ldloc, values[instruction.Right]);
                il.Emit(OpCodes.Call, RealPowMethod);
                break;
            case Op.PowerConstant:
                EmitPowConstant(il, left, instruction.Constant);
                break;
            case Op.Exp or Op.Log or Op.Sqrt or Op.Sin or Op.Cos or Op.Tanh:
                il.Emit(OpCodes.Ldloc, left);
                il.Emit(OpCodes.Call, MathMethod(instruction.Op switch
                {
                    Op.Exp => nameof(Math.Exp),
                    Op.Log => nameof(Math.Log),
                    Op.Sqrt => nameof(Math.Sqrt),
                    Op.Sin => nameof(Math.Sin),
                    Op.Cos => nameof(Math.Cos),
                    _ => nameof(Math.Tanh),
                }));
                break;
            case Op.Sigmoid:
                il.Emit(OpCodes.Ldloc, left);
                il.Emit(OpCodes.Call, SigmoidMethod);
                break;
            case Op.Softplus:
                il.Emit(OpCodes.Ldloc, left);
                il.Emit(OpCodes.Call, SoftplusMethod);
                break;
            case Op.Abs:
                // x < 0 ? -x : x (a NaN is not below 0: x itself).
                EmitSelect(il, left, 0.0, OpCodes.Bge_Un, () =>
                {
                    il.Emit(OpCodes.Ldloc, left);
                    il.Emit(OpCodes.Neg);
                }, () => il.Emit(OpCodes.Ldloc, left));
                break;
            case Op.Relu:
                // x < 0 ? 0 : x (torch.relu: a NaN is not below 0, and stays; so does −0).
                EmitSelect(il, left, 0.0, OpCodes.Blt, () => il.Emit(OpCodes.Ldloc, left), () => il.Emit(OpCodes.Ldc_R8, 0.0));
                break;
            default:
                throw new InvalidOperationException($"unknown instruction {instruction.Op}");
        }
    }

    /// <summary>
    /// Pushes one of two values: <paramref name="otherwise"/>'s when <paramref name="skip"/> (a branch
    /// on x against <paramref name="threshold"/>: bge.un is taken also when x is NaN, blt is not) is taken,
    /// else <paramref name="whenKept"/>'s.
    /// </summary>
    private static void EmitSelect(ILGenerator il, LocalBuilder x, double threshold, OpCode skip, Action whenKept, Action otherwise)
    {
        var other = il.DefineLabel();
        var done = il.DefineLabel();
        il.Emit(OpCodes.Ldloc, x);
        il.Emit(OpCodes.Ldc_R8, threshold);
        il.Emit(skip, other);
        whenKept();
        il.Emit(OpCodes.Br, done);
        il.MarkLabel(other);
        otherwise();
        il.MarkLabel(done);
    }

    /// <summary>Pushes <see cref="Real.RealPow"/>(x, exponent) with its exponent known: the same case, written out.</summary>
    private static void EmitPowConstant(ILGenerator il, LocalBuilder x, double exponent)
    {
        switch (exponent)
        {
            case 0:
                il.Emit(OpCodes.Ldc_R8, 1.0);
                break;
            case 1:
                il.Emit(OpCodes.Ldloc, x);
                break;
            case 2:
                il.Emit(OpCodes.Ldloc, x);
                il.Emit(OpCodes.Ldloc, x);
                il.Emit(OpCodes.Mul);
                break;
            case 3:
                il.Emit(OpCodes.Ldloc, x);
                il.Emit(OpCodes.Ldloc, x);
                il.Emit(OpCodes.Mul);
                il.Emit(OpCodes.Ldloc, x);
                il.Emit(OpCodes.Mul);
                break;
            case -1:
                il.Emit(OpCodes.Ldc_R8, 1.0);
                il.Emit(OpCodes.Ldloc, x);
                il.Emit(OpCodes.Div);
                break;
            case 0.5:
                il.Emit(OpCodes.Ldloc, x);
                il.Emit(OpCodes.Call, MathMethod(nameof(Math.Sqrt)));
                break;
            default:
                il.Emit(OpCodes.Ldloc, x);
                il.Emit(OpCodes.Ldc_R8, exponent);
                il.Emit(OpCodes.Call, MathMethod2(nameof(Math.Pow)));
                break;
        }
    }

    /// <summary>The reverse sweep's updates for slot <paramref name="i"/>, as <see cref="Backward{T}"/> makes them for <see cref="Real"/>.</summary>
    private void EmitBackward(ILGenerator il, int i, LocalBuilder[] values, LocalBuilder[] adjoints, LocalBuilder[] gradients)
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
                Update(gradients[l], OpCodes.Add, () => Load(adjoint));
                break;
            case Op.Negate:
                SubtractFrom(l, () => Load(adjoint));
                break;
            case Op.Add:
                AddTo(l, () => Load(adjoint));
                AddTo(r, () => Load(adjoint));
                break;
            case Op.Subtract:
                AddTo(l, () => Load(adjoint));
                SubtractFrom(r, () => Load(adjoint));
                break;
            case Op.Multiply:
                AddTo(l, () => Binary(adjoint, values[r], OpCodes.Mul));
                AddTo(r, () => Binary(adjoint, values[l], OpCodes.Mul));
                break;
            case Op.Divide:
                AddTo(l, () => Binary(adjoint, values[r], OpCodes.Div));
                SubtractFrom(r, () =>
                {
                    Binary(adjoint, values[i], OpCodes.Mul);
                    Load(values[r]);
                    il.Emit(OpCodes.Div);
                });
                break;
            case Op.Power:
                AddTo(l, () =>
                {
                    Binary(adjoint, values[r], OpCodes.Mul);
                    Load(values[l]);
                    Load(values[r]);
                    il.Emit(OpCodes.Ldc_R8, 1.0);
                    il.Emit(OpCodes.Sub);
                    il.Emit(OpCodes.Call, RealPowMethod);
                    il.Emit(OpCodes.Mul);
                });
                AddTo(r, () =>
                {
                    Binary(adjoint, values[i], OpCodes.Mul);
                    Load(values[l]);
                    il.Emit(OpCodes.Call, LogForExponentMethod);
                    il.Emit(OpCodes.Mul);
                });
                break;
            case Op.PowerConstant:
                if (instruction.Constant != 0)
                {
                    AddTo(l, () =>
                    {
                        Load(adjoint);
                        il.Emit(OpCodes.Ldc_R8, instruction.Constant);
                        il.Emit(OpCodes.Mul);
                        EmitPowConstant(il, values[l], instruction.Constant - 1);
                        il.Emit(OpCodes.Mul);
                    });
                }

                break;
            case Op.Exp:
                AddTo(l, () => Binary(adjoint, values[i], OpCodes.Mul));
                break;
            case Op.Log:
                AddTo(l, () => Binary(adjoint, values[l], OpCodes.Div));
                break;
            case Op.Sqrt:
                AddTo(l, () =>
                {
                    Load(adjoint);
                    il.Emit(OpCodes.Ldc_R8, 2.0);
                    Load(values[i]);
                    il.Emit(OpCodes.Mul);
                    il.Emit(OpCodes.Div);
                });
                break;
            case Op.Abs:
                AddTo(l, () => TimesCall(values[l], SignMethod));
                break;
            case Op.Sin:
                AddTo(l, () => TimesCall(values[l], MathMethod(nameof(Math.Cos))));
                break;
            case Op.Cos:
                SubtractFrom(l, () => TimesCall(values[l], MathMethod(nameof(Math.Sin))));
                break;
            case Op.Tanh:
                AddTo(l, () =>
                {
                    Load(adjoint);
                    il.Emit(OpCodes.Ldc_R8, 1.0);
                    Binary(values[i], values[i], OpCodes.Mul);
                    il.Emit(OpCodes.Sub);
                    il.Emit(OpCodes.Mul);
                });
                break;
            case Op.Sigmoid:
                AddTo(l, () =>
                {
                    Binary(adjoint, values[i], OpCodes.Mul);
                    il.Emit(OpCodes.Ldc_R8, 1.0);
                    Load(values[i]);
                    il.Emit(OpCodes.Sub);
                    il.Emit(OpCodes.Mul);
                });
                break;
            case Op.Relu:
            {
                // if (!(x <= 0)) adjoint_x += adjoint (PyTorch's relu backward: a NaN passes the adjoint on).
                var skip = il.DefineLabel();
                Load(values[l]);
                il.Emit(OpCodes.Ldc_R8, 0.0);
                il.Emit(OpCodes.Ble, skip);
                AddTo(l, () => Load(adjoint));
                il.MarkLabel(skip);
                break;
            }

            case Op.Softplus:
                AddTo(l, () =>
                {
                    // adjoint * (x > 20 ? 1 : sigmoid(x)) (a NaN is not above 20: sigmoid(NaN)).
                    Load(adjoint);
                    EmitSelect(il, values[l], 20.0, OpCodes.Ble_Un, () => il.Emit(OpCodes.Ldc_R8, 1.0), () =>
                    {
                        Load(values[l]);
                        il.Emit(OpCodes.Call, SigmoidMethod);
                    });
                    il.Emit(OpCodes.Mul);
                });
                break;
            default:
                throw new InvalidOperationException($"unknown instruction {instruction.Op}");
        }

        void Load(LocalBuilder local) => il.Emit(OpCodes.Ldloc, local);

        void Binary(LocalBuilder a, LocalBuilder b, OpCode op)
        {
            Load(a);
            Load(b);
            il.Emit(op);
        }

        // adjoint * f(x)
        void TimesCall(LocalBuilder x, MethodInfo f)
        {
            Load(adjoint);
            Load(x);
            il.Emit(OpCodes.Call, f);
            il.Emit(OpCodes.Mul);
        }

        // target = target op term, the term pushed by emitTerm.
        void Update(LocalBuilder target, OpCode op, Action emitTerm)
        {
            Load(target);
            emitTerm();
            il.Emit(op);
            il.Emit(OpCodes.Stloc, target);
        }

        // Adjoints of constants are never read: their updates are left out.
        void AddTo(int slot, Action emitTerm)
        {
            if (tape[slot].Op != Op.Constant)
            {
                Update(adjoints[slot], OpCodes.Add, emitTerm);
            }
        }

        void SubtractFrom(int slot, Action emitTerm)
        {
            if (tape[slot].Op != Op.Constant)
            {
                Update(adjoints[slot], OpCodes.Sub, emitTerm);
            }
        }
    }

    /// <summary><see cref="LogForExponent{T}"/> on a plain value.</summary>
    private static double LogForExponentOfValue(double x) => LogForExponent(new Real(x)).Value;

    /// <summary>The factor abs' of the reverse sweep: Math.Sign as a double (throws on NaN, as the tape does).</summary>
    private static double SignOf(double x) => Math.Sign(x);
}
