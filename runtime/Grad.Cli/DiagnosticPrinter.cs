using Grad.Language;
using Grad.Language.Diagnostics;

namespace Grad.Cli;

/// <summary>
/// Prints diagnostics as <c>FILE:LINE:COL: error GRAD0001: message</c> (1-based), as compilers do;
/// with <paramref name="errorsOnly"/> (<c>--quiet</c>) only the errors.
/// </summary>
public static class DiagnosticPrinter
{
    public static void Print(Compilation compilation, string displayPath, TextWriter writer, bool errorsOnly = false) =>
        Print(compilation, compilation.Diagnostics, displayPath, writer, errorsOnly);

    public static void Print(Compilation compilation, IEnumerable<Diagnostic> diagnostics, string displayPath, TextWriter writer, bool errorsOnly = false)
    {
        foreach (var diagnostic in diagnostics.Where(d => !errorsOnly || d.Severity == DiagnosticSeverity.Error))
        {
            var start = compilation.Source.GetPosition(diagnostic.Span.Start);
            writer.WriteLine($"{displayPath}:{start.Line + 1}:{start.Character + 1}: {SeverityWord(diagnostic.Severity)} {diagnostic.Code}: {diagnostic.Message}");
        }
    }

    public static string SeverityWord(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "error",
        DiagnosticSeverity.Warning => "warning",
        DiagnosticSeverity.Information => "information",
        _ => "hint",
    };
}
