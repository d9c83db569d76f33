using Grad.Language;
using Grad.Runtime.Costs;

namespace Grad.Runtime.Tests;

/// <summary>The deepest expressions the parser accepts are compiled, evaluated and differentiated on a small stack, and a derivative too large to write out is not written.</summary>
public class DeepExpressionTests
{
    [Theory]
    [InlineData("+", 990.0, "990")]
    [InlineData("*", 990.0, null)]
    [InlineData("^", double.NaN, null)]
    public void A_chain_just_below_the_guard_evaluates_and_differentiates_on_a_1_MB_stack(string op, double gradientAtOne, string? derivative)
    {
        var text = "cost c(w) = " + string.Join(op, Enumerable.Repeat("w", 990));
        string? shown = null;
        double gradient = 0;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                var cost = Assert.Single(Compilation.Create(text).Program.Costs);
                var compiled = CompiledCost.Compile(cost);
                var g = new double[1];
                compiled.EvaluateWithGradient([1.0], g);
                gradient = g[0];
                shown = SymbolicDerivative.DerivativeText(cost, 0);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, 1024 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "did not finish");
        Assert.Null(failure);
        if (!double.IsNaN(gradientAtOne))
        {
            Assert.Equal(gradientAtOne, gradient);
        }

        if (derivative is not null)
        {
            Assert.Equal(derivative, shown);
        }
        else
        {
            Assert.Equal("(more than 20,000 terms written out; not shown)", shown);
        }
    }
}
