using System.Runtime.InteropServices;
using Grad.Cli.Output;
using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Data;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Cli;

/// <summary>
/// <c>grad run FILE [--json PATH|-]</c>: runs every run in file order and prints a summary of
/// each (or the LANGUAGE.md JSON). A file with errors prints its diagnostics as <c>grad check</c>
/// does and runs nothing (exit 1); a run whose data cannot be loaded is reported as a GRAD0400
/// diagnostic (exit 1). Each run's summary prints (and is flushed) when that run finishes.
/// Ctrl-C stops the current run cleanly, prints what finished and exits 130; SIGTERM does the same and exits 143.
/// <c>--plot DIR</c> also writes the charts of docs/pictures.md (PNG, SVG and an index.html).
/// </summary>
internal static class RunCommand
{
    public const int Interrupted = 130;
    public const int Terminated = 143;

    public static int Execute(CommandOptions options, TextWriter stdout, TextWriter stderr)
    {
        var compilation = CheckCommand.Compile(options);
        var jsonToStdout = options.JsonPath == "-";
        if (compilation.HasErrors)
        {
            return CheckCommand.Report(compilation, CheckCommand.Findings(compilation, options), options, stdout);
        }

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;

        // SIGTERM (a CI timeout, `kill`) is handled like Ctrl-C: the current run stops, what finished
        // is printed and written, and the exit code says which signal it was (128 + 15).
        var terminated = false;
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            terminated = true;
            cancellation.Cancel();
        });
        try
        {
            var staticFindings = CheckCommand.Findings(compilation, options);
            if (!jsonToStdout)
            {
                DiagnosticPrinter.Print(compilation, CheckCommand.Shown(CheckCommand.InOrder(compilation, staticFindings), options), options.File, stdout);
            }

            var analyzer = options.NoAnalysis ? null : new Analyzer();

            // Each run is judged and its summary printed (and flushed, for output redirected to a
            // file) as soon as that run finishes, so a long file shows its results as they come.
            RunResult Finished(RunResult result)
            {
                if (analyzer is not null && compilation.Program.Runs.FirstOrDefault(run => run.Name == result.Name) is { } bound)
                {
                    result = analyzer.JudgeRun(compilation, bound, result);
                }

                if (jsonToStdout)
                {
                    return result;
                }

                if (result is FailedRunResult failed)
                {
                    DiagnosticPrinter.Print(compilation, CheckCommand.Shown([failed.Diagnostic!], options), options.File, stdout);
                }

                if (!options.Quiet)
                {
                    HumanReport.WriteRun(result, stdout);
                }

                if (result is CompletedRunResult { Findings: { IsEmpty: false } findings })
                {
                    DiagnosticPrinter.Print(compilation, CheckCommand.Shown(findings.Select(CheckCommand.AsDiagnostic), options), options.File, stdout);
                }

                if (!options.Quiet)
                {
                    stdout.WriteLine();
                }

                stdout.Flush();
                return result;
            }

            var interactive = !Console.IsErrorRedirected && !options.Quiet;
            var results = RunAll(compilation.Program, cancellation.Token, interactive, stderr, options.Threads, Finished, out var failures);
            if (compilation.Program.Sweeps.Length > 0 && !cancellation.IsCancellationRequested)
            {
                var memberResults = RunSweeps(compilation.Program.Sweeps, options.Jobs, cancellation.Token, stderr, ref failures);
                results.AddRange(memberResults);
                if (!jsonToStdout && !options.Quiet)
                {
                    foreach (var sweep in compilation.Program.Sweeps)
                    {
                        SweepTable.Write(sweep, memberResults.Where(r => r.Member?.Sweep == sweep.Name).ToList(), stdout);
                        stdout.WriteLine();
                    }

                    stdout.Flush();
                }
            }

            var runtimeDiagnostics = results.OfType<FailedRunResult>().Select(f => f.Diagnostic!).ToList();
            var diagnostics = CheckCommand.InOrder(compilation, runtimeDiagnostics.Concat(staticFindings));
            if (options.JsonPath is { } path)
            {
                JsonReport.Write(JsonReport.Create(compilation, options.File, diagnostics) with { Runs = results }, path, stdout);
            }

            if (options.PlotDirectory is { } plots)
            {
                Plots.ReportWritten(Plots.WriteRun(compilation.Program, results, plots, options.File, stderr), options.Quiet, stderr);
            }

            if (cancellation.IsCancellationRequested)
            {
                stderr.WriteLine($"grad: interrupted; {results.Count(r => r is CompletedRunResult { StopReason: not StopReason.Cancelled })} run(s) finished");
                return terminated ? Terminated : Interrupted;
            }

            var runFindings = results.OfType<CompletedRunResult>().SelectMany(r => r.Findings).Select(f => f.ToDiagnostic());
            return failures > 0 ? CommandLine.FileHasErrors : CheckCommand.ExitCode(diagnostics.Concat(runFindings), options);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>
    /// Every member of every sweep, <paramref name="jobs"/> at a time (each member alone on its
    /// thread, so the results are the same for any number of jobs), in member order.
    /// </summary>
    internal static List<RunResult> RunSweeps(IEnumerable<BoundSweep> sweeps, int jobs, CancellationToken cancellation, TextWriter stderr, ref int failures)
    {
        var results = new List<RunResult>();
        var failed = 0;
        SweepRunner.Execute([.. sweeps.SelectMany(s => s.Members)], jobs, new RunOptions { Cancellation = cancellation }, (member, result, error) =>
        {
            if (result is not null)
            {
                results.Add(result);
                return;
            }

            stderr.WriteLine($"grad: run {member.Name} failed: {error!.Message}");
            failed++;
        });
        failures += failed;
        return results;
    }

    /// <summary>
    /// Every run in order, each with a progress bar when it is slow; each result goes through
    /// <paramref name="finished"/> (judged, printed) as soon as it is there. Stops starting runs once cancelled.
    /// </summary>
    internal static List<RunResult> RunAll(BoundProgram program, CancellationToken cancellation, bool interactive, TextWriter stderr, int threads, Func<RunResult, RunResult> finished, out int failures)
    {
        failures = 0;
        var options = new RunOptions
        {
            Cancellation = cancellation,
            Threads = threads,
            LoadData = new DataCache().Load,
        };
        var results = new List<RunResult>();
        foreach (var run in program.Runs)
        {
            if (cancellation.IsCancellationRequested)
            {
                break;
            }

            try
            {
                results.Add(finished(ProgressDisplay.Run(o => Runner.Execute(run, o), options, interactive)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A bug in the runtime must not hide the other runs' results.
                stderr.WriteLine($"grad: run {run.Name} failed: {e.Message}");
                failures++;
            }
        }

        return results;
    }
}
