using Grad.Language;

namespace Grad.Cli;

/// <summary><c>grad check FILE [--json PATH|-]</c>: diagnostics only.</summary>
internal static class CheckCommand
{
    public static int Execute(CommandOptions options, TextWriter stdout, TextWriter stderr) =>
        Report(Compile(options), options, stdout);

    public static Compilation Compile(CommandOptions options) => Compilation.Create(File.ReadAllText(options.File), options.File, options.CompilationOptions);

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
            DiagnosticPrinter.Print(compilation, options.File, stdout);
        }

        return compilation.HasErrors ? CommandLine.FileHasErrors : CommandLine.Clean;
    }
}
