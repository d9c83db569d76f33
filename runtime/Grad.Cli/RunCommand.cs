using System.Runtime.InteropServices;
using Grad.Cli.Output;
using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
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

            var driver = new RunDriver(new RunOptions { Threads = options.Threads, Landscape = options.Landscape, ProgressPoints = false }, options.Jobs);
            var analyzer = options.NoAnalysis ? null : new Analyzer(new AnalysisOptions { LoadData = driver.Data.Load });
            var interactive = !Console.IsErrorRedirected && !options.Quiet;
            using var progress = new ProgressDisplay(interactive);
            var failures = 0;

            // Each run of the file is judged and its summary printed (and flushed, for output
            // redirected to a file) as soon as that run finishes, so a long file shows its results as
            // they come. A sweep member is not judged (its findings would be about the base run's
            // lines): the sweep's table shows it.
            RunResult Finished(BoundRun run, RunResult result)
            {
                progress.RunEnded();
                if (run.Member is not null)
                {
                    return result;
                }

                if (analyzer is not null)
                {
                    result = analyzer.JudgeRun(compilation, run, result);
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

            // A bug in the runtime must not hide the other runs' results.
            void Failed(BoundRun run, Exception error)
            {
                progress.RunEnded();
                stderr.WriteLine($"grad: run {run.Name} failed: {error.Message}");
                failures++;
            }

            var results = driver.RunFile(compilation.Program, cancellation.Token, progress, Finished, Failed);
            if (compilation.Program.Sweeps.Length > 0 && !cancellation.IsCancellationRequested && !jsonToStdout && !options.Quiet)
            {
                foreach (var sweep in compilation.Program.Sweeps)
                {
                    SweepTable.Write(sweep, results.Where(r => r.Member?.Sweep == sweep.Name).ToList(), stdout);
                    stdout.WriteLine();
                }

                stdout.Flush();
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
}
