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
        var chain = new ChainWorkload();
        var mlp = new MlpWorkload();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chain_us {Measure(() => chain.Run(), 20_000):F3}"));
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
