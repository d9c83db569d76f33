using Grad.Runtime;
using Grad.Language;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;
using Grad.Runtime.Analysis;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>The seed file with the real runtime: the editor shows the CLI's numbers.</summary>
public sealed class SeedTests
{
    private static async Task<TestServer> StartWithRuntimeAsync() => await TestServer.StartAsync(new RuntimeAnalysisService());

    /// <summary>A URI of its own for each test, in the seed's folder (so relative paths would resolve the same).</summary>
    private static string SeedUri => new Uri(Path.Combine(Path.GetDirectoryName(Repo.SeedPath)!, $"seed-{Guid.NewGuid():N}.grad")).AbsoluteUri;

    [Fact]
    public async Task Hover_on_a_seed_layer_shows_the_same_delta_as_grad_inspect_json()
    {
        var inspect = await Processes.RunAsync("dotnet", [Processes.CliDll, "inspect", Repo.SeedPath, "--json", "-"]);
        Assert.True(inspect.ExitCode == 0, inspect.Stderr);
        var layers = (JArray)JObject.Parse(inspect.Stdout)["networks"]!.First(n => n["name"]!.ToString() == "chain")["layers"]!;
        Assert.Equal(9, layers.Count);

        await using var server = await StartWithRuntimeAsync();
        var uri = SeedUri;
        var text = Repo.SeedText;
        await server.OpenAsync(uri, text);
        var lines = text.Split('\n');
        var outLine = Array.FindIndex(lines, l => l.Contains("as out", StringComparison.Ordinal));
        var repeatLine = Array.FindIndex(lines, l => l.Contains("repeat 8", StringComparison.Ordinal));

        var hover = (await server.HoverAsync(uri, new(outLine, lines[outLine].IndexOf("dense", StringComparison.Ordinal) + 1)))?.Replace("&nbsp;", "", StringComparison.Ordinal);
        Assert.NotNull(hover);
        Assert.Contains("**layer 9 of 9**", hover, StringComparison.Ordinal);
        Assert.Contains($"| ‖δ⁹‖ | {Numbers.Format((double)layers[8]!["deltaNorm"]!)} |", hover, StringComparison.Ordinal);
        Assert.Contains($"| ‖∂C/∂W⁹‖ | {Numbers.Format((double)layers[8]!["weightGradNorm"]!)} |", hover, StringComparison.Ordinal);
        Assert.Contains("δ⁹ = ∂C/∂a⁹·σ'(z⁹) = ", hover, StringComparison.Ordinal);

        var repeat = (await server.HoverAsync(uri, new(repeatLine, lines[repeatLine].IndexOf("repeat", StringComparison.Ordinal) + 1)))?.Replace("&nbsp;", "", StringComparison.Ordinal);
        Assert.NotNull(repeat);
        for (var l = 1; l <= 8; l++)
        {
            Assert.Contains($"| {l} | 1 → 1 | sigmoid | {Numbers.Format((double)layers[l - 1]!["deltaNorm"]!)} |", repeat, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Seed_chain_rule_product_uses_the_runtime_numbers()
    {
        var compilation = Compilation.Create(Repo.SeedText, Repo.SeedPath);
        var network = compilation.Program.Networks.Single(n => n.Name == "chain");
        var analysis = NetworkAnalyzer.AnalyzeInitial(compilation.Program, network)!;

        await using var server = await StartWithRuntimeAsync();
        var uri = SeedUri;
        await server.OpenAsync(uri, Repo.SeedText);
        var lines = Repo.SeedText.Split('\n');
        var outLine = Array.FindIndex(lines, l => l.Contains("as out", StringComparison.Ordinal));
        var report = new RuntimeAnalysisService().JudgeNetwork(compilation, network, CancellationToken.None).Analysis!;
        Assert.Equal(analysis.Layers.Select(l => l.DeltaNorm), report.Layers.Select(l => l.DeltaNorm));
        Assert.True(report.Ratio < NetworkAnalyzer.VanishingThreshold);

        // Inside the repeat the hover is a table; the chain rule of layer 8 shows on a separate single-layer network.
        var chain8 = analysis.Layers[7].Chain;
        var expected = $"δ⁸ = w⁹·σ'(z⁸)·δ⁹ = {Numbers.Format(chain8.NextWeight!.Value)} × {Numbers.Format(chain8.ActivationDerivative!.Value)} × {Numbers.Format(chain8.NextDelta!.Value)} = {Numbers.Format(chain8.Delta!.Value)}";
        var layer8 = Grad.LanguageServer.Features.Hover.LayerHover.ChainRule(network.Layers[7], report.Layers[7], report, 9);
        Assert.Equal(expected, layer8);
        _ = outLine;
    }

    [Fact]
    public async Task Seed_diagnostics_warn_about_the_chain_and_the_early_stop()
    {
        await using var server = await StartWithRuntimeAsync();
        var uri = SeedUri;
        await server.OpenAsync(uri, Repo.SeedText);
        // The runtime's findings: the chain's vanishing δ, plain's small gradient that is not a
        // minimum (GRAD0505), early's small steps (GRAD0503), nothing on adaptive.
        var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1, d => d.Count >= 3);
        var codes = diagnostics.Select(d => d["code"]!.ToString()).Order().ToArray();
        Assert.Equal(["GRAD0500", "GRAD0503", "GRAD0505"], codes);
        Assert.Equal(5, (int)diagnostics.First(d => d["code"]!.ToString() == "GRAD0505")["range"]!["start"]!["line"]!);
        var early = diagnostics.First(d => d["code"]!.ToString() == "GRAD0503")["message"]!.ToString();
        Assert.Contains("run `early` stopped by `change < 0.001` at step 2", early, StringComparison.Ordinal);
        Assert.Contains("w1 = 0.998", early, StringComparison.Ordinal);
        Assert.Contains("condition number is 1000", early, StringComparison.Ordinal);
        var chain = diagnostics.First(d => d["code"]!.ToString() == "GRAD0500")["message"]!.ToString();
        Assert.Contains("9 sigmoid layers", chain, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Seed_runs_from_the_code_lens_and_shows_the_results()
    {
        await using var server = await StartWithRuntimeAsync();
        var uri = SeedUri;
        await server.OpenAsync(uri, Repo.SeedText);
        var plain = await server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new object[] { uri, "plain" } });
        Assert.Equal(0.367695424770964, (double)plain["final"]!["params"]!["w1"]!, 1e-9);
        var deep = await server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new object[] { uri, "deep" } });
        Assert.Equal("train", deep["kind"]!.ToString());
        Assert.Equal(9, ((JArray)deep["layers"]!).Count);

        var lenses = await server.RequestAsync<JArray>("textDocument/codeLens", new { textDocument = new { uri } });
        Assert.StartsWith("Run again · 100 steps", lenses.Last()!["command"]!["title"]!.ToString(), StringComparison.Ordinal);
        var results = await server.RequestAsync<JObject>("grad/runResults", new { uri });
        Assert.StartsWith("seed-", results["file"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains(results["runs"]!, r => r["name"]!.ToString() == "deep");
    }

    [Fact]
    public async Task The_panel_draws_the_level_sets_of_bowl_behind_the_minimize_paths()
    {
        await using var server = await StartWithRuntimeAsync();
        var uri = SeedUri;
        await server.OpenAsync(uri, Repo.SeedText);
        foreach (var run in new[] { "plain", "early", "adaptive" })
        {
            await server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new object[] { uri, run } });
        }

        var panel = await server.RequestAsync<JObject>("grad/panel", new { uri });
        Assert.Equal(3, (int)panel["runCount"]!);
        var chart = (JObject)panel["sections"]![0]!["charts"]!.Single(c => c["kind"]!.ToString() == "path");
        Assert.Equal("cost bowl: level sets and paths", chart["title"]!.ToString());
        Assert.Equal(("w1", "w2"), (chart["xParam"]!.ToString(), chart["yParam"]!.ToString()));
        var contour = chart["contour"]!;
        Assert.Equal("bowl", contour["cost"]!.ToString());

        // Increasing and log-spaced: one ratio between neighbours (the cost is positive, so the base is 0).
        var levels = contour["levels"]!.Select(l => (double)l!).ToArray();
        Assert.InRange(levels.Length, 10, 30);
        Assert.True(levels[0] > 0);
        var ratios = levels.Zip(levels.Skip(1), (low, high) => high / low).ToArray();
        Assert.All(ratios, r => Assert.Equal(ratios[0], r, ratios[0] * 1e-4));
        Assert.True(ratios[0] > 1);

        // The window holds every point of every path.
        var window = contour["window"]!;
        double xMin = (double)window["xMin"]!, xMax = (double)window["xMax"]!, yMin = (double)window["yMin"]!, yMax = (double)window["yMax"]!;
        Assert.Equal(["plain", "early", "adaptive"], chart["series"]!.Select(p => p["label"]!.ToString()));
        foreach (var path in chart["series"]!)
        {
            Assert.All(path["xs"]!, x => Assert.InRange((double)x, xMin, xMax));
            Assert.All(path["ys"]!, y => Assert.InRange((double)y, yMin, yMax));
        }

        // Every line lies on its level of 0.001*w1^2 + w2^2, inside the window: within 2% of the
        // level, plus what linear interpolation along a cell edge of the 161×161 grid can miss of a
        // quadratic (h²·f''/8 per axis), which matters only for the smallest ellipses.
        var (hx, hy) = ((xMax - xMin) / 160, (yMax - yMin) / 160);
        var interpolation = (hx * hx * 0.002 / 8) + (hy * hy * 2 / 8);
        var lines = (JArray)contour["lines"]!;
        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var level = (double)line["level"]!;
            Assert.Contains(level, levels);
            var (xs, ys) = (line["xs"]!.Select(x => (double)x).ToArray(), line["ys"]!.Select(y => (double)y).ToArray());
            Assert.True(xs.Length >= 2 && xs.Length == ys.Length);
            for (var k = 0; k < xs.Length; k++)
            {
                Assert.InRange(xs[k], xMin, xMax);
                Assert.InRange(ys[k], yMin, yMax);
                Assert.Equal(level, (0.001 * xs[k] * xs[k]) + (ys[k] * ys[k]), (0.02 * level) + interpolation);
            }
        }
    }

    [Fact]
    public async Task Before_any_run_the_panel_shows_the_networks_initial_delta_profile_as_hovers_give_it()
    {
        await using var server = await StartWithRuntimeAsync();
        var uri = SeedUri;
        await server.OpenAsync(uri, Repo.SeedText);
        var panel = await server.RequestAsync<JObject>("grad/panel", new { uri });
        Assert.Equal(0, (int)panel["runCount"]!);
        var section = Assert.Single(panel["sections"]!);
        var flow = Assert.Single(section["charts"]!);
        Assert.Equal("network chain: gradient flow per layer", flow["title"]!.ToString());
        var delta = flow["series"]!.Single(s => s["label"]!.ToString() == "‖δ^l‖ initial");

        // The same ‖δˡ‖ as `grad inspect --json`.
        var inspect = await Processes.RunAsync("dotnet", [Processes.CliDll, "inspect", Repo.SeedPath, "--json", "-"]);
        Assert.True(inspect.ExitCode == 0, inspect.Stderr);
        var layers = (JArray)JObject.Parse(inspect.Stdout)["networks"]!.First(n => n["name"]!.ToString() == "chain")["layers"]!;
        Assert.Equal(layers.Select(l => (double)l["deltaNorm"]!), delta["values"]!.Select(v => (double)v));
        Assert.Equal(layers.Select(l => Numbers.Format((double)l["deltaNorm"]!, 4)), delta["texts"]!.Select(t => t.ToString()));
    }

    [Fact]
    public async Task Run_at_cursor_is_the_run_whose_declaration_holds_the_position()
    {
        await using var server = await StartWithRuntimeAsync();
        var uri = SeedUri;
        await server.OpenAsync(uri, Repo.SeedText);
        var lines = Repo.SeedText.Split('\n');
        var inEarly = Array.FindIndex(lines, l => l.Contains("until change < 1e-3", StringComparison.Ordinal));
        var inNetwork = Array.FindIndex(lines, l => l.Contains("repeat 8", StringComparison.Ordinal));
        Assert.Equal("early", await server.RequestAsync<string?>("grad/runAt", new { textDocument = new { uri }, position = new { line = inEarly, character = 4 } }));
        Assert.Null(await server.RequestAsync<string?>("grad/runAt", new { textDocument = new { uri }, position = new { line = inNetwork, character = 4 } }));
    }
}
