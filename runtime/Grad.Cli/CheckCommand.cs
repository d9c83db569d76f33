using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;

namespace Grad.Cli;

/// <summary>
/// <c>grad check FILE|DIR [--json PATH|-] [--warnings-as-errors] [--no-analysis]</c>: the file's
/// diagnostics and the analysis' static findings (GRAD0500/0501/0506/0507 at the initial
/// weights, GRAD0508), without running anything. Exit 0 when nothing is an error.
/// </summary>
internal static class CheckCommand
{
    public static int Execute(CommandOptions options, TextWriter stdout, TextWriter stderr)
    {
        var compilation = Compile(options);
        return Report(compilation, Findings(compilation, options), options, stdout);
    }

    /// <summary>The file (or standard input's text, whose relative data paths start at the current directory).</summary>
    public static Compilation Compile(CommandOptions options) => options.StandardInput is { } text
        ? Compilation.Create(text, null, options.CompilationOptions)
        : Compilation.Create(File.ReadAllText(options.File), options.File, options.CompilationOptions);

    /// <summary>The static findings as diagnostics, unless <c>--no-analysis</c>.</summary>
    public static IReadOnlyList<Diagnostic> Findings(Compilation compilation, CommandOptions options) =>
        options.NoAnalysis ? [] : [.. new Analyzer().Check(compilation).Findings.Select(AsDiagnostic)];

    /// <summary>
    /// A finding as the CLI prints it: its message names the best verified fix and how many more
    /// there are; the titles of those others ride along (<see cref="DiagnosticPrinter.AlsoVerified"/>)
    /// and are printed under it, since a terminal has no quick-fix menu. The JSON is unchanged.
    /// </summary>
    public static Diagnostic AsDiagnostic(Finding finding)
    {
        var diagnostic = finding.ToDiagnostic();
        return finding.Fixes.Length < 2
            ? diagnostic
            : diagnostic with { Properties = diagnostic.Properties.SetItem(DiagnosticPrinter.AlsoVerified, string.Join("\n", finding.Fixes.Skip(1).Select(f => f.Title))) };
    }

    /// <summary>
    /// The file's diagnostics and <paramref name="extra"/> (findings, data problems) in source order,
    /// as text on stdout and, with <c>--json</c>, as the JSON report (on stdout instead of the text
    /// for <c>--json -</c>). Every verb reports a file with errors this way.
    /// </summary>
    public static int Report(Compilation compilation, IReadOnlyList<Diagnostic> extra, CommandOptions options, TextWriter stdout)
    {
        var all = InOrder(compilation, extra);
        if (options.JsonPath is { } json)
        {
            JsonReport.Write(JsonReport.Create(compilation, options.File, all), json, stdout);
        }

        if (options.JsonPath != "-")
        {
            DiagnosticPrinter.Print(compilation, Shown(all, options), options.File, stdout);
        }

        return ExitCode(all, options);
    }

    /// <summary>
    /// <c>grad check DIR</c>: every <c>.grad</c> file under DIR (sub-directories included, in
    /// ordinal path order), each reported as <c>grad check FILE</c> would; <c>--json</c> writes one
    /// array of the files' objects. Exit 1 when any file has an error.
    /// </summary>
    public static int ExecuteDirectory(CommandOptions options, TextWriter stdout, TextWriter stderr)
    {
        var files = Directory.EnumerateFiles(options.File, "*.grad", new EnumerationOptions { RecurseSubdirectories = true, MatchCasing = MatchCasing.CaseSensitive })
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            stderr.WriteLine($"grad: no .grad files under {options.File}");
            return CommandLine.UsageError;
        }

        var reports = new List<GradReport>();
        var withErrors = 0;
        foreach (var file in files)
        {
            var compilation = Compilation.Create(File.ReadAllText(file), file, options.CompilationOptions);
            var all = InOrder(compilation, Findings(compilation, options));
            withErrors += ExitCode(all, options) == CommandLine.FileHasErrors ? 1 : 0;
            if (options.JsonPath is not null)
            {
                reports.Add(JsonReport.Create(compilation, file, all));
            }

            if (options.JsonPath != "-")
            {
                DiagnosticPrinter.Print(compilation, Shown(all, options), file, stdout);
            }
        }

        if (options.JsonPath is { } json)
        {
            JsonReport.WriteAll(reports, json, stdout);
        }

        if (!options.Quiet)
        {
            stderr.WriteLine($"grad: checked {files.Count} file{(files.Count == 1 ? "" : "s")}, {withErrors} with errors");
        }

        return withErrors > 0 ? CommandLine.FileHasErrors : CommandLine.Clean;
    }

    public static IReadOnlyList<Diagnostic> InOrder(Compilation compilation, IEnumerable<Diagnostic> extra) =>
        [.. compilation.Diagnostics.Concat(extra).OrderBy(d => d.Span.Start).ThenBy(d => d.Code, StringComparer.Ordinal)];

    /// <summary>What is printed: everything, or with <c>--quiet</c> only what counts as an error.</summary>
    public static IEnumerable<Diagnostic> Shown(IEnumerable<Diagnostic> diagnostics, CommandOptions options) =>
        options.Quiet ? diagnostics.Where(d => IsError(d, options)) : diagnostics;

    /// <summary>1 when a diagnostic is an error (or, with <c>--warnings-as-errors</c>, a warning), else 0.</summary>
    public static int ExitCode(IEnumerable<Diagnostic> diagnostics, CommandOptions options) =>
        diagnostics.Any(d => IsError(d, options)) ? CommandLine.FileHasErrors : CommandLine.Clean;

    private static bool IsError(Diagnostic diagnostic, CommandOptions options) =>
        diagnostic.Severity == DiagnosticSeverity.Error || (options.WarningsAsErrors && diagnostic.Severity == DiagnosticSeverity.Warning);
}
