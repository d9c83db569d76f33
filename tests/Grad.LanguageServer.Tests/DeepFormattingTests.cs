using Grad.Language;
using Grad.LanguageServer.Features.Formatting;

namespace Grad.LanguageServer.Tests;

/// <summary>The formatter works on the tokens, without recursion: the deepest text formats on a small stack.</summary>
public class DeepFormattingTests
{
    [Theory]
    [InlineData("^", 990)]
    [InlineData("+", 990)]
    [InlineData("^", 6000)]
    public void Formatting_a_deep_chain_never_overflows_the_stack(string op, int terms)
    {
        var text = "cost c(w) = " + string.Join(op, Enumerable.Repeat("w", terms)) + "\nlet n = (" + string.Concat(Enumerable.Repeat("- ", 400)) + "1)";
        string? formatted = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                formatted = GradFormatter.Format(Compilation.Create(text));
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, 1024 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "did not finish");
        Assert.Null(failure);
        Assert.NotNull(formatted);
        Assert.Equal(Compilation.Create(text).Tokens.Select(t => t.Text), Compilation.Create(formatted!).Tokens.Select(t => t.Text));
        if (terms < 1000)
        {
            Assert.Empty(Compilation.Create(formatted!).Diagnostics);
        }
    }
}
