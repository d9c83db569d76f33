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

    [Fact]
    public async Task Units_that_die_during_a_training_run_are_the_same_finding_in_the_cli_and_after_the_editors_run()
    {
        // Relu units alive at the start that training kills (see the file).
        var path = Path.Combine(Repo.Root, "tests", "findings", "dying_relu.grad");
        {
            var run = await Processes.RunAsync("dotnet", [Processes.CliDll, "run", path, "--json", "-"]);
            Assert.Equal(0, run.ExitCode);
            var cli = Findings(new JArray(JObject.Parse(run.Stdout)["runs"]!.SelectMany(r => r["findings"]!)), null);
            Assert.Contains(cli, f => f.StartsWith("GRAD0506 ", StringComparison.Ordinal));

            await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
            var uri = new Uri(path).AbsoluteUri;
            await server.OpenAsync(uri, await File.ReadAllTextAsync(path));
            await server.WaitForAnalysisAsync(uri, 1);
            Assert.DoesNotContain(server.Notifications.Where(n => n.Method == "textDocument/publishDiagnostics").SelectMany(n => n.Params["diagnostics"]!), d => d["code"]!.ToString() == "GRAD0506");
            await server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new object[] { uri } });
            var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1, d => d.Any(x => x["code"]!.ToString() == "GRAD0506"));
            Assert.Equal(cli, Findings(new JArray(diagnostics), null).Where(f => cli.Any(c => c[..8] == f[..8])).ToArray());
        }
    }

    /// <summary>A minimize run above 2/λmax that diverges (the editor runs minimize runs by itself): a schedule cures it.</summary>
    private const string HotBowl = """
        cost c(w1, w2) = w1^2 + 10 * w2^2
        run hot {
          minimize c from w1 = 1, w2 = 1
          optimizer sgd(lr = 0.15)
          steps 2000
        }

        """;

    /// <summary>The cures' candidates (LANGUAGE.md "The cures"): their quick fixes start with these words.</summary>
    private static readonly string[] CureTitles =
        ["wrap in residual blocks:", "norm layer after each dense:", "norm batch after each dense:", "clip norm ", "schedule "];

    [Theory]
    [InlineData("examples/cures.grad")]
    [InlineData("examples/deep_chain.grad")]
    [InlineData(HotBowl)]
    public async Task The_fix_the_cli_prints_is_the_servers_first_quick_fix_and_each_cure_it_offers_passes_the_cli_again(string relativePathOrText)
    {
        var scratch = Directory.CreateTempSubdirectory("grad-cures-").FullName;
        var inline = relativePathOrText.Contains('\n', StringComparison.Ordinal);
        var path = inline ? Path.Combine(scratch, "hot.grad") : Path.Combine(Repo.Root, relativePathOrText);
        if (inline)
        {
            await File.WriteAllTextAsync(path, relativePathOrText);
        }

        var text = await File.ReadAllTextAsync(path);
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        var uri = new Uri(path).AbsoluteUri;
        await server.OpenAsync(uri, text);
        await server.WaitForAnalysisAsync(uri, 1);
        var diagnostics = (JArray)server.Notifications.Last(n => n.Method == "textDocument/publishDiagnostics" && n.Params["uri"]?.ToString() == uri).Params["diagnostics"]!;
        var cures = 0;
        try
        {
            foreach (var diagnostic in diagnostics.Where(d => d["code"]!.ToString().StartsWith("GRAD05", StringComparison.Ordinal)))
            {
                var actions = await server.RequestAsync<JArray>("textDocument/codeAction", new
                {
                    textDocument = new { uri },
                    range = diagnostic["range"],
                    context = new { diagnostics = new JArray(diagnostic) },
                });
                var titles = actions.Select(a => a["title"]!.ToString()).ToArray();
                var message = diagnostic["message"]!.ToString(); // the CLI prints the same message (the tests above)
                if (titles.Length == 0)
                {
                    Assert.DoesNotContain("Verified fix:", message, StringComparison.Ordinal);
                    continue;
                }

                Assert.Contains($"Verified fix: {titles[0]}{(titles.Length > 1 ? $" ({titles.Length - 1} more in the quick fixes)" : "")}.", message, StringComparison.Ordinal);
                foreach (var action in actions.Where(a => CureTitles.Any(c => a["title"]!.ToString().StartsWith(c, StringComparison.Ordinal))))
                {
                    cures++;
                    var edited = Path.Combine(scratch, $"cure{cures}.grad");
                    await File.WriteAllTextAsync(edited, TestServer.Apply(text, (JArray)action["edit"]!["changes"]![uri]!));
                    Assert.False(await StillThereAsync(edited, diagnostic), $"{action["title"]} did not remove {diagnostic["code"]} in grad check/run");
                }
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        Assert.True(cures > 0, "no cure was offered");
    }

    /// <summary>
    /// Whether the CLI still reports the finding in the edited file: a static one in <c>grad check</c>
    /// at the same place, a run's (its name in the message) among that run's findings in <c>grad run</c>.
    /// </summary>
    private static async Task<bool> StillThereAsync(string edited, JToken diagnostic)
    {
        var code = diagnostic["code"]!.ToString();
        var line = (int)diagnostic["range"]!["start"]!["line"]!;
        if (StaticCodes.Contains(code))
        {
            var check = await Processes.RunAsync("dotnet", [Processes.CliDll, "check", edited, "--json", "-"]);
            Assert.Equal(0, check.ExitCode);
            return ((JArray)JObject.Parse(check.Stdout)["diagnostics"]!).Any(d => d["code"]!.ToString() == code && (int)d["range"]!["start"]!["line"]! == line);
        }

        var run = await Processes.RunAsync("dotnet", [Processes.CliDll, "run", edited, "--json", "-"], timeout: TimeSpan.FromMinutes(5));
        Assert.Equal(0, run.ExitCode);
        var runs = (JArray)JObject.Parse(run.Stdout)["runs"]!;
        var subject = runs.Single(r => diagnostic["message"]!.ToString().StartsWith($"run `{r["name"]}`", StringComparison.Ordinal));
        return subject["stopReason"]!.ToString() == "diverged" || ((JArray)subject["findings"]!).Any(f => f["code"]!.ToString() == code);
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
