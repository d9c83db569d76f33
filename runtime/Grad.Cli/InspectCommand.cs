using Grad.Cli.Output;
using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Data;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Cli;

/// <summary>
/// <c>grad inspect FILE [--json PATH|-]</c>: every network's per-layer ‖δ^l‖ and ‖∂C/∂W^l‖ at its
/// initial weights, on the first batch of the first run that trains it (or one seeded
/// standard-normal sample), without training. JSON: <c>{"file", "diagnostics", "networks": [...]}</c>.
/// </summary>
internal static class InspectCommand
{
    public static int Execute(CommandOptions options, TextWriter stdout, TextWriter stderr)
    {
        var compilation = CheckCommand.Compile(options);
        var jsonToStdout = options.JsonPath == "-";
        if (compilation.HasErrors)
        {
            return CheckCommand.Report(compilation, CheckCommand.Findings(compilation, options), options, stdout);
        }

        var program = compilation.Program;
        // The data cache of the one run driver (nothing is run: each network at its initial weights).
        var cache = new RunDriver().Data;
        DataLoadResult Load(BoundData declaration) => cache.Load(declaration);

        var analyses = new List<NetworkAnalysis>();
        var problems = new List<Diagnostic>();
        foreach (var network in program.Networks)
        {
            if (NetworkAnalyzer.AnalyzeInitial(program, network, Load) is { } analysis)
            {
                analyses.Add(analysis);
            }
            else if (NetworkAnalyzer.FirstTrainingRun(program, network) is { Data: { } data } && Load(data).Error is { } error)
            {
                if (!problems.Any(p => p.Span == data.Syntax.Span))
                {
                    problems.Add(DataLoader.ToDiagnostic(data, error));
                }
            }
            else
            {
                stderr.WriteLine($"grad: network {network.Name}: its training data does not fit it");
            }
        }

        if (options.JsonPath is { } path)
        {
            var report = JsonReport.Create(compilation, options.File, CheckCommand.InOrder(compilation, problems)) with { Networks = [.. analyses.Select(InspectedNetwork.From)] };
            JsonReport.Write(report, path, stdout);
        }

        if (!jsonToStdout)
        {
            DiagnosticPrinter.Print(compilation, CheckCommand.Shown(CheckCommand.InOrder(compilation, problems), options), options.File, stdout);
            if (!options.Quiet)
            {
                foreach (var analysis in analyses)
                {
                    HumanReport.WriteNetwork(analysis, stdout);
                }

                if (program.Networks.Length == 0)
                {
                    stdout.WriteLine("no networks to inspect");
                }
            }
        }

        if (options.PlotDirectory is { } plots)
        {
            Plots.ReportWritten(Plots.WriteInspect(analyses, plots, options.File, stderr), options.Quiet, stderr);
        }

        return problems.Count > 0 ? CommandLine.FileHasErrors : CommandLine.Clean;
    }
}
