using System.Numerics;
using System.Runtime.CompilerServices;

namespace Grad.Runtime.Numerics;

/// <summary>The divergence check: whether every number of a vector is finite.</summary>
internal static class Finite
{
    /// <remarks>Checked after every update over all parameters (W3's 669,706), so a vector at a
    /// time: x − x is 0 exactly when x is finite (∞ − ∞ and NaN − NaN are NaN).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool All(ReadOnlySpan<double> values)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var block = new Vector<double>(values[i..]);
                if (!Vector.EqualsAll(block - block, Vector<double>.Zero))
                {
                    return false;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                return false;
            }
        }

        return true;
    }
}
