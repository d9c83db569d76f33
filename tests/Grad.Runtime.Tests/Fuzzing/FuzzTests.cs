using System.Diagnostics;
using System.Globalization;
using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Language.Resources;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Costs;
using Grad.Runtime.Data;
using Grad.Runtime.Files;
using Grad.Runtime.Networks;
using Xunit.Abstractions;

namespace Grad.Runtime.Tests.Fuzzing;

/// <summary>
/// The grammar-aware fuzzer: every case is compiled with the CLI's resolver and default limits,
/// then every cost is compiled, evaluated with its gradient and differentiated symbolically,
/// every network's shapes and (when small) initial weights are made, small data sets are
/// loaded, and small programs are analysed (an analysis that throws, GRAD0504, fails the case). A crash ends the process (a stack overflow cannot be caught) or is an exception here;
/// a hang is a case over <see cref="CaseTimeout"/>; memory is the largest growth of the working set sampled while the cases run.
/// CI runs 10,000 cases; <c>bench/fuzz.sh</c> runs a million (GRAD_FUZZ_CASES, GRAD_FUZZ_SEED).
/// Runs alone (its own collection, not in parallel with other tests): the process's CPU time and
/// peak working set it measures must be its own.
/// </summary>
[Collection(nameof(FuzzTests))]
public sealed class FuzzTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);
    private const long MaxPeakBytes = 1L << 30;

    private readonly string directory = Directory.CreateTempSubdirectory("grad-fuzz-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task Generated_and_mutated_programs_never_crash_hang_or_exhaust_memory()
    {
        var cases = int.Parse(Environment.GetEnvironmentVariable("GRAD_FUZZ_CASES") ?? "10000", CultureInfo.InvariantCulture);
        var seed = int.Parse(Environment.GetEnvironmentVariable("GRAD_FUZZ_SEED") ?? "20261129", CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(directory, "x.csv"), "a,y\n0,0\n1,1\n");
        var gradFile = Path.Combine(directory, "fuzz.grad");
        var options = new CompilationOptions(ResourceLimits.Default, new DiskFileResolver([directory]));
        var examples = Directory.GetFiles(Repo.PathOf("examples"), "*.grad", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        var fuzzer = new GrammarFuzzer(seed);
        var seconds = double.Parse(Environment.GetEnvironmentVariable("GRAD_FUZZ_SECONDS") ?? "0", CultureInfo.InvariantCulture);
        // To reproduce case N of a seed: GRAD_FUZZ_FROM=N (the cases before it are generated, not run);
        // to run a kept case file instead of generated ones: GRAD_FUZZ_INPUT=PATH (with GRAD_FUZZ_CASES=1).
        var kept = Environment.GetEnvironmentVariable("GRAD_FUZZ_INPUT") is { Length: > 0 } path ? path : null;
        var from = int.Parse(Environment.GetEnvironmentVariable("GRAD_FUZZ_FROM") ?? "0", CultureInfo.InvariantCulture);
        for (var skipped = 0; skipped < Math.Min(from, cases); skipped++)
        {
            _ = fuzzer.Case(skipped, examples);
        }

        var stopwatch = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        var withErrors = 0;
        var done = 0;
        // The largest working set seen while the cases run (sampled after each case and while one runs):
        // the process's lifetime peak would include the tests that ran before this one.
        // Measured as growth over the working set at the start, after a full collection, since the
        // tests that ran before this one in the same process may still hold memory the GC keeps.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var baseline = Process.GetCurrentProcess().WorkingSet64;
        long peakBytes = 0;
        long Sample() => peakBytes = Math.Max(peakBytes, Process.GetCurrentProcess().WorkingSet64 - baseline);
        for (var i = Math.Min(from, cases); i < cases && (seconds <= 0 || stopwatch.Elapsed.TotalSeconds < seconds); i++, done++)
        {
            var input = kept is null ? fuzzer.Case(i, examples) : File.ReadAllText(kept);
            var started = stopwatch.Elapsed;
            var work = Task.Run(() => Exercise(input, gradFile, options));
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            while (await Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(2))) != work)
            {
                Sample();
                // A hang is measured in CPU time, so a machine busy with other work does not make one.
                if (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore > CaseTimeout)
                {
                    Assert.Fail($"hang: case {i} (seed {seed}) used over {CaseTimeout.TotalSeconds} s of CPU: {Keep(input, seed, i)}");
                }
            }

            if (work.Exception is { } failure)
            {
                Assert.Fail($"crash: case {i} (seed {seed}): {failure.InnerException}\ninput: {Keep(input, seed, i)}");
            }

            withErrors += await work ? 1 : 0;
            var took = stopwatch.Elapsed - started;
            slowest = took > slowest ? took : slowest;
            var peak = Sample();
            Assert.True(peak < MaxPeakBytes, $"peak memory {peak / (1 << 20)} MB above the start ({baseline / (1 << 20)} MB) after case {i}");
        }

        var summary = string.Create(CultureInfo.InvariantCulture,
            $"fuzz: {done} cases (seed {seed}), {withErrors} with diagnostics, 0 crashes, 0 hangs, {stopwatch.Elapsed.TotalSeconds:F0} s, slowest case {slowest.TotalMilliseconds:F0} ms, peak working set {peakBytes / (1 << 20)} MB above the start");
        output.WriteLine(summary);
        if (Environment.GetEnvironmentVariable("GRAD_FUZZ_REPORT") is { Length: > 0 } report)
        {
            File.WriteAllText(report, summary + "\n");
        }

        Assert.True(peakBytes < MaxPeakBytes, summary);
        if (kept is null)
        {
            Assert.InRange(withErrors, 1, done - 1); // the generator makes both valid and invalid programs
        }
    }

    /// <summary>One case through every stage that walks what a file can nest or size; true when the file has errors.</summary>
    private static bool Exercise(string input, string gradFile, CompilationOptions options)
    {
        var compilation = Compilation.Create(input, gradFile, options);
        foreach (var diagnostic in compilation.Diagnostics)
        {
            Assert.InRange(diagnostic.Span.Start, 0, input.Length);
            Assert.InRange(diagnostic.Span.End, diagnostic.Span.Start, input.Length);
        }

        foreach (var cost in compilation.Program.Costs)
        {
            var compiled = CompiledCost.Compile(cost);
            compiled.EvaluateWithGradient(new double[cost.Parameters.Length], new double[cost.Parameters.Length]);
            for (var p = 0; p < cost.Parameters.Length; p++)
            {
                _ = SymbolicDerivative.DerivativeText(cost, p);
            }
        }

        foreach (var network in compilation.Program.Networks)
        {
            var model = NetworkModel.FromBound(network);
            Assert.InRange(model.ParameterCount, 0, options.Limits[LimitKind.Parameters]);
            if (model.ParameterCount <= 100_000)
            {
                _ = NetworkModel.InitialParameters(network, model);
            }
        }

        foreach (var data in compilation.Program.Data)
        {
            if (data is not GeneratedBoundData { N: > 10_000 })
            {
                _ = DataLoader.Load(data);
            }
        }

        // The analysis guards itself (an exception becomes GRAD0504, "a bug in Grad"), so a thrown analysis is
        // a finding, not a crash: fail on it here. Only where it is cheap: small networks and data.
        var small = compilation.Program.Networks.All(n => NetworkModel.FromBound(n).ParameterCount <= 10_000)
            && compilation.Program.Data.All(d => d is not GeneratedBoundData { N: > 10_000 });
        if (small)
        {
            var failed = new Analyzer(new AnalysisOptions { VerifyFixes = false }).Check(compilation).Findings
                .FirstOrDefault(f => f.Code == DiagnosticCatalog.AnalysisFailed.Code);
            Assert.True(failed is null, $"analysis failed: {failed?.Message}");
        }

        return compilation.HasErrors;
    }

    /// <summary>Saves a failing input next to the temp files (the test's own folder is deleted) and returns where, with an excerpt.</summary>
    private static string Keep(string input, int seed, int index)
    {
        var path = Path.Combine(Path.GetTempPath(), $"grad-fuzz-{seed}-{index}.grad");
        File.WriteAllText(path, input);
        return $"{path}\n{Excerpt(input)}";
    }

    private static string Excerpt(string input) =>
        input.Length <= 2_000 ? input : input[..1_000] + $"\n… ({input.Length} characters) …\n" + input[^1_000..];
}

[CollectionDefinition(nameof(FuzzTests), DisableParallelization = true)]
public sealed class FuzzTestsCollection;
