using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>
/// One judgement: the CLI and the editor show the same GRAD05xx findings (code, range, message
/// with its numbers) for every example and every golden case, because both only translate the
/// runtime's engine.
/// </summary>
public sealed class ConsistencyTests
{
    /// <summary>Findings that <c>grad check</c> reports (before anything runs).</summary>
    private static readonly string[] StaticCodes = ["GRAD0500", "GRAD0501", "GRAD0504", "GRAD0506", "GRAD0507", "GRAD0508"];

    public static TheoryData<string> Files()
    {
        var examples = Directory.GetFiles(Path.Combine(Repo.Root, "examples"), "*.grad");
        var cases = Directory.GetDirectories(Path.Combine(Repo.Root, "tests", "Grad.Language.Tests", "Cases")).Select(d => Path.Combine(d, "main.grad")).Where(File.Exists);
        return [.. examples.Concat(cases).Select(f => Path.GetRelativePath(Repo.Root, f)).Order(StringComparer.Ordinal)];
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task The_cli_and_the_server_report_the_same_static_findings(string relativePath)
    {
        var path = Path.Combine(Repo.Root, relativePath);
        var check = await Processes.RunAsync("dotnet", [Processes.CliDll, "check", path, "--json", "-"]);
        Assert.True(check.ExitCode is 0 or 1, check.Stderr);
        var cli = Findings((JArray)JObject.Parse(check.Stdout)["diagnostics"]!, StaticCodes);

        var editor = await EditorFindingsAsync(path);
        Assert.Equal(cli, Findings(editor, StaticCodes));
    }

    [Theory]
    [InlineData("examples/seed.grad")]
    [InlineData("examples/bowl.grad")]
    [InlineData("examples/rosenbrock.grad")]
    public async Task The_cli_and_the_server_report_the_same_findings_of_minimize_runs(string relativePath)
    {
        var path = Path.Combine(Repo.Root, relativePath);
        var run = await Processes.RunAsync("dotnet", [Processes.CliDll, "run", path, "--json", "-"]);
        Assert.Equal(0, run.ExitCode);
        var json = JObject.Parse(run.Stdout);
        var minimizeFindings = new JArray(json["runs"]!.Where(r => r["kind"]!.ToString() == "minimize").SelectMany(r => r["findings"]!));
        var all = new JArray(((JArray)json["diagnostics"]!).Concat(minimizeFindings));

        // The editor runs minimize runs by itself (training runs only when asked).
        var editor = await EditorFindingsAsync(path);
        Assert.Equal(Findings(all, null), Findings(editor, null));
    }

    private static async Task<JArray> EditorFindingsAsync(string path)
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        var uri = new Uri(path).AbsoluteUri;
        await server.OpenAsync(uri, await File.ReadAllTextAsync(path));
        await server.WaitForAnalysisAsync(uri, 1);
        return (JArray)server.Notifications.Last(n => n.Method == "textDocument/publishDiagnostics" && n.Params["uri"]?.ToString() == uri).Params["diagnostics"]!;
    }

    /// <summary>GRAD05xx diagnostics (of the given codes) as comparable lines: code, 0-based range, message.</summary>
    private static string[] Findings(JArray diagnostics, string[]? codes) =>
        [.. diagnostics
            .Where(d => d["code"]!.ToString().StartsWith("GRAD05", StringComparison.Ordinal) && (codes is null || codes.Contains(d["code"]!.ToString())))
            .Select(d => $"{d["code"]} {(int)d["range"]!["start"]!["line"]!}:{(int)d["range"]!["start"]!["character"]!}-{(int)d["range"]!["end"]!["line"]!}:{(int)d["range"]!["end"]!["character"]!} {d["message"]}")
            .Order(StringComparer.Ordinal)];
}
