using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Grad.Runtime.Numerics;
using static Grad.Runtime.Tests.BitPatterns;

namespace Grad.Runtime.Tests;

/// <summary>
/// The vectorized e^x gives <see cref="Math.Exp"/>'s bits, and the row sigmoid built on it gives the
/// scalar sigmoid's bits. GRAD_EXP_SAMPLES sets how many random inputs the random test draws
/// (10^7 by default; the one-off check of 10^9 in docs/runtime.md ran with 1000000000).
/// </summary>
public class VectorExpTests
{
    [Fact]
    public void IsExactWhereGlibcsFmaExpRuns()
    {
        // glibc 2.28+ on x86-64 with AVX2 and FMA runs the exp this port copies: the vector path must be on.
        var glibc = GlibcVersion();
        if (glibc is not null && glibc >= new Version(2, 28) && RuntimeInformation.ProcessArchitecture == Architecture.X64 && Avx2.IsSupported && Fma.IsSupported)
        {
            Assert.True(VectorExp.IsExact, $"glibc {glibc} with AVX2 and FMA: the self-check against Math.Exp failed");
        }
        else
        {
            Assert.False(VectorExp.IsExact && glibc is null, "the vector exp is on without glibc");
        }
    }

    [Fact]
    public void SelfCheckInputsSeparateExpWithoutFma()
    {
        // Each of the first sixteen start-up inputs is one where glibc's exp compiled without FMA gives
        // other bits: recomputed here without fused operations, they must differ from Math.Exp's.
        var inputs = VectorExp.SelfCheckInputs;
        Assert.Equal(0, inputs.Length % Vector256<double>.Count);
        for (var i = 0; i < 16; i++)
        {
            Assert.NotEqual(Bits(Math.Exp(inputs[i])), Bits(ExpWithoutFma(inputs[i])));
        }
    }

    [Fact]
    public void ExpEqualsMathExpOnRandomInputs()
    {
        if (!VectorExp.IsExact)
        {
            return; // Only the scalar path runs here (IsExactWhereGlibcsFmaExpRuns says where that is allowed).
        }

        var samples = long.TryParse(Environment.GetEnvironmentVariable("GRAD_EXP_SAMPLES"), out var count) ? count : 10_000_000;
        var rng = new Rng(20261130);
        var lanes = new double[Vector256<double>.Count];
        for (long drawn = 0; drawn < samples; drawn += lanes.Length)
        {
            for (var lane = 0; lane < lanes.Length; lane++)
            {
                lanes[lane] = ((drawn / lanes.Length) % 4) switch
                {
                    0 => rng.NextUniform(-40, 40),                   // where a sigmoid's inputs live
                    1 => rng.NextUniform(-746, 710),                 // the whole range: subnormal results, overflow
                    2 => (rng.NextDouble() < 0.5 ? -1 : 1) * Math.ScaleB(1 + rng.NextDouble(), rng.NextInt(72) - 62), // every binade 2^−62 … 2^9
                    _ => BitConverter.Int64BitsToDouble((long)rng.NextUInt64()), // any bits: NaN, ∞, subnormal inputs
                };
            }

            AssertLanesEqual(lanes);
        }
    }

    [Fact]
    public void ExpEqualsMathExpOnEdgeValues()
    {
        if (!VectorExp.IsExact)
        {
            return;
        }

        var edges = new List<double>
        {
            0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, double.NaN, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_0000),
            double.PositiveInfinity, double.NegativeInfinity, 1.0, -1.0,
            709.782712893384, 709.7827128933841, 710, -708.3964185322641, -708.4, -709.089565712824, -744.4400719213812,
            -745.1332191019411, -745.1332191019412, -745.2, -1000,
        };
        edges.AddRange(VectorExp.SelfCheckInputs.ToArray());
        foreach (var power in new[] { -55, -54, -53, 9, 10 })
        {
            // The ends of the main path (2^−54 ≤ |x| < 512) and their neighbours.
            var value = Math.ScaleB(1.0, power);
            edges.AddRange([value, -value, Math.BitIncrement(value), Math.BitDecrement(value), -Math.BitIncrement(value), -Math.BitDecrement(value)]);
        }

