using System.Diagnostics;
using System.Globalization;

namespace Grad.Benchmarks;

public static class Program
{
    /// <summary>
    /// BenchmarkDotNet by default; <c>quick</c> prints a rough Stopwatch timing of both
    /// workloads (µs per operation) for a fast look without BenchmarkDotNet's statistics.
    /// </summary>
    public static void Main(string[] args)
    {
        if (args is ["quick", ..])
        {
            Quick(args);
            return;
        }

        BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }

    private static void Quick(string[] args)
    {
        if (args is [_, "files", .. var files])
        {
            // Each file's runs in-process, best of 3 by CPU time (the machine is shared): start-up excluded, for profiling the run loop.
            foreach (var file in files)
            {
                var program = Language.Compilation.Create(File.ReadAllText(file), file).Program;
                var options = new Runtime.Runs.RunOptions { Threads = 1 };
                var seconds = Enumerable.Range(0, 3).Min(_ =>
                {
                    var started = Process.GetCurrentProcess().TotalProcessorTime;
                    new Runtime.Runs.RunDriver(options).RunFile(program);
                    return (Process.GetCurrentProcess().TotalProcessorTime - started).TotalSeconds;
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(file)} {seconds:F4} s CPU"));
            }

            return;
        }

        if (args is [_, "startup", var startupFile])
        {
            // What `grad run FILE` does, phase by phase, in this (fresh) process: each phase's first
            // call, JIT and type loading included (publish this project for a runtime identifier to
            // measure ReadyToRun code, as the CLI ships).
            var clock = Stopwatch.StartNew();
            var last = 0.0;
            void Mark(string phase)
            {
                var now = clock.Elapsed.TotalMilliseconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{phase,-28} {now - last,7:F1} ms"));
                last = now;
            }

            var text = File.ReadAllText(startupFile);
            var compilation = Language.Compilation.Create(text, startupFile);
            Mark("compile (parse, bind)");
            var unverified = new Runtime.Analysis.Analyzer(new Runtime.Analysis.AnalysisOptions { VerifyFixes = false }).Check(compilation);
            Mark($"analysis ({unverified.Findings.Length} findings)");
            _ = new Runtime.Analysis.Analyzer().Check(compilation);
            Mark("analysis again, verifying fixes");
            var driver = new Runtime.Runs.RunDriver(new Runtime.Runs.RunOptions { Threads = 1 });
            var judge = new Runtime.Analysis.Analyzer(new Runtime.Analysis.AnalysisOptions { LoadData = driver.Data.Load });
            foreach (var run in compilation.Program.Runs)
            {
                var result = Runtime.Runs.Runner.Execute(run, new Runtime.Runs.RunOptions { Threads = 1, LoadData = driver.Data.Load });
                Mark($"run {run.Name}");
                judge.JudgeRun(compilation, run, result);
                Mark($"judge {run.Name}");
            }

            return;
        }

        if (args is [_, "limit", ..])
        {
            HardwareLimit.Print(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20);
            return;
        }

        if (args is [_, "split", ..])
        {
            GemmSplit.Print(args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20);
            return;
        }

        if (args is [_, "bands", ..])
        {
            // quick bands [calls] [shared] [cold]
            GemmBands.Print(args.Length > 2 && int.TryParse(args[2], CultureInfo.InvariantCulture, out var calls) ? calls : 200, args.Contains("shared"), args.Contains("cold"));
            return;
        }

        if (args is [_, "chain"])
        {
            // W2's pass in process against its floor, 50 dependent sigmoids (each waits for the
            // last). Warmed up first, then many short rounds, so a shared machine's quiet moments count.
            var chainOnly = new ChainWorkload();
            var floor = 0.5;
            Func<double> sigmoids = () =>
            {
                for (var l = 0; l < ChainWorkload.Layers; l++)
                {
                    floor = Runtime.Numerics.SpecialFunctions.Sigmoid(Math.FusedMultiplyAdd(floor, 0.9, 0.1));
                }

                return floor;
            };
            foreach (var action in new Func<double>[] { chainOnly.Run, chainOnly.Forward, sigmoids })
            {
                Measure(action, 200_000);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chain_us {Enumerable.Range(0, 40).Min(_ => Measure(chainOnly.Run, 200)):F3}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chain_forward_us {Enumerable.Range(0, 40).Min(_ => Measure(chainOnly.Forward, 200)):F3}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sigmoid_chain_floor_us {Enumerable.Range(0, 40).Min(_ => Measure(sigmoids, 200)):F3}"));
            return;
        }

        if (args is [_, "cost"])
        {
            var compilation = Language.Compilation.Create("let a = 0.001\ncost bowl(w1, w2) = a * w1^2 + w2^2\n", "bowl.grad");
            var cost = Runtime.Costs.CompiledCost.Compile(compilation.Program.Costs[0]);
            double[] point0 = [1, 1];
            var gradient0 = new double[2];
            var compileWatch = Stopwatch.StartNew();
            var straightLine = cost.CompileStraightLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bowl_first_compile_ms {compileWatch.Elapsed.TotalMilliseconds:F1}"));
            compileWatch.Restart();
            cost.CompileStraightLine()(point0, gradient0);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bowl_second_compile_ms {compileWatch.Elapsed.TotalMilliseconds:F1}"));
            var workspace = cost.CreateWorkspace();
            double[] point = [1, 1];
            var gradient = new double[2];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bowl_tape_ns {Measure(() => cost.EvaluateWithGradient(point, gradient, workspace), 1_000_000) * 1000:F2}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bowl_straight_line_ns {Measure(() => straightLine(point, gradient), 1_000_000) * 1000:F2}"));
            return;
        }

        if (args is [_, "cores", ..])
        {
            // quick cores [trips] [rounds]: one way, core to core, for a written cache line (what W3's two-thread step pays per shared line).
            var trips = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100_000;
            var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 5;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"core_to_core_ns {CoreToCore.OneWayNanoseconds(trips, rounds):F0}"));
            return;
        }

        if (args is [_, "threads"])
        {
            // W3's step in process at 1 and 2 threads, alternating short rounds so that both see
            // the same moments of a shared machine: unrecorded (a long run's steps), forward and backward alone, and
            // recorded (every step of W3's runs in bench/compare.sh is a trace point); and the bare hand-over of an empty part.
            var one = new MlpWorkload(threads: 1);
            var two = new MlpWorkload(threads: 2);
            Measure(one.Step, 10);
            Measure(two.Step, 10);
            var (bestOne, bestTwo, bestOneFb, bestTwoFb) = (double.MaxValue, double.MaxValue, double.MaxValue, double.MaxValue);
            var (bestOneRecorded, bestTwoRecorded) = (double.MaxValue, double.MaxValue);
            for (var round = 0; round < 8; round++)
            {
                bestOne = Math.Min(bestOne, Measure(one.Step, 10));
                bestTwo = Math.Min(bestTwo, Measure(two.Step, 10));
                bestOneFb = Math.Min(bestOneFb, Measure(one.ForwardBackward, 10));
                bestTwoFb = Math.Min(bestTwoFb, Measure(two.ForwardBackward, 10));
                bestOneRecorded = Math.Min(bestOneRecorded, Measure(one.RecordedStep, 10));
                // As a two-thread run holds the team: its workers keep spinning between the step's hand-overs.
                using (Runtime.Numerics.ThreadTeam.Active())
                {
                    bestTwoRecorded = Math.Min(bestTwoRecorded, Measure(two.RecordedStep, 10));
                }
            }

            var handOver = Measure(() =>
            {
                Runtime.Numerics.ThreadTeam.Run(2, _ => { });
                return 0;
            }, 10_000);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mlp_step_us threads1 {bestOne:F1} threads2 {bestTwo:F1} ratio {bestOne / bestTwo:F2}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mlp_forward_backward_us threads1 {bestOneFb:F1} threads2 {bestTwoFb:F1} ratio {bestOneFb / bestTwoFb:F2}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mlp_recorded_step_us threads1 {bestOneRecorded:F1} threads2 {bestTwoRecorded:F1} ratio {bestOneRecorded / bestTwoRecorded:F2} (every step a trace point, as W3's runs)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"hand_over_us {handOver:F2}"));

            // W3's five large products as Backprop calls them (m, n, k, A's strides, B's strides), at 1 and 2 threads.
            foreach (var (name, m, n, k, aRow, aCol, bRow, bCol) in new[]
            {
                ("forward1", 128, 512, 784, 784, 1, 1, 784), ("forward2", 128, 512, 512, 512, 1, 1, 512),
                ("weights2", 512, 512, 128, 1, 512, 512, 1), ("upstream2", 128, 512, 512, 512, 1, 512, 1), ("weights1", 512, 784, 128, 1, 512, 784, 1),
            })
            {
                var a = new double[m * k];
                var b = new double[k * n];
                var c = new double[m * n];
                Array.Fill(a, 0.5);
                Array.Fill(b, 0.25);
                var (single, pair) = (double.MaxValue, double.MaxValue);
                for (var round = 0; round < 5; round++)
                {
                    single = Math.Min(single, Measure(() => { Runtime.Numerics.Gemm.Multiply(m, n, k, a, aRow, aCol, b, bRow, bCol, c, n, threads: 1); return c[0]; }, 20));
                    pair = Math.Min(pair, Measure(() => { Runtime.Numerics.Gemm.Multiply(m, n, k, a, aRow, aCol, b, bRow, bCol, c, n, threads: 2); return c[0]; }, 20));
                }

                var halves = new double[2];
                for (var part = 0; part < 2; part++)
                {
                    var index = part;
                    halves[part] = Enumerable.Range(0, 5).Min(_ => Measure(() => { Runtime.Numerics.Gemm.MultiplyPart(m, n, k, a, aRow, aCol, b, bRow, bCol, c, n, 1, false, index, 2); return c[0]; }, 20));
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gemm_{name}_us threads1 {single:F1} threads2 {pair:F1} ratio {single / pair:F2} (halves on one thread {halves[0]:F1} + {halves[1]:F1})"));
            }

            return;
        }

        var chain = new ChainWorkload();
        var mlp = new MlpWorkload();
        var narrow = new NarrowWorkload();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chain_us {Measure(() => chain.Run(), 20_000):F3}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"narrow_us {Measure(() => narrow.Step(), 300):F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"narrow_forward_us {Measure(() => narrow.Forward(), 300):F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mlp_us {Measure(() => mlp.Step(), 30):F1}"));
        if (args.Length > 1 && args[1] == "gemm")
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mlp_forward_backward_us {Measure(() => mlp.ForwardBackward(), 30):F1}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mlp_update_us {Measure(() => mlp.Update(), 30):F1}"));
            var a = new double[512 * 784];
            var b = new double[784 * 128];
            var c = new double[512 * 128];
            Array.Fill(a, 0.5);
            Array.Fill(b, 0.25);
            var us = Measure(() =>
            {
                Runtime.Numerics.Gemm.Multiply(512, 128, 784, a, 784, 1, b, 128, 1, c, 128);
                return c[0];
            }, 30);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gemm_512x128x784_gflops {2.0 * 512 * 128 * 784 / us / 1000:F1}"));
            var a64 = new double[64 * 64];
            var b64 = new double[64 * 64];
            var c64 = new double[64 * 64];
            Array.Fill(a64, 0.5);
            Array.Fill(b64, 0.25);
            var us64 = Measure(() =>
            {
                Runtime.Numerics.Gemm.Multiply(64, 64, 64, a64, 64, 1, b64, 1, 64, c64, 64);
                return c64[0];
            }, 3000);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gemm_64x64x64_gflops {2.0 * 64 * 64 * 64 / us64 / 1000:F1}"));
            var z = new double[64 * 64];
            var usSigmoid = Measure(() =>
            {
                for (var i = 0; i < z.Length; i++)
                {
                    z[i] = Runtime.Numerics.SpecialFunctions.Sigmoid(a64[i] - 0.7 * i / z.Length);
                }

                return z[0];
            }, 3000);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sigmoid_ns {usSigmoid * 1000 / z.Length:F2}"));
        }
    }

    private static double Measure(Func<double> action, int iterations)
    {
        for (var i = 0; i < Math.Max(3, iterations / 10); i++)
        {
            action();
        }

        var best = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++)
            {
                action();
            }

            best = Math.Min(best, watch.Elapsed.TotalMicroseconds / iterations);
        }

        return best;
    }
}
