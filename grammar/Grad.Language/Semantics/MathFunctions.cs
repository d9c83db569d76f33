namespace Grad.Language.Semantics;

/// <summary>The math functions of cost expressions, their values and derivatives.</summary>
public static class MathFunctions
{
    public static double Apply(MathFunction function, double x) => function switch
    {
        MathFunction.Exp => Math.Exp(x),
        MathFunction.Log => Math.Log(x),
        MathFunction.Sqrt => Math.Sqrt(x),
        MathFunction.Abs => Math.Abs(x),
        MathFunction.Sin => Math.Sin(x),
        MathFunction.Cos => Math.Cos(x),
        MathFunction.Tanh => Math.Tanh(x),
        MathFunction.Sigmoid => Sigmoid(x),
        MathFunction.Relu => x < 0 ? 0 : x, // torch.relu: NaN and −0 kept
        MathFunction.Softplus => Softplus(x),
        _ => double.NaN,
    };

    public static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>log(1 + e^x) without overflow for large x.</summary>
    public static double Softplus(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
}
