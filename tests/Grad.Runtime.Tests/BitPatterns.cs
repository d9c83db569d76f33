namespace Grad.Runtime.Tests;

/// <summary>A double's bit pattern, for tests that assert the same bits (−0 and NaN payloads included), not only equal values.</summary>
internal static class BitPatterns
{
    public static long Bits(double value) => BitConverter.DoubleToInt64Bits(value);

    public static long[] Bits(ReadOnlySpan<double> values)
    {
        var bits = new long[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            bits[i] = Bits(values[i]);
        }

        return bits;
    }
}
