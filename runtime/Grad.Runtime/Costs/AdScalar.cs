using Grad.Runtime.Numerics;

namespace Grad.Runtime.Costs;

/// <summary>
/// The number type the cost tape is evaluated in. <see cref="Real"/> gives values and, in the
/// reverse sweep, the gradient; <see cref="Dual"/> (a value with one tangent) run through the
/// same reverse sweep gives a Hessian-vector product (forward-over-reverse), so every local
/// derivative is written once and the Hessian is exact.
/// </summary>
internal interface IAdScalar<T> where T : struct, IAdScalar<T>
{
    double Value { get; }

    static abstract T Constant(double value);

    static abstract T operator +(T left, T right);

    static abstract T operator -(T left, T right);

    static abstract T operator *(T left, T right);

    static abstract T operator /(T left, T right);

    static abstract T operator -(T operand);

    static abstract T Exp(T x);

    static abstract T Log(T x);

    static abstract T Sqrt(T x);

    static abstract T Sin(T x);

    static abstract T Cos(T x);

    static abstract T Tanh(T x);

    static abstract T Sigmoid(T x);

    static abstract T Softplus(T x);

    /// <summary>x^c for a constant exponent.</summary>
    static abstract T PowConstant(T x, double exponent);

    /// <summary>x^y for a variable exponent.</summary>
    static abstract T Pow(T x, T y);
}

internal readonly record struct Real(double Value) : IAdScalar<Real>
{
    public static Real Constant(double value) => new(value);

    public static Real operator +(Real left, Real right) => new(left.Value + right.Value);

    public static Real operator -(Real left, Real right) => new(left.Value - right.Value);

    public static Real operator *(Real left, Real right) => new(left.Value * right.Value);

    public static Real operator /(Real left, Real right) => new(left.Value / right.Value);

    public static Real operator -(Real operand) => new(-operand.Value);

    public static Real Exp(Real x) => new(Math.Exp(x.Value));

    public static Real Log(Real x) => new(Math.Log(x.Value));

    public static Real Sqrt(Real x) => new(Math.Sqrt(x.Value));

    public static Real Sin(Real x) => new(Math.Sin(x.Value));

    public static Real Cos(Real x) => new(Math.Cos(x.Value));

    public static Real Tanh(Real x) => new(Math.Tanh(x.Value));

    public static Real Sigmoid(Real x) => new(SpecialFunctions.Sigmoid(x.Value));

    public static Real Softplus(Real x) => new(SpecialFunctions.Softplus(x.Value));

    public static Real PowConstant(Real x, double exponent) => new(RealPow(x.Value, exponent));

    public static Real Pow(Real x, Real y) => new(RealPow(x.Value, y.Value));

    /// <summary>Math.Pow with the common small integer exponents done by multiplication, as PyTorch does.</summary>
    internal static double RealPow(double x, double exponent) => exponent switch
    {
        0 => 1,
        1 => x,
        2 => x * x,
        3 => x * x * x,
        -1 => 1 / x,
        0.5 => Math.Sqrt(x),
        _ => Math.Pow(x, exponent),
    };
}

/// <summary>A value and one directional derivative (forward mode).</summary>
internal readonly record struct Dual(double Value, double Tangent) : IAdScalar<Dual>
{
    public static Dual Constant(double value) => new(value, 0);

    public static Dual operator +(Dual left, Dual right) => new(left.Value + right.Value, left.Tangent + right.Tangent);

    public static Dual operator -(Dual left, Dual right) => new(left.Value - right.Value, left.Tangent - right.Tangent);

    public static Dual operator *(Dual left, Dual right) =>
        new(left.Value * right.Value, left.Tangent * right.Value + left.Value * right.Tangent);

    public static Dual operator /(Dual left, Dual right)
    {
        var value = left.Value / right.Value;
        return new(value, (left.Tangent - value * right.Tangent) / right.Value);
    }

    public static Dual operator -(Dual operand) => new(-operand.Value, -operand.Tangent);

    public static Dual Exp(Dual x)
    {
        var e = Math.Exp(x.Value);
        return new(e, e * x.Tangent);
    }

    public static Dual Log(Dual x) => new(Math.Log(x.Value), x.Tangent / x.Value);

    public static Dual Sqrt(Dual x)
    {
        var s = Math.Sqrt(x.Value);
        return new(s, x.Tangent / (2 * s));
    }

    public static Dual Sin(Dual x) => new(Math.Sin(x.Value), Math.Cos(x.Value) * x.Tangent);

    public static Dual Cos(Dual x) => new(Math.Cos(x.Value), -Math.Sin(x.Value) * x.Tangent);

    public static Dual Tanh(Dual x)
    {
        var t = Math.Tanh(x.Value);
        return new(t, (1 - t * t) * x.Tangent);
    }

    public static Dual Sigmoid(Dual x)
    {
        var s = SpecialFunctions.Sigmoid(x.Value);
        return new(s, s * (1 - s) * x.Tangent);
    }

    public static Dual Softplus(Dual x) =>
        new(SpecialFunctions.Softplus(x.Value), SpecialFunctions.SoftplusDerivative(x.Value) * x.Tangent);

    public static Dual PowConstant(Dual x, double exponent) => exponent == 0
        ? new(1, 0)
        : new(Real.RealPow(x.Value, exponent), exponent * Real.RealPow(x.Value, exponent - 1) * x.Tangent);

    public static Dual Pow(Dual x, Dual y)
    {
        var value = Real.RealPow(x.Value, y.Value);
        // torch.pow: the base's derivative is 0 where the exponent is 0 (not 0·x⁻¹, NaN at x = 0).
        var tangent = y.Value == 0 ? 0 : y.Value * Real.RealPow(x.Value, y.Value - 1) * x.Tangent;
        if (y.Tangent != 0)
        {
            tangent += value * LogForPowExponent(x.Value) * y.Tangent;
        }

        return new(value, tangent);
    }

    /// <summary>log x as the exponent's derivative of x^y needs it; 0 at x = 0 (PyTorch's convention), NaN below.</summary>
    internal static double LogForPowExponent(double x) => x > 0 ? Math.Log(x) : x == 0 ? 0 : double.NaN;
}
