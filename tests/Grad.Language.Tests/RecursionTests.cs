using System.Text;
using Grad.Language.Semantics;

namespace Grad.Language.Tests;

/// <summary>
/// No text can exhaust the stack: chains and nesting beyond the guard get one diagnostic, long
/// chains of constants bind without recursion, and everything below the guard compiles even on
/// a thread with a small stack (the server's are 1.5 MB).
/// </summary>
public class RecursionTests
{
    private const int SmallStack = 1024 * 1024;

    public static TheoryData<string, string> TooDeep() => new()
    {
        { "power tower w^w^… (5,100 terms)", "cost c(w) = " + string.Join("^", Enumerable.Repeat("w", 5_100)) },
        { "sum a+a+… (15,500 terms)", "let a = 1\nlet b = " + string.Join("+", Enumerable.Repeat("a", 15_500)) },
        { "signs on separate lines", "let b = " + string.Concat(Enumerable.Repeat("-\n", 6_000)) + "1" },
        { "signs separated by comments", "let b = " + string.Concat(Enumerable.Repeat("- /* c */ + // x\n", 3_000)) + "1" },
        { "nested calls", "cost c(w) = " + string.Concat(Enumerable.Repeat("exp(", 5_000)) + "w" + new string(')', 5_000) },
        { "nested lists", "data d { x: " + new string('[', 5_000) + "1" + new string(']', 5_000) + " y: [1] }" },
        { "unclosed parentheses", "let a = " + new string('(', 20_000) },
        { "mixed operators", "cost c(w) = " + string.Join("*-", Enumerable.Repeat("w", 3_000)) },
    };

    [Theory]
    [MemberData(nameof(TooDeep))]
    public void Beyond_the_guard_a_file_gets_exactly_one_diagnostic_and_no_parse(string what, string text)
    {
        var compilation = CompileOnSmallStack(text);
        var diagnostic = Assert.Single(compilation.Diagnostics);
        Assert.Equal("GRAD0001", diagnostic.Code);
        Assert.StartsWith("this expression is nested or chained more than 1000 levels deep", diagnostic.Message, StringComparison.Ordinal);
        Assert.InRange(diagnostic.Span.Start, 0, text.Length - 1);
        Assert.NotEmpty(compilation.Tokens);
        _ = what;
    }

    [Theory]
    [InlineData("power", "^")]
    [InlineData("sum", "+")]
    [InlineData("product", "*")]
    public void Just_below_the_guard_a_chain_compiles_on_a_small_stack(string what, string op)
    {
        var text = "cost c(w) = " + string.Join(op, Enumerable.Repeat("w", 990)) + "\nlet n = " + string.Concat(Enumerable.Repeat("-", 990)) + "1";
        var compilation = CompileOnSmallStack(text);
        Assert.Empty(compilation.Diagnostics);
        Assert.Single(compilation.Program.Costs);
        Assert.Equal(1, compilation.Program.Constants["n"]);
        _ = what;
    }

    [Fact]
    public void Six_thousand_chained_constants_bind_without_recursion()
    {
        var text = new StringBuilder("let c0 = 1\n");
        for (var i = 1; i <= 6_000; i++)
        {
            text.Append($"let c{i} = c{i - 1} + 1\n");
        }

        // Declared last-first, so that evaluating in file order would recurse 6,000 deep.
        var reversed = string.Join("\n", text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Reverse());
        foreach (var file in new[] { text.ToString(), reversed })
        {
            var compilation = CompileOnSmallStack(file);
            Assert.Empty(compilation.Diagnostics);
            Assert.Equal(6_001, compilation.Program.Constants["c6000"]);
        }
    }

    [Fact]
    public void A_cycle_of_six_thousand_constants_is_one_error()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 6_000; i++)
        {
            text.Append($"let c{i} = c{(i + 1) % 6_000} + 1\n");
        }

        var compilation = CompileOnSmallStack(text.ToString());
        var cycle = Assert.Single(compilation.Diagnostics);
        Assert.Equal("GRAD0102", cycle.Code);
        Assert.Equal("constants depend on each other in a cycle: c0 → c1 → c2 → c3 → c4 → c5 → … (5990 more) → c5996 → c5997 → c5998 → c5999 → c0", cycle.Message);
        Assert.Equal("c0", compilation.Source[cycle.Span]);
        Assert.Equal(5_999, compilation.Source.GetLine(cycle.Span.Start));
        Assert.Empty(compilation.Program.Constants);
    }

    [Fact]
    public void A_short_cycle_reads_as_before()
    {
        var compilation = Compilation.Create("let a = b + 1\nlet b = 2 * a\nlet c = a + 1\n");
        var cycle = Assert.Single(compilation.Diagnostics);
        Assert.Equal("constants depend on each other in a cycle: a → b → a", cycle.Message);
        Assert.Equal("'a' is declared here", Assert.Single(cycle.Related).Message);
    }

    /// <summary>Compiles on a thread with a 1 MB stack: a stack overflow would end the test run, so passing proves the bound.</summary>
    internal static Compilation CompileOnSmallStack(string text)
    {
        Compilation? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = Compilation.Create(text);
            }
            catch (Exception e)
            {
                failure = e;
            }
        }, SmallStack);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(60)), "compilation did not finish");
        Assert.Null(failure);
        return result!;
    }
}
