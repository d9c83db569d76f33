using System.Text;
using Grad.Cli.Output;
using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Runtime.Contracts;

namespace Grad.Cli;

/// <summary>The <c>--json</c> report: <see cref="GradReport"/> written by the runtime's one <see cref="ResultSerializer"/>.</summary>
public static class JsonReport
{
    /// <summary><c>{"file", "diagnostics"}</c> with exactly <paramref name="diagnostics"/> (the file's, findings, data problems, in order).</summary>
    public static GradReport Create(Compilation compilation, string displayPath, IEnumerable<Diagnostic> diagnostics) =>
        new(displayPath, [.. diagnostics.Select(d => ReportDiagnostic.From(compilation.Source, d))]);

    /// <summary>Writes the report to a file, or to stdout for <c>-</c>, as it is serialized (nothing is built in memory first).</summary>
    public static void Write(GradReport report, string path, TextWriter stdout)
    {
        if (path == "-")
        {
            ResultSerializer.Write(report, stdout);
            return;
        }

        AtomicFile.WriteText(path, file => ResultSerializer.Write(report, file));
    }

    /// <summary><c>grad check DIR --json</c>: one array of the files' reports.</summary>
    public static void WriteAll(IReadOnlyList<GradReport> reports, string path, TextWriter stdout)
    {
        if (path == "-")
        {
            WriteArray(reports, stdout);
            return;
        }

        AtomicFile.WriteText(path, file => WriteArray(reports, file));
    }

    private static void WriteArray(IReadOnlyList<GradReport> reports, TextWriter text)
    {
        using var json = ResultSerializer.CreateWriter(text);
        json.WriteStartArray();
        foreach (var report in reports)
        {
            ResultSerializer.WriteReport(json, report);
        }

        json.WriteEndArray();
        json.Flush();
        text.WriteLine();
    }
}