        for (var j = -1500; j <= 1500; j += 7)
        {
            // The table's boundaries k·ln2/128 and the points halfway between (where k rounds), with neighbours.
            foreach (var point in new[] { j * Math.Log(2) / 128, (j + 0.5) * Math.Log(2) / 128 })
            {
                edges.AddRange([point, Math.BitIncrement(point), Math.BitDecrement(point)]);
            }
        }

        // Each value in every lane, beside ordinary neighbours.
        var lanes = new double[Vector256<double>.Count];
        foreach (var edge in edges)
        {
            for (var position = 0; position < lanes.Length; position++)
            {
                lanes.AsSpan().Fill(-0.25);
                lanes[position] = edge;
                AssertLanesEqual(lanes);
            }
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(65)]
    public void RowSigmoidGivesTheScalarSigmoidsBits(int length)
    {
        var rng = new Rng(length + 1);
        double[] specials = [0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 800, -800, 1e-300, -1e-300, 36.8, -745.2, 710];
        for (var round = 0; round < 200; round++)
        {
            var x = new double[length];
            for (var i = 0; i < length; i++)
            {
                x[i] = rng.NextInt(8) == 0 ? specials[rng.NextInt(specials.Length)] : rng.NextGaussian(0, round % 3 == 0 ? 30 : 3);
            }

            var rowResult = new double[length];
            SpecialFunctions.Sigmoid(x, rowResult);
            var inPlace = (double[])x.Clone();
            SpecialFunctions.Sigmoid(inPlace, inPlace);
            for (var i = 0; i < length; i++)
            {
                var expected = Bits(SpecialFunctions.Sigmoid(x[i]));
                Assert.True(expected == Bits(rowResult[i]), $"sigmoid({x[i]:R}): row {rowResult[i]:R}, scalar {SpecialFunctions.Sigmoid(x[i]):R}");
                Assert.Equal(expected, Bits(inPlace[i]));
            }
        }
    }

    [Fact]
    public void RowSigmoidRefusesAShortResult() =>
        Assert.Throws<ArgumentException>(() => SpecialFunctions.Sigmoid(new double[5], new double[4]));

    private static void AssertLanesEqual(double[] lanes)
    {
        var result = VectorExp.Exp(Vector256.Create(lanes));
        for (var lane = 0; lane < lanes.Length; lane++)
        {
            var expected = Math.Exp(lanes[lane]);
            if (Bits(result.GetElement(lane)) != Bits(expected))
            {
                Assert.Fail($"exp({lanes[lane]:R}) [bits {Bits(lanes[lane]):x16}]: vector {result.GetElement(lane):R} [{Bits(result.GetElement(lane)):x16}], Math.Exp {expected:R} [{Bits(expected):x16}]");
            }
        }
    }

    /// <summary>glibc's exp on its main path with every product and sum rounded (no FMA), as a C library compiled without it computes.</summary>
    private static double ExpWithoutFma(double x)
    {
        const double shift = 6755399441055744.0;
        var kd = 1.4426950408889634 * 128 * x + shift;
        var k = BitConverter.DoubleToUInt64Bits(kd);
        kd -= shift;
        var r = x + kd * -0.005415212348111709 + kd * -1.2864023111638346e-14;
        var index = (int)(k % 128) * 2;
        var tail = BitConverter.UInt64BitsToDouble(VectorExp.Table[index]);
        var scale = BitConverter.UInt64BitsToDouble(VectorExp.Table[index + 1] + (k << 45));
        var r2 = r * r;
        var tmp = tail + r + r2 * (0.49999999999996786 + r * 0.16666666666665886) + r2 * r2 * (0.0416666808410674 + r * 0.008333335853059549);
        return scale + scale * tmp;
    }

    /// <summary>The C library's version when it is glibc (gnu_get_libc_version), else null.</summary>
    private static Version? GlibcVersion()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            return Version.TryParse(Marshal.PtrToStringAnsi(GnuGetLibcVersion()), out var version) ? version : null;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "gnu_get_libc_version")]
    private static extern IntPtr GnuGetLibcVersion();
}
