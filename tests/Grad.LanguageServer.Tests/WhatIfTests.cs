using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace Grad.LanguageServer.Tests;

/// <summary>
/// The what-if panel's requests with the real runtime: a what-if's curves are the numbers of the file with
/// the values written in (<c>grad.run</c> of that text, number for number), its edits write exactly those
/// values, a newer what-if cancels the one still running, and a value the file could not hold is an error.
/// </summary>
public sealed class WhatIfTests
{
    private const string Network = """
        network net {
          input 2
          dense 4 tanh
          repeat 2 { dense 4 tanh }
          dense 1 sigmoid
          init normal(mean = 0, std = 0.5)
          loss bce
          seed 3
        }
        data points = moons(n = 32, noise = 0.1, seed = 5)
        run fit {
          train net on points
          optimizer sgd(lr = 0.1, momentum = 0.5)
          steps 40
          batch 8
          seed 2
        }
        """;

    private static async Task<(TestServer Server, string Uri)> OpenAsync(string text, JObject? initializationOptions = null)
    {
        var server = await TestServer.StartAsync(new RuntimeAnalysisService(), initializationOptions: initializationOptions);
        var uri = server.NewUri("whatif");
        await server.OpenAsync(uri, text);
        return (server, uri);
    }

    private static Task<JObject> WhatIfAsync(TestServer server, string uri, string run, object overrides, CancellationToken cancellationToken = default) =>
        server.RequestAsync<JObject>("grad/whatIf", new { uri, run, overrides }, cancellationToken);

    /// <summary>The text with the what-if's values written in by <c>grad/whatIfEdits</c>.</summary>
    private static async Task<string> WrittenInAsync(TestServer server, string uri, string text, string run, object overrides)
    {
        var answer = await server.RequestAsync<JObject>("grad/whatIfEdits", new { uri, run, overrides });
        Assert.Empty((JArray)answer["notWritten"]!);
        return TestServer.Apply(text, (JArray)answer["edit"]!["changes"]![uri]!);
    }

    private static double?[] Values(JObject chart, int series) => [.. chart["series"]![series]!["values"]!.Select(v => v.Type == JTokenType.Null ? null : (double?)v)];

