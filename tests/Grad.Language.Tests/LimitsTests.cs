using System.Text.RegularExpressions;
using Grad.Language.Resources;

namespace Grad.Language.Tests;

/// <summary>The resource model: every size a file can ask for is checked before any work, with one error naming the limit.</summary>
public class LimitsTests
{
    private const string Bowl = "cost bowl(w) = w^2\n";

    /// <summary>20 bracketed chains of 400 terms: 16,039 operations and operands, but only 420 levels deep (within the nesting guard).</summary>
    private static string Wide(string operand, string op) =>
        string.Join(op, Enumerable.Repeat("(" + string.Join(op, Enumerable.Repeat(operand, 400)) + ")", 20));

    public static TheoryData<string, string, string> OversizedFiles() => new()
    {
        { "parameters", "network n {\n input 1\n dense 65536 relu\n dense 65537 relu\n loss mse\n}", "65537" },
        { "parameters", "network n {\n input 2147483647\n dense 2147483647 relu\n dense 2147483647 relu\n loss mse\n}", "2147483647" },
        { "layers", "network n {\n input 1\n repeat 1000000 { dense 1 sigmoid }\n loss mse\n}", "1000000" },
        { "layers", "network n {\n input 1\n repeat 2147483647 { dense 1 sigmoid dense 1 sigmoid }\n loss mse\n}", "2147483647" },
        { "layers", "network n {\n input 1\n dense 1 sigmoid\n repeat 1e8 { residual { } }\n loss mse\n}", "1e8" },
        { "dataValues", "data d = spirals(n = 1e8, noise = 0.1)", "n = 1e8" },
        { "activations", "network n {\n input 2\n dense 3000 relu\n dense 1 sigmoid\n loss bce\n}\ndata d = xor(n = 10000)\nrun r {\n train n on d\n optimizer sgd(lr = 0.1)\n}", "train n on d" },
        { "steps", Bowl + "run r {\n minimize bowl from w = 1\n optimizer sgd(lr = 0.1)\n steps 100000000\n}", "steps 100000000" },
        { "steps", "network n {\n input 2\n dense 1 sigmoid\n loss bce\n}\ndata d = xor(n = 1000000)\nrun r {\n train n on d\n optimizer sgd(lr = 0.1)\n batch 1\n epochs 1000\n}", "epochs 1000" },
        { "traceValues", Bowl + "run r {\n minimize bowl from w = 1\n optimizer sgd(lr = 0.1)\n steps 10000000\n record every 1\n}", "record every 1" },
        { "expressionNodes", "cost c(w) = " + Wide("w", "+"), Wide("w", "+") },
        { "expressionNodes", "let a = " + Wide("2", "*"), Wide("2", "*") },
    };

    [Theory]
    [MemberData(nameof(OversizedFiles))]
    public void An_oversized_file_gets_one_error_at_the_size_naming_the_limit_and_how_to_raise_it(string limit, string text, string at)
    {
        var compilation = Compilation.Create(text);
        var error = Assert.Single(compilation.Diagnostics, d => d.Code == "GRAD0340");
        Assert.Equal(at, compilation.Source[error.Span]);
        Assert.Contains($"({limit}); raise it with `--limit {limit}=N` (grad CLI) or the `grad.limits.{limit}` setting (editor)", error.Message, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"more than the limit of [\d,]+ "), error.Message);

        // Raised far enough, the same file has no limit error (nothing was allocated to find out; 2³¹
        // repeated layers would be bound one by one, so that one is not raised).
        if (text.Contains("repeat 2147483647", StringComparison.Ordinal) || text.Contains("repeat 1e8", StringComparison.Ordinal))
        {
            return;
        }

