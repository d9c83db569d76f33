using Grad.Language.Semantics;

namespace Grad.Runtime.Optimizers;

/// <summary>
/// PyTorch's <c>clip_grad_norm_</c> and <c>clip_grad_value_</c> over all parameters, on one flat
/// gradient vector. The total norm is the L2 norm of the per-tensor norms (W^l and b^l of each
/// layer, as torch stacks them), and the gradient is scaled by min(1, C/(norm + 1e-6)).
/// </summary>
public static class GradientClipping
{
    /// <summary>Clips <paramref name="gradient"/> in place; returns whether it changed anything (the norm, or some component, was above the bound).</summary>
    public static bool Apply(ClipSpec clip, Span<double> gradient, double totalNorm)
    {
        if (clip.Kind == ClipKind.Value)
        {
            var clipped = false;
            for (var i = 0; i < gradient.Length; i++)
            {
                var clamped = Math.Clamp(gradient[i], -clip.Bound, clip.Bound);
                clipped |= clamped != gradient[i];
                gradient[i] = clamped;
            }

            return clipped;
        }

        // torch multiplies by the clamped coefficient even when it is 1 (a no-op in floating point).
        var coefficient = Math.Min(clip.Bound / (totalNorm + 1e-6), 1.0);
        for (var i = 0; i < gradient.Length; i++)
        {
            gradient[i] *= coefficient;
        }

        return coefficient < 1.0;
    }

    /// <summary>Whether <see cref="Apply"/> would change <paramref name="gradient"/>.</summary>
    public static bool WouldClip(ClipSpec clip, ReadOnlySpan<double> gradient, double totalNorm)
    {
        if (clip.Kind == ClipKind.Norm)
        {
            return clip.Bound / (totalNorm + 1e-6) < 1.0;
        }

        foreach (var value in gradient)
        {
            if (Math.Abs(value) > clip.Bound)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>‖g‖₂ of the whole gradient as torch computes it: the norm of the tensors' norms.</summary>
    public static double TotalNorm(IEnumerable<(int Offset, int Length)> tensors, ReadOnlySpan<double> gradient)
    {
        var sum = 0.0;
        foreach (var (offset, length) in tensors)
        {
            var norm = Norm(gradient.Slice(offset, length));
            sum += norm * norm;
        }

        return Math.Sqrt(sum);
    }

    private static double Norm(ReadOnlySpan<double> values)
    {
        var sum = 0.0;
        foreach (var value in values)
        {
            sum += value * value;
        }

        return Math.Sqrt(sum);
    }
}
