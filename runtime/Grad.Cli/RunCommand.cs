using Grad.Cli.Output;
using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;
using Grad.Runtime.Data;
using Grad.Runtime.Json;
using Grad.Runtime.Runs;
using Newtonsoft.Json.Linq;

namespace Grad.Cli;

/// <summary>
/// <c>grad run FILE [--json PATH|-]</c>: runs every run in file order and prints a summary of
/// each (or the LANGUAGE.md JSON). A file with errors prints its diagnostics as <c>grad check</c>
/// does and runs nothing (exit 1); a run whose data cannot be loaded is reported as a GRAD0400
/// diagnostic (exit 1). Ctrl-C stops the current run cleanly, prints what finished and exits 130.
/// <c>--plot DIR</c> also writes the charts of docs/pictures.md (PNG, SVG and an index.html).
/// </summary>
internal static class RunCommand
{
    public const int Interrupted = 130;

    public static int Execute(CommandOptions options, TextWriter stdout, TextWriter stderr)
    {
        var compilation = CheckCommand.Compile(options);
        var jsonToStdout = options.JsonPath == "-";
        if (compilation.HasErrors)
        {
            return CheckCommand.Report(compilation, options, stdout);
        }

        using var cancellation = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var results = RunAll(compilation.Program, cancellation.Token, interactive: !Console.IsErrorRedirected, stderr, options.Threads, out var failures);
            var runtimeDiagnostics = results.OfType<FailedRunResult>().Select(f => f.Diagnostic).ToList();
            if (options.JsonPath is { } path)
            {
                var report = JsonReport.Create(compilation, options.File);
                var diagnostics = (JArray)report["diagnostics"]!;
                foreach (var diagnostic in runtimeDiagnostics)
                {
                    diagnostics.Add(JsonReport.Diagnostic(compilation, diagnostic));
                }

                report["runs"] = RunResultJson.Runs(results);
                JsonReport.Write(report, path, stdout);
            }

            if (!jsonToStdout)
            {
                DiagnosticPrinter.Print(compilation, options.File, stdout);
                PrintDiagnostics(compilation, runtimeDiagnostics, options.File, stdout);
                foreach (var result in results)
                {
                    HumanReport.WriteRun(result, compilation.Program, stdout);
                }
            }

            if (options.PlotDirectory is { } plots)
            {
                foreach (var written in Plots.WriteRun(compilation.Program, results, plots, options.File, stderr))
                {
                    stderr.WriteLine($"grad: wrote {written}");
                }
            }

            if (cancellation.IsCancellationRequested)
            {
                stderr.WriteLine($"grad: interrupted; {results.Count(r => r is CompletedRunResult { StopReason: not StopReason.Cancelled })} run(s) finished");
                return Interrupted;
            }

            return runtimeDiagnostics.Count > 0 || failures > 0 ? CommandLine.FileHasErrors : CommandLine.Clean;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Every run in order, each with a progress bar when it is slow; stops starting runs once cancelled.</summary>
    internal static List<RunResult> RunAll(BoundProgram program, CancellationToken cancellation, bool interactive, TextWriter stderr, int threads, out int failures)
    {
        failures = 0;
        var cache = new Dictionary<BoundData, DataLoadResult>(ReferenceEqualityComparer.Instance);
        var options = new RunOptions
        {
            Cancellation = cancellation,
            Threads = threads,
            LoadData = data => cache.TryGetValue(data, out var loaded) ? loaded : cache[data] = DataLoader.Load(data),
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
                results.Add(ProgressDisplay.Run(o => Runner.Execute(run, o), options, interactive));
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

    internal static void PrintDiagnostics(Compilation compilation, IEnumerable<Diagnostic> diagnostics, string displayPath, TextWriter writer)
    {
        foreach (var diagnostic in diagnostics)
        {
            var start = compilation.Source.GetPosition(diagnostic.Span.Start);
            writer.WriteLine($"{displayPath}:{start.Line + 1}:{start.Character + 1}: {DiagnosticPrinter.SeverityWord(diagnostic.Severity)} {diagnostic.Code}: {diagnostic.Message}");
        }
    }
}
