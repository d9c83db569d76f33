using Grad.Language;
using Grad.Runtime.Contracts;

namespace Grad.Cli;

/// <summary>Prints diagnostics as <c>FILE:LINE:COL: error GRAD0001: message</c> (1-based), as compilers do.</summary>
public static class DiagnosticPrinter
{
    public static void Print(Compilation compilation, string displayPath, TextWriter writer)
    {
        foreach (var diagnostic in compilation.Diagnostics)
        {
            var start = compilation.Source.GetPosition(diagnostic.Span.Start);
            writer.WriteLine($"{displayPath}:{start.Line + 1}:{start.Character + 1}: {ReportDiagnostic.SeverityWord(diagnostic.Severity)} {diagnostic.Code}: {diagnostic.Message}");
        }
    }
}
