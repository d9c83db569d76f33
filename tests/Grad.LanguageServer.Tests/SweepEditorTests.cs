using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>Sweeps (v2) in the editor: a code lens runs one, and a hover on a `vary` line shows which value did best.</summary>
public sealed class SweepEditorTests
{
    // bowl = 0.001·w1² + w2² from (1, 1), 5 SGD steps: w2 ← (1 − 2·lr)·w2, so lr = 0.1 and 0.9 both leave
    // 0.8¹⁰ = 0.107374 in w2² and lr = 1.5 leaves 2¹⁰ = 1024; w1 decides between 0.1 and 0.9.
    private const string Text = """
        let a = 0.001
        cost bowl(w1, w2) = a * w1^2 + w2^2
        run plain {
          minimize bowl from w1 = 1, w2 = 1
          optimizer sgd(lr = 0.5)
          steps 5
        }
        sweep rates {
          run plain
          vary l|r in [0.1, 0.9, 1.5]
        }
        """;

    [Fact]
    public async Task The_code_lens_runs_the_sweep_and_the_vary_line_hover_shows_the_best_member_of_each_value()
    {
        var capabilities = JObject.Parse("""{"workspace":{"codeLens":{"refreshSupport":true}}}""");
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService(), capabilities: capabilities);
        var uri = server.NewUri();
        var markup = Markup.Parse(Text);
        await server.OpenAsync(uri, markup.Text);

        var lenses = await server.RequestAsync<JArray>("textDocument/codeLens", new { textDocument = new { uri } });
        var lens = lenses.Single(l => (int)l["range"]!["start"]!["line"]! == 7);
        Assert.Equal("▶ Run sweep (3 members)", lens["command"]!["title"]!.ToString());
        Assert.True(JToken.DeepEquals(new JArray(uri, "rates"), lens["command"]!["arguments"]));
        Assert.Contains("Not run yet", await server.HoverAsync(uri, markup.Position), StringComparison.Ordinal);

        var refreshesBefore = server.RefreshRequests;
        var result = await server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = lens["command"]!["arguments"] });
        Assert.Equal("rates", result["sweep"]!.ToString());
        Assert.Equal(["rates[lr=0.1]", "rates[lr=0.9]", "rates[lr=1.5]"], result["runs"]!.Select(r => r["name"]!.ToString()));
        Assert.Equal(0.9, (double)result["runs"]![1]!["config"]!["lr"]!);
        Assert.Equal(1024 + 0.001 * Math.Pow(1 - 2 * 0.001 * 1.5, 10), (double)result["runs"]![2]!["final"]!["cost"]!, 9);
        await Wait.UntilAsync(() => server.RefreshRequests > refreshesBefore, "a codeLens refresh");

        lenses = await server.RequestAsync<JArray>("textDocument/codeLens", new { textDocument = new { uri } });
        Assert.Equal("Run sweep again · 3 of 3 run · best rates[lr=0.9]: 5 steps, cost 0.108",
            lenses.Single(l => (int)l["range"]!["start"]!["line"]! == 7)["command"]!["title"]!.ToString());

        var hover = (await server.HoverAsync(uri, markup.Position))!.Replace("&nbsp;", "", StringComparison.Ordinal);
        Assert.Contains("**vary `lr`** in sweep `rates` · 3 values × the other lists = 3 members of run `plain`", hover, StringComparison.Ordinal);
        Assert.Contains("| `0.1` | 0.108372 | `rates[lr=0.1]` | 5 steps, cost 0.108 |", hover, StringComparison.Ordinal);
        Assert.Contains("| `0.9` | 0.108356 | `rates[lr=0.9]` | 5 steps, cost 0.108 |", hover, StringComparison.Ordinal);
        Assert.Contains("| `1.5` | 1024 | `rates[lr=1.5]` | 5 steps, cost 1024 |", hover, StringComparison.Ordinal);

        var all = await server.RequestAsync<JObject>("grad/runResults", new { uri });
        // The members are among the results (with `plain` once the background analysis has run it).
        Assert.Equal(["rates[lr=0.1]", "rates[lr=0.9]", "rates[lr=1.5]"], all["runs"]!.Select(r => r["name"]!.ToString()).Where(n => n != "plain"));

        // Editing the sweep makes its results stale: the lens offers a fresh run.
        await server.ChangeAsync(uri, 2, markup.Text.Replace("1.5]", "1.2]", StringComparison.Ordinal));
        lenses = await server.RequestAsync<JArray>("textDocument/codeLens", new { textDocument = new { uri } });
        Assert.Equal("▶ Run sweep (3 members)", lenses.Single(l => (int)l["range"]!["start"]!["line"]! == 7)["command"]!["title"]!.ToString());
    }
}
