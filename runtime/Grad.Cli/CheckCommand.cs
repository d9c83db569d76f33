using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Runtime.Analysis;

namespace Grad.Cli;

/// <summary>
/// <c>grad check FILE [--json PATH|-] [--warnings-as-errors] [--no-analysis]</c>: the file's
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

    public static Compilation Compile(CommandOptions options) => Compilation.Create(File.ReadAllText(options.File), options.File, options.CompilationOptions);

    /// <summary>The static findings as diagnostics, unless <c>--no-analysis</c>.</summary>
    public static IReadOnlyList<Diagnostic> Findings(Compilation compilation, CommandOptions options) =>
        options.NoAnalysis ? [] : [.. new Analyzer().Check(compilation).Findings.Select(f => f.ToDiagnostic())];

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
            DiagnosticPrinter.Print(compilation, all, options.File, stdout);
        }

        return ExitCode(all, options);
    }

    public static IReadOnlyList<Diagnostic> InOrder(Compilation compilation, IEnumerable<Diagnostic> extra) =>
        [.. compilation.Diagnostics.Concat(extra).OrderBy(d => d.Span.Start).ThenBy(d => d.Code, StringComparer.Ordinal)];

    /// <summary>1 when a diagnostic is an error (or, with <c>--warnings-as-errors</c>, a warning), else 0.</summary>
    public static int ExitCode(IEnumerable<Diagnostic> diagnostics, CommandOptions options) =>
        diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error || (options.WarningsAsErrors && d.Severity == DiagnosticSeverity.Warning))
            ? CommandLine.FileHasErrors
            : CommandLine.Clean;
}
