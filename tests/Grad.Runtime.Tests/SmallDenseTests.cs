using Grad.Language.Semantics;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using static Grad.Runtime.Tests.BitPatterns;

namespace Grad.Runtime.Tests;

/// <summary>The plain loops for small layers give the blocked GEMM's numbers, bit for bit.</summary>
public class SmallDenseTests
{
    public static TheoryData<int, int[], int, ActivationKind> Shapes() => new()
    {
        { 1, [1, 1, 1, 1], 1, ActivationKind.Sigmoid },
        { 3, [5, 7, 1], 4, ActivationKind.Tanh },
        { 2, [8, 8, 8, 8, 2], 17, ActivationKind.Relu },
        { 300, [2, 3], 5, ActivationKind.Gelu },     // k = batch over 256 in the weight gradient: two blocks
        { 1, [300, 1], 2, ActivationKind.Softplus }, // k = units over 256 in the upstream product
        { 32, [20, 1], 64, ActivationKind.Sigmoid }, // mixed: the first layer is too large for the loops
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SmallLoopsGiveGemmsBits(int inputs, int[] widths, int batch, ActivationKind activation)
    {
        var layers = widths.Select((units, l) => (units, new Activation(l == widths.Length - 1 ? ActivationKind.Linear : activation), (string?)null));
        var model = NetworkModel.Create("net", inputs, layers, LossKind.Mse);
        Assert.Contains(model.Layers, layer => SmallDense.Fits(batch, layer.Units, layer.InputUnits));
        var rng = new Rng(inputs * 100 + batch);
        var parameters = Enumerable.Range(0, model.ParameterCount).Select(_ => rng.NextGaussian()).ToArray();
        var x = Enumerable.Range(0, batch * inputs).Select(_ => rng.NextGaussian()).ToArray();
        var y = Enumerable.Range(0, batch * model.OutputWidth).Select(_ => rng.NextGaussian()).ToArray();

        var loops = new Backprop(model, batch);
        var gemm = new Backprop(model, batch) { UseSmallKernels = false };
        var loopsGradient = new double[model.ParameterCount];
        var gemmGradient = new double[model.ParameterCount];
        var loopsLoss = loops.Run(parameters, x, y, batch, loopsGradient);
        var gemmLoss = gemm.Run(parameters, x, y, batch, gemmGradient);

        Assert.Equal(Bits(gemmLoss), Bits(loopsLoss));
        Assert.Equal(gemmGradient.Select(Bits), loopsGradient.Select(Bits));
        for (var l = 0; l < model.Layers.Length; l++)
        {
            Assert.Equal(Bits(gemm.PreActivation(l)), Bits(loops.PreActivation(l)));
            Assert.Equal(Bits(gemm.Delta(l)), Bits(loops.Delta(l)));
        }
    }
}
