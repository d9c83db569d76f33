using Grad.Language;

namespace Grad.Cli;

/// <summary><c>grad check FILE [--json PATH|-]</c>: diagnostics only.</summary>
internal static class CheckCommand
{
    public static int Execute(CommandOptions options, TextWriter stdout, TextWriter stderr)
    {
        var compilation = Compilation.Create(File.ReadAllText(options.File), options.File);
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
