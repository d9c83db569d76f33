using Grad.Language;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Grad.Cli;

/// <summary><c>grad check FILE|DIR [--json PATH|-]</c>: diagnostics only.</summary>
internal static class CheckCommand
{
    public static int Execute(CommandOptions options, TextWriter stdout, TextWriter stderr) =>
        Report(Compile(options), options, stdout);

    /// <summary>The file (or standard input's text, whose relative data paths start at the current directory).</summary>
    public static Compilation Compile(CommandOptions options) => options.StandardInput is { } text
        ? Compilation.Create(text)
        : Compilation.Create(File.ReadAllText(options.File), options.File);

    /// <summary>
    /// The file's diagnostics as text on stdout and, with <c>--json</c>, as the JSON report (on
    /// stdout instead of the text for <c>--json -</c>). Every verb reports a file with errors this way.
    /// </summary>
    public static int Report(Compilation compilation, CommandOptions options, TextWriter stdout)
    {
        if (options.JsonPath is { } json)
        {
            JsonReport.Write(JsonReport.Create(compilation, options.File), json, stdout);
        }

        if (options.JsonPath != "-")
        {
            DiagnosticPrinter.Print(compilation, options.File, stdout, options.Quiet);
        }

        return compilation.HasErrors ? CommandLine.FileHasErrors : CommandLine.Clean;
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

        var reports = new JArray();
        var withErrors = 0;
        foreach (var file in files)
        {
            var compilation = Compilation.Create(File.ReadAllText(file), file);
            withErrors += compilation.HasErrors ? 1 : 0;
            if (options.JsonPath is not null)
            {
                reports.Add(JsonReport.Create(compilation, file));
            }

            if (options.JsonPath != "-")
            {
                DiagnosticPrinter.Print(compilation, file, stdout, options.Quiet);
            }
        }

        if (options.JsonPath is { } json)
        {
            JsonReport.Write(reports, json, stdout);
        }

        if (!options.Quiet)
        {
            stderr.WriteLine($"grad: checked {files.Count} file{(files.Count == 1 ? "" : "s")}, {withErrors} with errors");
        }

        return withErrors > 0 ? CommandLine.FileHasErrors : CommandLine.Clean;
    }
}
