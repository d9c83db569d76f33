using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Runtime.Contracts;

namespace Grad.Cli;

/// <summary>Prints diagnostics as <c>FILE:LINE:COL: error GRAD0001: message</c> (1-based), as compilers do.</summary>
public static class DiagnosticPrinter
{
    public static void Print(Compilation compilation, IEnumerable<Diagnostic> diagnostics, string displayPath, TextWriter writer)
    {
        foreach (var diagnostic in diagnostics)
        {
            writer.WriteLine(Line(compilation, diagnostic, displayPath));
        }
    }

    public static string Line(Compilation compilation, Diagnostic diagnostic, string displayPath)
    {
        var start = compilation.Source.GetPosition(diagnostic.Span.Start);
        return $"{displayPath}:{start.Line + 1}:{start.Character + 1}: {ReportDiagnostic.SeverityWord(diagnostic.Severity)} {diagnostic.Code}: {diagnostic.Message}";
    }
}
