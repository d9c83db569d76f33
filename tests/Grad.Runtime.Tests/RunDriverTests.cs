using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Data;
using Grad.Runtime.Runs;
using static Grad.Runtime.Tests.Fixtures;

namespace Grad.Runtime.Tests;

/// <summary>The one run driver (<see cref="RunDriver"/>): progress reports, its data cache, the order of a file's runs and sweeps, cancellation.</summary>
public sealed class RunDriverTests
{
    /// <summary>Collects reports synchronously (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class Reports : IProgress<RunProgress>
    {
        public List<RunProgress> All { get; } = [];

        public void Report(RunProgress value) => All.Add(value);
    }

    private static readonly RunOptions EveryLook = new() { ProgressInterval = TimeSpan.Zero };

    [Fact]
    public void A_minimize_runs_reports_carry_every_recorded_point_from_the_start_to_the_final_one()
    {
        var reports = new Reports();
        var run = Minimize("m", Rosenbrock(), [-1.5, 2], Sgd(0.001), steps: 500, recordEvery: 7);
        var result = (MinimizeResult)new RunDriver(EveryLook).Run(run, progress: reports);

        var first = reports.All[0];
        Assert.Equal(0, first.Step);
        Assert.False(first.Final);
        Assert.Equal(0, first.MinimizePoints[0].Step);
        var last = reports.All[^1];
        Assert.True(last.Final);
        Assert.Equal(result.StepsTaken, last.Step);
        Assert.Single(reports.All, r => r.Final);
        Assert.All(reports.All, r => Assert.Equal("m", r.RunName));
        Assert.All(reports.All, r => Assert.Equal(500, r.TotalSteps));
        Assert.All(reports.All, r => Assert.Empty(r.TrainPoints));
        // A minimize run looks at the clock every 32 steps: more than the start and the end were reported.
        Assert.True(reports.All.Count > 10, $"{reports.All.Count} reports");
        Assert.Equal(reports.All.Select(r => r.Step).Order(), reports.All.Select(r => r.Step));

        var reported = reports.All.SelectMany(r => r.MinimizePoints).ToList();
        Assert.Equal(result.Trace.Select(p => p.Step), reported.Select(p => p.Step));
        for (var i = 0; i < reported.Count; i++)
        {
            Assert.Equal(result.Trace.Cost(i), reported[i].Cost);
            Assert.Equal(result.Trace.Parameters(i).ToArray(), reported[i].Parameters);
            Assert.Equal(result.Trace.Gradient(i).ToArray(), reported[i].Gradient);
        }
    }

    [Fact]
    public void A_training_runs_reports_carry_every_recorded_point_with_its_delta_norms()
    {
        var reports = new Reports();
        var network = Network("n", 1, [Layer(1, 3, 1, new Activation(ActivationKind.Tanh)), Layer(2, 1, 3, new Activation(ActivationKind.Sigmoid))], LossKind.Mse, seed: 5);
        var data = Inline("d", [[0.1], [0.5], [-0.3], [0.9], [0.7]], [[0.0], [1.0], [0.0], [1.0], [1.0]]);
        var result = (TrainResult)new RunDriver(EveryLook).Run(Train("t", network, data, Sgd(0.5), epochs: 40, batch: 2, seed: 9), progress: reports);

        Assert.Equal(120, result.StepsTaken);
        Assert.Equal(0, reports.All[0].Step);
        Assert.True(reports.All[^1].Final);
        Assert.Equal(120, reports.All[^1].Step);
        Assert.All(reports.All, r => Assert.Empty(r.MinimizePoints));
        var reported = reports.All.SelectMany(r => r.TrainPoints).ToList();
        Assert.Equal(Enumerable.Range(0, 121), reported.Select(p => p.Step));
        for (var i = 0; i < reported.Count; i++)
        {
            Assert.Equal(result.Trace.Loss(i), reported[i].Loss);
            Assert.Equal(result.Trace.DeltaNorms(i).ToArray(), reported[i].DeltaNorms);
            Assert.Equal(result.Trace.WeightGradNorms(i).ToArray(), reported[i].WeightGradNorms);
            Assert.Equal(result.Trace.Health(i)!.DeadFractions, reported[i].Health!.DeadFractions);
            Assert.Equal(result.Trace.Health(i)!.SaturatedFractions, reported[i].Health!.SaturatedFractions);
            Assert.Equal(result.Trace.Health(i)!.UpdateRatios, reported[i].Health!.UpdateRatios);
            Assert.Equal(result.Trace.Health(i)!.Sharpness, reported[i].Health!.Sharpness);
        }
    }

    [Fact]
    public void A_listener_that_takes_no_points_gets_the_same_reports_without_them_and_the_same_result()
    {
        var network = Network("n", 1, [Layer(1, 3, 1, new Activation(ActivationKind.Tanh)), Layer(2, 1, 3, new Activation(ActivationKind.Sigmoid))], LossKind.Mse, seed: 5);
        var data = Inline("d", [[0.1], [0.5], [-0.3], [0.9], [0.7]], [[0.0], [1.0], [0.0], [1.0], [1.0]]);
        var run = Train("t", network, data, Sgd(0.5), epochs: 40, batch: 2, seed: 9);
        var (withPoints, withoutPoints) = (new Reports(), new Reports());
        var full = (TrainResult)new RunDriver(EveryLook).Run(run, progress: withPoints);
        var bare = (TrainResult)new RunDriver(EveryLook with { ProgressPoints = false }).Run(run, progress: withoutPoints);

        Assert.Equal(withPoints.All.Select(r => (r.Step, r.Final)), withoutPoints.All.Select(r => (r.Step, r.Final)));
        Assert.All(withoutPoints.All, r => Assert.Empty(r.TrainPoints));
        Assert.Equal(full.Trace.Count, bare.Trace.Count);
        for (var i = 0; i < full.Trace.Count; i++)
        {
            Assert.Equal(full.Trace.DeltaNorms(i).ToArray(), bare.Trace.DeltaNorms(i).ToArray());
            Assert.Equal(full.Trace.Health(i)!.UpdateRatios, bare.Trace.Health(i)!.UpdateRatios);
        }
    }