        var raised = ResourceLimits.All.Aggregate(ResourceLimits.Default, (limits, l) => limits.With(l.Kind, long.MaxValue));
        var unlimited = Compilation.Create(text, null, CompilationOptions.Default with { Limits = raised });
        Assert.DoesNotContain(unlimited.Diagnostics, d => d.Code == "GRAD0340");
    }

    [Fact]
    public void A_file_over_the_source_size_is_refused_before_it_is_read_into_tokens()
    {
        // 39 MB of `let` cycles (a fuzzer case) took 50 s and 7 GB to lex, parse and bind.
        var limit = ResourceLimits.Default[LimitKind.SourceCharacters];
        var line = "let a = b + 1\nlet b = a + 1\n";
        var text = string.Concat(Enumerable.Repeat(line, (int)(limit / line.Length) + 1));
        var compilation = Compilation.Create(text);
        var error = Assert.Single(compilation.Diagnostics);
        Assert.Equal(("GRAD0340", 0, 0), (error.Code, error.Span.Start, error.Span.Length));
        Assert.Equal($"this file has {ResourceLimits.Format(text.Length)} characters, more than the limit of 1,000,000 (sourceCharacters); "
            + "raise it with `--limit sourceCharacters=N` (grad CLI) or the `grad.limits.sourceCharacters` setting (editor)", error.Message);
        Assert.Empty(compilation.Tokens);
        Assert.Empty(compilation.Syntax.Declarations);

        // One character less than the limit is read in full (its cycles are reported).
        var within = Compilation.Create(text[..(int)limit]);
        Assert.DoesNotContain(within.Diagnostics, d => d.Code == "GRAD0340");
        Assert.Contains(within.Diagnostics, d => d.Code == "GRAD0102");
    }

    [Fact]
    public void Sizes_at_the_limit_are_accepted()
    {
        var limits = ResourceLimits.Default.With(LimitKind.Parameters, 4).With(LimitKind.Steps, 10);
        var text = Bowl + "network n {\n input 1\n dense 2 relu\n loss mse\n}\nrun r {\n minimize bowl from w = 1\n optimizer sgd(lr = 0.1)\n steps 10\n}";
        Assert.Empty(Compilation.Create(text, null, CompilationOptions.Default with { Limits = limits }).Diagnostics);

        var over = limits.With(LimitKind.Parameters, 3).With(LimitKind.Steps, 9);
        Assert.Equal(["GRAD0340", "GRAD0340"], Compilation.Create(text, null, CompilationOptions.Default with { Limits = over }).Diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void The_default_trace_is_sampled_so_a_long_run_without_record_every_fits()
    {
        var text = Bowl + "run r {\n minimize bowl from w = 1\n optimizer sgd(lr = 0.1)\n steps 10000000\n}";
        Assert.Empty(Compilation.Create(text).Diagnostics);
    }

    [Theory]
    [InlineData("parameters=1e8", LimitKind.Parameters, 100_000_000)]
    [InlineData("Layers=5000", LimitKind.Layers, 5000)]
    [InlineData("dataFileBytes=1", LimitKind.DataFileBytes, 1)]
    public void A_limit_is_set_by_name(string assignment, LimitKind kind, long value)
    {
        Assert.True(ResourceLimits.Default.TryWith(assignment, out var limits, out var error), error);
        Assert.Equal(value, limits[kind]);
        Assert.NotEqual(ResourceLimits.Default, limits);
        Assert.Equal(ResourceLimits.Default, ResourceLimits.Default.With(kind, ResourceLimits.Info(kind).Default));
    }

    [Theory]
    [InlineData("nosuch=3", "unknown limit 'nosuch'; the limits are parameters, layers,")]
    [InlineData("parameters=0", "--limit parameters=N needs a whole number N ≥ 1")]
    [InlineData("parameters=1.5", "--limit parameters=N needs a whole number N ≥ 1")]
    [InlineData("parameters", "--limit parameters=N needs a whole number N ≥ 1")]
    [InlineData("steps=1e30", "--limit steps=N needs a whole number N ≥ 1")]
    public void A_bad_limit_is_refused_with_the_names(string assignment, string expected)
    {
        Assert.False(ResourceLimits.Default.TryWith(assignment, out _, out var error));
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Docs_list_every_limit_with_its_default()
    {
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "limits.md"));
        Assert.All(ResourceLimits.All, l => Assert.Contains($"| `{l.Name}` | {ResourceLimits.Format(l.Default)} |", docs, StringComparison.Ordinal));
    }
}