    [Theory]
    [InlineData("""{"lr": 0.3}""", "optimizer sgd(lr = 0.3, momentum = 0.5)")]
    [InlineData("""{"momentum": 0.9}""", "optimizer sgd(lr = 0.1, momentum = 0.9)")]
    [InlineData("""{"depth": 4}""", "repeat 4 { dense 4 tanh }")]
    [InlineData("""{"activation": "relu"}""", "dense 4 relu\n  repeat 2 { dense 4 relu }\n  dense 1 sigmoid")]
    [InlineData("""{"initScale": 2}""", "init normal(mean = 0, std = 1)")]
    [InlineData("""{"lr": 0.05, "depth": 1, "activation": "gelu", "initScale": 0.5}""", "repeat 1 { dense 4 gelu }")]
    public async Task A_what_if_is_the_run_of_the_file_with_its_values_written_in_number_for_number(string overridesJson, string written)
    {
        var (server, uri) = await OpenAsync(Network);
        await using var _ = server;
        var overrides = JObject.Parse(overridesJson);

        var answer = await WhatIfAsync(server, uri, "fit", overrides);
        var text = await WrittenInAsync(server, uri, Network, "fit", overrides);
        Assert.Contains(written.Replace("\n", Environment.NewLine, StringComparison.Ordinal), text, StringComparison.Ordinal);

        // The file with the values written in, run as the code lens runs it.
        var writtenUri = server.NewUri("written");
        await server.OpenAsync(writtenUri, text);
        var run = await server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new JArray(writtenUri, "fit") });
        var trace = (JArray)run["trace"]!;
        var curve = (JObject)answer["charts"]![0]!;
        var steps = curve["xs"]!.Select(x => (double)x).ToArray();
        Assert.Equal(trace.Select(t => (double)t["step"]!), steps);
        Assert.Equal(trace.Select(t => (double?)t["loss"]), Values(curve, 1));

        var deltas = (JObject)answer["charts"]![1]!;
        var layers = (JArray)run["layers"]!;
        var whatIfFinal = Values(deltas, 3);
        Assert.Equal(layers.Select(l => (double?)l["deltaNorm"]!["final"]), whatIfFinal.Take(layers.Count));
        Assert.Equal(layers.Select(l => (double?)l["deltaNorm"]!["initial"]), Values(deltas, 2).Take(layers.Count));
        Assert.Contains("what-if", curve["series"]![1]!["label"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_overrides_the_what_if_is_the_run_itself_and_the_knobs_carry_the_files_values()
    {
        var (server, uri) = await OpenAsync(Network);
        await using var _ = server;
        var answer = await WhatIfAsync(server, uri, "fit", new { });
        var curve = (JObject)answer["charts"]![0]!;
        Assert.Equal(Values(curve, 0), Values(curve, 1));
        Assert.Equal(answer["current"]!.ToString(), answer["whatIf"]!.ToString());
        Assert.StartsWith("40 steps, loss ", answer["current"]!.ToString(), StringComparison.Ordinal);

        var knobs = ((JArray)answer["knobs"]!).ToDictionary(k => k["name"]!.ToString());
        Assert.Equal(0.1, (double)knobs["lr"]["value"]!);
        Assert.Equal("log", knobs["lr"]["scale"]!.ToString());
        Assert.Equal(0.5, (double)knobs["momentum"]["value"]!);
        Assert.Equal(2, (double)knobs["depth"]["value"]!);
        Assert.Equal("tanh", knobs["activation"]["choice"]!.ToString());
        Assert.DoesNotContain("softmax", knobs["activation"]["choices"]!.Select(c => c.ToString()));
        Assert.All(knobs.Values, k => Assert.Null(k["unavailable"]));
    }

    [Fact]
    public async Task A_minimize_run_has_lr_but_no_network_knobs_and_its_cost_curve_matches_the_written_in_run()
    {
        const string text = """
            cost bowl(w1, w2) = 0.001 * w1^2 + w2^2
            run plain {
              minimize bowl from w1 = 1, w2 = 1
              optimizer adam
              steps 30
            }
            """;
        var (server, uri) = await OpenAsync(text);
        await using var _ = server;
        var answer = await WhatIfAsync(server, uri, "plain", new { lr = 0.05 });
        var knobs = ((JArray)answer["knobs"]!).ToDictionary(k => k["name"]!.ToString());
        Assert.Contains("adam has no momentum", knobs["momentum"]["unavailable"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("trains no network", knobs["depth"]["unavailable"]!.ToString(), StringComparison.Ordinal);
        Assert.Single((JArray)answer["charts"]!);

        // `optimizer adam` has no lr written: the edit adds it.
        var written = await WrittenInAsync(server, uri, text, "plain", new { lr = 0.05 });
        Assert.Contains("optimizer adam(lr = 0.05)", written, StringComparison.Ordinal);
        var writtenUri = server.NewUri("written");
        await server.OpenAsync(writtenUri, written);
        var run = await server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new JArray(writtenUri, "plain") });
        Assert.Equal(((JArray)run["trace"]!).Select(t => (double?)t["cost"]), Values((JObject)answer["charts"]![0]!, 1));
    }

    [Theory]
    [InlineData("""{"lr": 0}""", "the learning rate must be a number above 0, not 0")]
    [InlineData("""{"lr": -1}""", "the learning rate must be a number above 0, not -1")]
    [InlineData("""{"depth": 0}""", "the repeat count must be a whole number ≥ 1, not 0")]
    [InlineData("""{"depth": 2.5}""", "the repeat count must be a whole number ≥ 1, not 2.5")]
    [InlineData("""{"depth": 5000}""", "more than the limit of 1,000 (layers)")]
    [InlineData("""{"activation": "softmax"}""", "`softmax` is not an activation for a hidden layer")]
    [InlineData("""{"initScale": 0}""", "the init scale must be a number above 0")]
    [InlineData("""{"momentum": -0.5}""", "momentum must be a number ≥ 0")]
    [InlineData("""{"lr": "fast"}""", "overrides.lr must be a number")]
    public async Task A_value_the_file_could_not_hold_is_a_clear_error_and_the_server_keeps_serving(string overridesJson, string message)
    {
        var (server, uri) = await OpenAsync(Network);
        await using var _ = server;
        foreach (var method in new[] { "grad/whatIf", "grad/whatIfEdits" })
        {
            var error = await Assert.ThrowsAnyAsync<RemoteRpcException>(() =>
                server.RequestAsync<JObject>(method, new { uri, run = "fit", overrides = JObject.Parse(overridesJson) }));
            Assert.Equal(-32602, (int?)error.ErrorCode);
            Assert.Contains(message, error.Message, StringComparison.Ordinal);
        }

        Assert.NotNull((await WhatIfAsync(server, uri, "fit", new { lr = 0.2 }))["charts"]);
    }

    [Fact]
    public async Task A_newer_what_if_cancels_the_one_still_running_and_cancelRequest_cancels_too()
    {
        // Long enough to be running when the next request comes: the budget (1 s) ends each run.
        var slow = Network.Replace("steps 40", "steps 5000000", StringComparison.Ordinal);
        var options = new JObject { ["analysis"] = new JObject { ["debounceMs"] = 0, ["budgetSeconds"] = 1 } };
        var (server, uri) = await OpenAsync(slow, options);
        await using var _ = server;

        var first = WhatIfAsync(server, uri, "fit", new { lr = 0.2 });
        await Task.Delay(300);
        var second = WhatIfAsync(server, uri, "fit", new { lr = 0.3 });
        // The client did not cancel the first: its answer is the server's RequestCancelled (−32800), which StreamJsonRpc's client reports as a cancellation.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.False(second.IsCompleted);
        var answer = await second;
        Assert.Contains("(stopped at the time budget)", answer["whatIf"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("lr = 0.3", answer["label"]!.ToString(), StringComparison.Ordinal);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var cancelled = await Assert.ThrowsAnyAsync<Exception>(() => WhatIfAsync(server, uri, "fit", new { lr = 0.4 }, cancel.Token));
        Assert.True(cancelled is OperationCanceledException, $"expected a cancellation, got {cancelled}");
    }

    [Fact]
    public async Task The_edits_of_an_init_without_a_scale_say_what_they_cannot_write()
    {
        var text = Network.Replace("init normal(mean = 0, std = 0.5)", "init he_normal", StringComparison.Ordinal);
        var (server, uri) = await OpenAsync(text);
        await using var _ = server;
        var answer = await server.RequestAsync<JObject>("grad/whatIfEdits", new { uri, run = "fit", overrides = new { initScale = 2, lr = 0.2 } });
        Assert.Contains("he_normal has no scale to write", answer["notWritten"]![0]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("optimizer sgd(lr = 0.2, momentum = 0.5)", TestServer.Apply(text, (JArray)answer["edit"]!["changes"]![uri]!), StringComparison.Ordinal);

        // The what-if itself scales the drawn weights: twice the initial ‖δ‖ profile is not the same run.
        var scaled = await WhatIfAsync(server, uri, "fit", new { initScale = 2 });
        var deltas = (JObject)scaled["charts"]![1]!;
        Assert.NotEqual(Values(deltas, 0), Values(deltas, 2));
    }

    /// <summary>
    /// The extension's what-if webview test draws these answers (vscode-extension/test/fixtures/whatif-*.json): the
    /// server's own, rewritten with GRAD_UPDATE_BASELINES=1, so the two sides cannot drift.
    /// </summary>
    [Fact]
    public async Task The_webview_tests_fixtures_are_the_servers_answers()
    {
        var (server, uri) = await OpenAsync(Network);
        await using var _ = server;
        foreach (var (name, overrides) in new[] { ("whatif-file", new JObject()), ("whatif-lr", new JObject { ["lr"] = 0.5 }) })
        {
            var answer = await WhatIfAsync(server, uri, "fit", overrides);
            var text = answer.ToString(Newtonsoft.Json.Formatting.Indented).ReplaceLineEndings("\n") + "\n";
            var path = Path.Combine(Repo.Root, "vscode-extension", "test", "fixtures", $"{name}.json");
            if (Environment.GetEnvironmentVariable("GRAD_UPDATE_BASELINES") == "1")
            {
                File.WriteAllText(path, text);
                continue;
            }

            Assert.True(File.Exists(path), $"missing {path}: run the tests with GRAD_UPDATE_BASELINES=1 and review the diff");
            Assert.Equal(File.ReadAllText(path), text);
        }
    }
}
