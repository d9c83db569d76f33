using Grad.Runtime;
using System.Globalization;
using Grad.Language;
using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Tests;

public class FindingTests
{
    private static readonly string[] NetworkCodes = ["GRAD0500", "GRAD0501", "GRAD0506", "GRAD0507"];

    private static readonly string[] Activations = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "gelu", "linear"];

    private static readonly string[] Inits =
        ["normal(mean = 0, std = 1)", "uniform(low = -1, high = 1)", "constant(value = 0.5)", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal"];

    private static readonly int[] Depths = [3, 5, 8, 12, 20, 30, 40];

    private static readonly int[] Widths = [1, 2, 4, 8, 16, 32, 64];

    /// <summary>40 networks: depths 3–40, widths 1–64, every hidden activation and every init, with a sigmoid/bce or linear/mse output.</summary>
    public static TheoryData<int> Table() => [.. Enumerable.Range(0, 40)];

    private static string NetworkFile(int i)
    {
        var depth = Depths[i % Depths.Length];
        var width = Widths[(i / 2 + i) % Widths.Length];
        var activation = Activations[i % Activations.Length];
        var init = Inits[(i / Activations.Length + i) % Inits.Length];
        var (output, loss) = i % 2 == 0 ? ("dense 1 sigmoid", "bce") : ("dense 1 linear", "mse");
        return string.Create(CultureInfo.InvariantCulture, $$"""
            network n{{i}} {
              input 3
              repeat {{depth - 1}} { dense {{width}} {{activation}} }
              {{output}}
              init {{init}}
              loss {{loss}}
              seed {{i}}
            }

            """);
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Every_offered_fix_removes_its_finding_and_a_flagged_network_without_one_says_why(int i)
    {
        var text = NetworkFile(i);
        var findings = new Analyzer().Check(Compilation.Create(text)).Findings.Where(f => NetworkCodes.Contains(f.Code)).ToList();
        foreach (var finding in findings)
        {
            if (finding.Fixes.IsEmpty)
            {
                Assert.Contains("No change of the hidden activation, the init or both removes it here", finding.Message, StringComparison.Ordinal);
                continue;
            }

            Assert.Contains($"Verified fix: {finding.Fixes[0].Title}", finding.Message, StringComparison.Ordinal);
            foreach (var fix in finding.Fixes)
            {
                var edited = Compilation.Create(CandidateKinds.Apply(text, fix.Edits));
                Assert.False(edited.HasErrors, fix.Title);
                var after = new Analyzer(new AnalysisOptions { VerifyFixes = false }).Check(edited).Findings;
                Assert.DoesNotContain(after, f => NetworkCodes.Contains(f.Code));
                var ratio = new Analyzer(new AnalysisOptions { VerifyFixes = false }).Check(edited).Networks[$"n{i}"].Analysis!.Ratio;
                Assert.EndsWith($" = {Numbers.Format(ratio)}", fix.Title, StringComparison.Ordinal);
            }

            // Best first: the ratio closest to 1 on a log scale.
            var distances = finding.Fixes.Select(f => Math.Abs(Math.Log10(f.Predicted))).ToArray();
            Assert.Equal(distances.Order(), distances);
        }
    }

    [Fact]
    public void The_table_flags_networks_and_fixes_most_of_them()
    {
        var flagged = 0;
        var fixedCount = 0;
        foreach (var i in Enumerable.Range(0, 40))
        {
            var findings = new Analyzer().Check(Compilation.Create(NetworkFile(i))).Findings.Where(f => NetworkCodes.Contains(f.Code)).ToList();
            flagged += findings.Count > 0 ? 1 : 0;
            fixedCount += findings.Count > 0 && findings.All(f => !f.Fixes.IsEmpty) ? 1 : 0;
        }

        Assert.InRange(flagged, 10, 40);
        Assert.True(fixedCount * 2 >= flagged, $"{fixedCount} of {flagged} flagged networks have fixes");
    }

    [Fact]
    public void Dead_units_are_never_healthy()
    {
        // Every relu unit starts with z < 0: no δ reaches layer 1 (0/0 in the old ratio).
        var compilation = Compilation.Create("""
            network dead {
              input 2
              repeat 4 { dense 4 relu }
              dense 1 linear
              init constant(value = -1)
              loss mse
            }
            """);
        var analysis = new Analyzer().Check(compilation);
        Assert.Equal(GradientVerdict.Dead, analysis.Networks["dead"].Analysis!.Verdict);
        var finding = Assert.Single(analysis.Findings);
        Assert.Equal("GRAD0506", finding.Code);
        Assert.Contains("no δ reaches the first layer of `dead`", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("optimizer sgd(lr = 0.05)\n  until cost < 0.01")]
    [InlineData("optimizer sgd(lr = 0.1)\n  steps 1000")]
    [InlineData("optimizer sgd(lr = 0.4)\n  until change < 1e-9")]
    public void A_well_conditioned_run_that_converges_gets_no_finding(string settings)
    {
        var compilation = Compilation.Create($$"""
            cost round(w1, w2) = w1^2 + w2^2
            run r {
              minimize round from w1 = 1, w2 = 1
              {{settings}}
            }
            """);
        var run = compilation.Program.Runs[0];
        var analyzer = new Analyzer();
        Assert.Empty(analyzer.Check(compilation).Findings);
        var judged = (CompletedRunResult)analyzer.JudgeRun(compilation, run, Runner.Execute(run));
        Assert.Empty(judged.Findings);
    }

    [Fact]
    public void Lr_above_two_over_lambda_max_is_found_before_running_and_its_fix_is_one_over_lambda_max()
    {
        var compilation = Compilation.Create("""
            cost c(w1, w2) = 3 * w1^2 + w2^2
            run r {
              minimize c from w1 = 1, w2 = 1
              optimizer sgd(lr = 0.5)
              steps 20
            }
            """);
        var finding = Assert.Single(new Analyzer().Check(compilation).Findings);
        Assert.Equal("GRAD0508", finding.Code);
        Assert.Equal(6, finding.Numbers["lambdaMax"], 12);
        Assert.Equal(1.0 / 3, finding.Numbers["stabilityLimit"], 12);
        Assert.Equal(3, finding.Range.Start.Line);
        var fix = Assert.Single(finding.Fixes);
        Assert.Equal("lr = 0.167 (1/λmax): lr·λmax = 1", fix.Title);
    }

    [Fact]
    public void A_non_finite_start_is_not_blamed_on_the_learning_rate()
    {
        var compilation = Compilation.Create("""
            cost c(w) = log(w)
            run r {
              minimize c from w = -1
              optimizer sgd(lr = 0.01)
              steps 10
            }
            """);
        var run = compilation.Program.Runs[0];
        var judged = (CompletedRunResult)new Analyzer().JudgeRun(compilation, run, Runner.Execute(run));
        var finding = Assert.Single(judged.Findings);
        Assert.Equal("GRAD0502", finding.Code);
        Assert.Contains("the cost is not finite at the start point already (w = -1)", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("above the stability limit", finding.Message, StringComparison.Ordinal);
    }
}
