using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Runtime.Contracts;

namespace Grad.Cli;

/// <summary>Prints diagnostics as <c>FILE:LINE:COL: error GRAD0001: message</c> (1-based), as compilers do.</summary>
public static class DiagnosticPrinter
{
    /// <summary>The property of a finding's diagnostic that holds its other verified fixes' titles, one a line (<see cref="CheckCommand.AsDiagnostic"/>).</summary>
    public const string AlsoVerified = "alsoVerified";

    public static void Print(Compilation compilation, IEnumerable<Diagnostic> diagnostics, string displayPath, TextWriter writer)
    {
        foreach (var diagnostic in diagnostics)
        {
            writer.WriteLine(Line(compilation, diagnostic, displayPath));
            if (diagnostic.Properties.TryGetValue(AlsoVerified, out var titles))
            {
                foreach (var title in titles.Split('\n'))
                {
                    writer.WriteLine($"  also verified: {title}");
                }
            }
        }
    }

    public static string Line(Compilation compilation, Diagnostic diagnostic, string displayPath)
    {
        var start = compilation.Source.GetPosition(diagnostic.Span.Start);
        return $"{displayPath}:{start.Line + 1}:{start.Character + 1}: {ReportDiagnostic.SeverityWord(diagnostic.Severity)} {diagnostic.Code}: {diagnostic.Message}";
    }
}