    [Fact]
    public void With_a_trace_cap_the_reports_still_carry_the_points_that_thinning_drops_later()
    {
        var reports = new Reports();
        var run = Minimize("m", Bowl(), [1, 1], Sgd(0.01), steps: 3000);
        var result = (MinimizeResult)new RunDriver(EveryLook with { MaxTracePoints = 100 }).Run(run, progress: reports);

        Assert.True(result.Trace.Count <= 100, $"{result.Trace.Count} points kept");
        var reported = reports.All.SelectMany(r => r.MinimizePoints).Select(p => p.Step).ToList();
        // The cap makes the run record more sparsely as it goes (every step, then every 2nd, …); the reports keep what it dropped.
        Assert.Equal(reported.Order().Distinct(), reported);
        Assert.Equal(Enumerable.Range(0, 101), reported.Take(101));
        Assert.Equal(3000, reported[^1]);
        Assert.True(reported.Count > 2 * result.Trace.Count, $"{reported.Count} reported, {result.Trace.Count} kept");
        Assert.Subset(reported.ToHashSet(), result.Trace.Select(p => p.Step).ToHashSet());
    }

    [Fact]
    public void Reports_change_no_number_of_the_result()
    {
        var run = Minimize("m", Rosenbrock(), [-1.5, 2], Sgd(0.001), steps: 300);
        var quiet = ResultSerializer.ToJson(new RunDriver().Run(run)).ToString();
        var watched = ResultSerializer.ToJson(new RunDriver(EveryLook).Run(run, progress: new Reports())).ToString();
        Assert.Equal(quiet, watched);
    }

    [Fact]
    public void A_files_runs_share_one_data_cache_and_finish_in_file_order_then_the_sweep_members()
    {
        var compilation = Compilation.Create("""
            network net {
              input 2
              dense 3 tanh
              dense 1 sigmoid
              loss bce
            }
            data blobs = gaussians(n = 40, classes = 2, spread = 0.5, seed = 1)
            run first {
              train net on blobs
              optimizer sgd(lr = 0.1)
              epochs 3
            }
            run second {
              train net on blobs
              optimizer adam(lr = 0.01)
              epochs 2
              batch 8
            }
            sweep grid {
              run first
              vary lr in [0.1, 0.2, 0.3]
            }
            """, "driver.grad");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics));
        var loads = 0;
        var driver = new RunDriver(jobs: 2, data: new DataCache(d =>
        {
            Interlocked.Increment(ref loads);
            return DataLoader.Load(d);
        }));
        var order = new List<string>();
        var results = driver.RunFile(compilation.Program, finished: (run, result) =>
        {
            Assert.Equal(run.Name, result.Name);
            Assert.Equal(run.Member, result.Member);
            order.Add(result.Name);
            return result;
        });

        Assert.Equal(1, loads);
        Assert.Equal(1, driver.Data.Count);
        Assert.Equal(["first", "second", .. compilation.Program.Sweeps[0].Members.Select(m => m.Name)], order);
        Assert.Equal(order, results.Select(r => r.Name));
        Assert.Equal(5, results.OfType<TrainResult>().Count());
        Assert.All(results.Skip(2), r => Assert.Equal("grid", r.Member?.Sweep));
    }

    [Fact]
    public void An_edited_copy_of_a_file_finds_its_generated_and_csv_data_in_the_cache_but_not_another_generators()
    {
        const string text = """
            data a = xor(n = 20, seed = 4)
            data b = xor(n = 20, seed = 5)
            """;
        var cache = new DataCache();
        var first = Compilation.Create(text, "a.grad").Program.Data;
        var again = Compilation.Create("// edited\n" + text, "a.grad").Program.Data;
        var loadedA = cache.Load(first[0]);
        Assert.Same(loadedA, cache.Load(again[0]));
        Assert.NotSame(loadedA, cache.Load(first[1]));
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void A_cancelled_driver_starts_no_run()
    {
        var compilation = Compilation.Create(File.ReadAllText(Repo.PathOf("examples/seed.grad")), "seed.grad");
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Empty(new RunDriver().RunFile(compilation.Program, cancelled.Token));
    }

    [Fact]
    public void A_run_that_throws_goes_to_failed_and_the_others_still_run()
    {
        var good = Minimize("good", Bowl(), [1, 1], Sgd(0.1), steps: 10);
        // A training run without a network cannot start: the runtime throws (a bug in a front end, never a user's file).
        var broken = good with { Name = "broken", Kind = RunKind.Train, Cost = null };
        var program = Compilation.Create("", "x.grad").Program with { Runs = [broken, good] };
        var failures = new List<string>();
        var results = new RunDriver().RunFile(program, failed: (run, error) => failures.Add($"{run.Name}: {error.GetType().Name}"));
        Assert.Equal(["broken: ArgumentException"], failures);
        Assert.Equal(["good"], results.Select(r => r.Name));
        Assert.Throws<ArgumentException>(() => new RunDriver().RunFile(program));
    }
}
