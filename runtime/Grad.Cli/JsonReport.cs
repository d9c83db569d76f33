using Grad.Language;
using Grad.Language.Diagnostics;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Grad.Cli;

/// <summary>The <c>--json</c> object: <c>{"file", "diagnostics": [...]}</c> plus what each verb adds.</summary>
public static class JsonReport
{
    public static JObject Create(Compilation compilation, string displayPath, IEnumerable<Diagnostic> diagnostics) => new()
    {
        ["file"] = displayPath,
        ["diagnostics"] = new JArray(diagnostics.Select(d => Diagnostic(compilation, d))),
    };

    public static JObject Diagnostic(Compilation compilation, Diagnostic diagnostic)
    {
        var range = compilation.Source.GetRange(diagnostic.Span);
        return new JObject
        {
            ["severity"] = DiagnosticPrinter.SeverityWord(diagnostic.Severity),
            ["code"] = diagnostic.Code,
            ["message"] = diagnostic.Message,
            ["range"] = new JObject
            {
                ["start"] = new JObject { ["line"] = range.Start.Line, ["character"] = range.Start.Character },
                ["end"] = new JObject { ["line"] = range.End.Line, ["character"] = range.End.Character },
            },
        };
    }

    /// <summary>Writes the report to a file, or to stdout for <c>-</c>.</summary>
    public static void Write(JObject report, string path, TextWriter stdout)
    {
        var text = report.ToString(Formatting.Indented);
        if (path == "-")
        {
            stdout.WriteLine(text);
        }
        else
        {
            File.WriteAllText(path, text + Environment.NewLine);
        }
    }
}
