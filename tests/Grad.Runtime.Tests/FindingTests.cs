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
                Assert.Contains("No change of the hidden activation, the init or both, no residual blocks and no norm layers remove it here", finding.Message, StringComparison.Ordinal);
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

    /// <summary>
    /// Networks the cures (residual blocks, a norm after each dense) are tried on: examples/cures.grad's
    /// 30-layer sigmoid chain with its runs, and chains whose first layer changes the width, whose
    /// layers are written one by one, that explode, or that no run trains.
    /// </summary>
    public static TheoryData<string> CureTable() =>
    [
        "examples/cures.grad",
        """
        network deep {
          input 2
          repeat 12 { dense 8 sigmoid }
          dense 1 sigmoid
          init xavier_normal
          loss bce
          seed 2
        }
        data blobs = gaussians(n = 64, classes = 2, spread = 1, seed = 4)
        run deep_run {
          train deep on blobs
          optimizer sgd(lr = 0.1)
          batch 16
          steps 10
        }
        """,
        """
        network written {
          input 4
          dense 4 tanh
          dense 4 tanh  // the second
          dense 4 tanh
          dense 4 tanh
          dense 4 tanh
          dense 4 tanh
          dense 1 linear
          init normal(mean = 0, std = 0.05)
          loss mse
          seed 3
        }
        """,
        """
        network pairs {
          input 2
          repeat 10 { dense 6 sigmoid  dense 6 sigmoid }
          dense 1 sigmoid
          init xavier_uniform
          loss bce
          seed 5
        }
        """,
    ];

    [Theory]
    [MemberData(nameof(CureTable))]
    public void Every_offered_cure_applied_and_checked_again_removes_its_finding(string fileOrText)
    {
        var text = fileOrText.EndsWith(".grad", StringComparison.Ordinal) ? File.ReadAllText(Repo.PathOf(fileOrText)) : fileOrText;
        var path = fileOrText.EndsWith(".grad", StringComparison.Ordinal) ? Repo.PathOf(fileOrText) : null;
        var findings = new Analyzer().Check(Compilation.Create(text, path)).Findings.Where(f => NetworkCodes.Contains(f.Code)).ToList();
        Assert.NotEmpty(findings);
        var cures = findings.SelectMany(f => f.Fixes.Where(x => x.Kind is "residual" or "norm").Select(x => (Finding: f, Fix: x))).ToList();
        Assert.True(cures.Count > 0, string.Join(" | ", findings.Select(f => $"{f.Code} {f.Subject}: {string.Join(", ", f.Fixes.Select(x => x.Title))}")));
        foreach (var (finding, fix) in cures)
        {
            var edited = Compilation.Create(CandidateKinds.Apply(text, fix.Edits), path);
            Assert.False(edited.HasErrors, $"{fix.Title}: {string.Join("; ", edited.Diagnostics.Select(d => d.Message))}");
            var after = new Analyzer(new AnalysisOptions { VerifyFixes = false }).Check(edited);
            Assert.DoesNotContain(after.Findings, f => NetworkCodes.Contains(f.Code) && f.Subject == finding.Subject);
            var analysis = after.Networks[finding.Subject!].Analysis!;
            Assert.EndsWith($"‖ = {Numbers.Format(analysis.Ratio)}", fix.Title, StringComparison.Ordinal);
        }

        // Ranked with the other candidates: the ratio closest to 1 on a log scale first.
        foreach (var finding in findings)
        {
            var distances = finding.Fixes.Select(f => Math.Abs(Math.Log10(f.Predicted))).ToArray();
            Assert.Equal(distances.Order(), distances);
        }
    }

    [Fact]
    public void A_cure_that_does_not_remove_the_finding_is_not_offered()
    {
        // Dead relu units and exploding δ from normal(0, 1) weights: a norm after each dense layer
        // tames the explosion but not the dead units, so it is tried and not offered.
        const string Loud = """
            network loud {
              input 8
              repeat 10 { dense 16 relu }
              dense 1 linear
              init normal(mean = 0, std = 1)
              loss mse
              seed 7
            }
            """;
        var compilation = Compilation.Create(Loud);
        var findings = new Analyzer().Check(compilation).Findings;
        Assert.Contains(findings, f => f.Code == "GRAD0506");
        Assert.All(findings, f => Assert.NotEmpty(new NetworkNormLayers().Propose(compilation, f)));
        Assert.DoesNotContain(findings.SelectMany(f => f.Fixes), f => f.Kind is "residual" or "norm");
        Assert.Contains(findings.SelectMany(f => f.Fixes), f => f.Kind == "activation+init");

        var normalized = Loud.Replace("dense 16 relu }", "dense 16 relu  norm layer }", StringComparison.Ordinal);
        var after = new Analyzer(new AnalysisOptions { VerifyFixes = false }).Check(Compilation.Create(normalized)).Findings;
        Assert.Contains(after, f => NetworkCodes.Contains(f.Code));
    }

    [Fact]
    public void The_thirty_layer_sigmoid_chain_is_offered_residual_blocks_and_norms_with_their_figures()
    {
        var path = Repo.PathOf("examples/cures.grad");
        var text = File.ReadAllText(path);
        var finding = Assert.Single(new Analyzer().Check(Compilation.Create(text, path)).Findings, f => f.Subject == "plain");
        Assert.Equal("GRAD0500", finding.Code);
        var titles = finding.Fixes.Select(f => f.Title).ToArray();
        var residual = Assert.Single(finding.Fixes, f => f.Kind == "residual");
        Assert.StartsWith("wrap in residual blocks: ‖δ¹‖/‖δ³⁰‖ = ", residual.Title, StringComparison.Ordinal);

        // `input 2` then `repeat 29 { dense 4 sigmoid }`: the first copy changes the width and stays plain.
        var edited = CandidateKinds.Apply(text, residual.Edits);
        Assert.Contains("  dense 4 sigmoid  repeat 14 { residual { dense 4 sigmoid  dense 4 sigmoid } }\n", edited, StringComparison.Ordinal);

        // The moons are trained in batches of 50: both norms fit; the layer numbering counts the norms.
        var norms = finding.Fixes.Where(f => f.Kind == "norm").Select(f => f.Title).ToArray();
        Assert.Contains(norms, t => t.StartsWith("norm layer after each dense: ‖δ¹‖/‖δ⁵⁹‖ = ", StringComparison.Ordinal)
            || t.StartsWith("norm batch after each dense: ‖δ¹‖/‖δ⁵⁹‖ = ", StringComparison.Ordinal));
        Assert.True(titles.Length >= 3, string.Join(" | ", titles));
    }

    [Fact]
    public void Norm_batch_is_offered_only_where_a_run_trains_on_batches_of_two_or_more()
    {
        const string Network = """
            network deep {
              input 2
              repeat 12 { dense 8 sigmoid }
              dense 1 sigmoid
              init xavier_normal
              loss bce
              seed 2
            }
            data blobs = gaussians(n = 64, classes = 2, spread = 1, seed = 4)
            """;
        string[] Kinds(string run) => [.. new Analyzer().Check(Compilation.Create(Network + run)).Findings
            .SelectMany(f => f.Fixes).Select(f => f.Title.Split(':')[0]).Where(t => t.StartsWith("norm", StringComparison.Ordinal))];

        Assert.DoesNotContain("norm batch after each dense", Kinds(""));
        Assert.DoesNotContain("norm batch after each dense", Kinds("run r {\n  train deep on blobs\n  optimizer sgd(lr = 0.1)\n  batch 1\n  steps 10\n}\n"));
        Assert.Contains("norm batch after each dense", Kinds("run r {\n  train deep on blobs\n  optimizer sgd(lr = 0.1)\n  batch 16\n  steps 10\n}\n"));
    }

    /// <summary>Runs that diverge: a minimize run above 2/λmax, and training runs whose curvature grows (leaky_relu) or whose units die (relu).</summary>
    private const string HotBowl = """
        cost c(w1, w2) = w1^2 + 10 * w2^2
        run hot {
          minimize c from w1 = 1, w2 = 1
          optimizer sgd(lr = 0.15)
          steps 2000
        }
        """;

    private static string HotNetwork(string activation) => $$"""
        network wide {
          input 1
          repeat 6 { dense 16 {{activation}} }
          dense 1 linear
          init he_normal
          loss mse
          seed 3
        }
        data lin = linear(n = 64, slope = 3, intercept = 1, noise = 0.1, seed = 2)
        run hot {
          train wide on lin
          optimizer sgd(lr = 0.3, momentum = 0.9)
          batch 16
          epochs 50
          seed 1
        }
        """;

    public static TheoryData<string, string> DivergingRuns() => new()
    {
        { HotBowl, "schedule" },
        { HotNetwork("leaky_relu"), "clip" },
    };

    [Theory]
    [MemberData(nameof(DivergingRuns))]
    public void Every_offered_clip_or_schedule_applied_and_run_again_removes_the_divergence(string text, string expectedKind)
    {
        var compilation = Compilation.Create(text);
        var run = compilation.Program.Runs[0];
        var judged = (CompletedRunResult)new Analyzer().JudgeRun(compilation, run, Runner.Execute(run));
        Assert.Equal(StopReason.Diverged, judged.StopReason);
        var finding = Assert.Single(judged.Findings, f => f.Code == "GRAD0502");
        var cures = finding.Fixes.Where(f => f.Kind is "clip" or "schedule").ToList();
        Assert.Contains(cures, f => f.Kind == expectedKind);
        foreach (var fix in cures)
        {
            var edited = Compilation.Create(CandidateKinds.Apply(text, fix.Edits));
            Assert.False(edited.HasErrors, fix.Title);
            Assert.DoesNotContain(edited.Diagnostics, d => d.Code == "GRAD0337"); // the schedule fits the run
            var editedRun = edited.Program.Runs[0];
            var after = (CompletedRunResult)new Analyzer(new AnalysisOptions { VerifyFixes = false }).JudgeRun(edited, editedRun, Runner.Execute(editedRun));
            Assert.NotEqual(StopReason.Diverged, after.StopReason);
            Assert.DoesNotContain(after.Findings, f => RunFindings.OutcomeCodes.Contains(f.Code));
            if (after is TrainResult learned)
            {
                Assert.True(learned.DataLoss <= learned.InitialLoss / 2, $"{fix.Title}: the run does not learn");
            }
            else
            {
                var settled = (MinimizeResult)after;
                Assert.True(settled.FinalGradient.Max(Math.Abs) <= settled.Trace[0].Gradient.Max(Math.Abs) / 2, $"{fix.Title}: the run does not settle");
            }

            var figure = after is TrainResult train ? $"loss {Numbers.Format(train.DataLoss)} after {train.StepsTaken} steps" : $"cost {Numbers.Format(((MinimizeResult)after).FinalCost)} after {after.StepsTaken} steps";
            Assert.Equal($"{(fix.Kind == "clip" ? "clip norm 1.0" : fix.Title[..fix.Title.IndexOf(':', StringComparison.Ordinal)])}: {figure}", fix.Title);
        }

        // The edit is a line of the run, after the optimizer: `clip norm 1.0` or the schedule.
        var clip = finding.Fixes.FirstOrDefault(f => f.Kind == "clip");
        if (clip is not null)
        {
            Assert.Matches(@"\n  optimizer sgd\([^\n]*\)\n  clip norm 1\.0\n", CandidateKinds.Apply(text, clip.Edits));
        }

        var schedule = finding.Fixes.FirstOrDefault(f => f.Kind == "schedule");
        if (schedule is not null)
        {
            var planned = compilation.Program.Runs[0].PlannedStepsBeforeLoading!.Value;
            Assert.Matches(@$"\n  optimizer sgd\([^\n]*\)\n  schedule warmup\(steps = {planned / 10}, start = 0\.1\) then cosine\(period = {planned - (planned / 10)}\)\n", CandidateKinds.Apply(text, schedule.Edits));
        }
    }

    [Fact]
    public void A_clip_that_only_stops_the_divergence_is_not_offered()
    {
        // lr = 5 on x² + 10y²: clipped to length 5 the steps hop about the minimum for ever; the
        // run no longer diverges, but its gradient stays as large as at the start.
        const string Text = """
            cost f(x, y) = x^2 + 10 * y^2
            run wild {
              minimize f from x = 1, y = 1
              optimizer sgd(lr = 5)
              steps 400
            }
            """;
        var compilation = Compilation.Create(Text);
        var finding = Assert.Single(((CompletedRunResult)new Analyzer().JudgeRun(compilation, compilation.Program.Runs[0], Runner.Execute(compilation.Program.Runs[0]))).Findings);
        Assert.Equal("GRAD0502", finding.Code);
        Assert.DoesNotContain(finding.Fixes, f => f.Kind == "clip");

        var clipped = Compilation.Create(Text.Replace("  steps 400", "  clip norm 1.0\n  steps 400", StringComparison.Ordinal));
        var after = (MinimizeResult)Runner.Execute(clipped.Program.Runs[0]);
        Assert.NotEqual(StopReason.Diverged, after.StopReason);
        Assert.True(after.FinalGradient.Max(Math.Abs) > after.Trace[0].Gradient.Max(Math.Abs) / 2);
    }

    [Fact]
    public void Clipping_is_not_offered_when_the_clipped_run_still_ends_badly()
    {
        // relu units of this network die when the steps are large: clipping stops the divergence,
        // but the units still die (GRAD0506 during training), so neither cure is offered.
        var text = HotNetwork("relu");
        var compilation = Compilation.Create(text);
        var run = compilation.Program.Runs[0];
        var judged = (CompletedRunResult)new Analyzer().JudgeRun(compilation, run, Runner.Execute(run));
        var finding = Assert.Single(judged.Findings, f => f.Code == "GRAD0502");
        Assert.DoesNotContain(finding.Fixes, f => f.Kind is "clip" or "schedule");

        var clipped = Compilation.Create(text.Replace("  batch 16", "  clip norm 1.0\n  batch 16", StringComparison.Ordinal));
        var clippedRun = clipped.Program.Runs[0];
        var after = (CompletedRunResult)new Analyzer(new AnalysisOptions { VerifyFixes = false }).JudgeRun(clipped, clippedRun, Runner.Execute(clippedRun));
        Assert.NotEqual(StopReason.Diverged, after.StopReason);
        Assert.Contains(after.Findings, f => f.Code == "GRAD0506");
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

    [Fact]
    public void An_overflowing_network_is_told_apart_from_dead_units()
    {
        // Weights of 1e160: layer 2's z is ±∞, layer 3's ∞ − ∞ = NaN, and relu keeps the NaN (as torch.relu does), so
        // the loss and every δ are NaN: GRAD0506 must say that the pass overflows, not that ‖δ¹‖ = 0 or units are dead.
        var compilation = Compilation.Create(ReluLikeTorchTests.OverflowingNetwork);
        var analysis = new Analyzer().Check(compilation);
        var network = analysis.Networks["blow"].Analysis!;
        Assert.True(double.IsNaN(network.Loss));
        Assert.Equal(GradientVerdict.Dead, network.Verdict);
        var finding = Assert.Single(analysis.Findings);
        Assert.Equal("GRAD0506", finding.Code);
        Assert.Contains("no finite δ reaches the first layer of `blow`: at the initial weights the loss is NaN", finding.Message, StringComparison.Ordinal);
        Assert.Contains("overflows", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("‖δ¹‖ = 0", finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dead", finding.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([1, 2, 3, 4], finding.Layers.ToArray());
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

    [Theory]
    [InlineData(8, true)]     // 33 parameters × 200 samples: measured
    [InlineData(300, false)]  // 91,501 parameters × 200 samples, above StabilityLimit.MaxStartWork: not measured
    public void Lambda_max_at_the_start_is_measured_only_up_to_a_bounded_amount_of_work(int width, bool measured)
    {
        var compilation = Compilation.Create($$"""
            data d = spirals(n = 100, noise = 0.1, seed = 3)
            network net {
              input 2
              dense {{width}} tanh
              {{(width > 8 ? $"dense {width} tanh" : "")}}
              dense 1 sigmoid
              loss bce
              seed 1
            }
            run r {
              train net on d
              optimizer sgd(lr = 0.1)
              steps 5
            }
            """);
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var run = compilation.Program.Runs[0];
        var lambdaMax = StabilityLimit.LambdaMaxAtStart(run, Runtime.Data.DataLoader.Load);
        Assert.Equal(measured, lambdaMax is not null);
        if (lambdaMax is { } value)
        {
            Assert.True(double.IsFinite(value) && value > 0, $"λmax {value}");
        }
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

    /// <summary>tests/findings/dying_relu.grad: relu units alive at the start that training kills.</summary>
    public static string DyingRelu => File.ReadAllText(Repo.PathOf("tests/findings/dying_relu.grad"));

    [Fact]
    public void Units_that_die_during_training_are_reported_at_the_runs_last_step()
    {
        var compilation = Compilation.Create(DyingRelu);
        Assert.False(compilation.HasErrors);
        var analyzer = new Analyzer();
        Assert.DoesNotContain(analyzer.Check(compilation).Findings, f => f.Code == "GRAD0506"); // alive at the initial weights

        var run = compilation.Program.Runs[0];
        var result = Assert.IsType<TrainResult>(analyzer.JudgeRun(compilation, run, Runner.Execute(run)));
        var dead = Assert.Single(result.Findings, f => f.Code == "GRAD0506");
        Assert.Equal((30, "fit", "1"), (dead.Step, dead.Subject, string.Join(",", dead.Layers)));
        Assert.Equal(2, dead.Numbers["deadUnits"]);
        Assert.Equal("units of `n` died during run `fit`: at its last step (30) 2 of 4 relu units of layer 1 have δ = 0 for every sample of the first batch of `d` "
            + "(z ≤ 0, so relu passes nothing back); they were alive at the start. Their weights no longer learn.", dead.Message);
        Assert.Equal("fit", compilation.Source[dead.Span]);
        Assert.Equal("GRAD0506", (string)ResultSerializer.ToJson(result)["findings"]![0]!["code"]!);
    }
}
