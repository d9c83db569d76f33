using Grad.Language.Semantics;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using static Grad.Runtime.Tests.BitPatterns;

namespace Grad.Runtime.Tests;

/// <summary>The row loops of <see cref="Activations"/> (vectorized where they can be) give the element functions' bits.</summary>
public sealed class ActivationRowTests
{
    // −0, NaNs with either sign and a payload, infinities, subnormals: where a comparison or a select could differ from z < 0 ? 0 : z.
    private static readonly double[] Specials =
    [
        0.0, -0.0, double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000), BitConverter.Int64BitsToDouble(0x7FF0_0000_0000_0123), double.PositiveInfinity, double.NegativeInfinity,
        double.Epsilon, -double.Epsilon, 1e-310, -1e-310, double.MaxValue, -double.MaxValue, 1.5, -2.5,
    ];

    public static TheoryData<ActivationKind> Kinds => [ActivationKind.Relu, ActivationKind.Sigmoid, ActivationKind.Linear, ActivationKind.Tanh];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Rows_of_any_length_give_each_elements_bits(ActivationKind kind)
    {
        var activation = new Activation(kind);
        var rng = new Rng(17);
        for (var length = 0; length <= 37; length++)
        {
            // Special values at every position and lane, between random ones.
            var z = Enumerable.Range(0, length).Select(i => i % 3 == 0 ? Specials[(i / 3 + length) % Specials.Length] : rng.NextGaussian()).ToArray();
            var upstream = Enumerable.Range(0, length).Select(i => i % 4 == 1 ? Specials[(i + 2 * length) % Specials.Length] : rng.NextGaussian()).ToArray();
            var a = new double[length];
            Activations.Forward(activation, z, a);
            Assert.Equal(Bits(z.Select(value => Activations.Value(activation, value)).ToArray()), Bits(a));

            var delta = new double[length];
            Activations.Backward(activation, z, a, upstream, delta);
            Assert.Equal(Bits(z.Select((value, i) => Activations.Delta(activation, value, a[i], upstream[i])).ToArray()), Bits(delta));
        }
    }
}
