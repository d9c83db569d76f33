using Grad.Language;
using Grad.LanguageServer.Analysis;
using Grad.Runtime.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

public sealed class DiagnosticsTests
{
    [Fact]
    public async Task Diagnostics_appear_with_exact_ranges_and_clear_when_fixed_and_on_close()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("let a = 1\ncost f(w) = [|b|] * w^2\n");
        await server.OpenAsync(uri, markup.Text);
        var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1);
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(markup.Range, TestServer.FromLsp(diagnostic["range"]!));
        Assert.Equal(1, (int)diagnostic["severity"]!);
        Assert.StartsWith("GRAD", diagnostic["code"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal("grad", diagnostic["source"]!.ToString());

        await server.ChangeAsync(uri, 2, "let a = 1\ncost f(w) = a * w^2\n");
        Assert.Empty(await server.WaitForDiagnosticsAsync(uri, 2));

        await server.ChangeAsync(uri, 3, markup.Text);
        Assert.Single(await server.WaitForDiagnosticsAsync(uri, 3));
        await server.CloseAsync(uri);
        var cleared = await server.WaitForNotificationAsync("textDocument/publishDiagnostics",
            p => p["uri"]!.ToString() == uri && p["version"] is null);
        Assert.Empty((JArray)cleared["diagnostics"]!);
    }

    [Fact]
    public async Task Ranges_count_utf16_code_units_after_an_emoji_with_crlf_and_tabs()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("// 😀😀\r\nlet\ta = 1 /* 😀 */ + [|missing|]\r\n");
        await server.OpenAsync(uri, markup.Text);
        var diagnostic = Assert.Single(await server.WaitForDiagnosticsAsync(uri, 1));
        Assert.Equal(markup.Range, TestServer.FromLsp(diagnostic["range"]!));
        Assert.Equal(new Grad.Language.Text.LineRange(new(1, 21), new(1, 28)), markup.Range); // the emoji counts two
    }

    [Fact]
    public async Task Syntax_error_is_published_and_the_rest_of_the_file_still_binds()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, "let a = \ncost f(w) = a * w^2\nrun r {\n  minimize f from w = 1\n  optimizer sgd(lr = 0.1)\n}\n");
        var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1);
        Assert.NotEmpty(diagnostics);
        Assert.All(diagnostics, d => Assert.Equal(0, (int)d["range"]!["start"]!["line"]!));
    }

    [Fact]
    public async Task Vanishing_delta_is_a_warning_on_the_network_with_ratio_cause_and_related_layers()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            network [|chain|] {
              input 1
              repeat 8 { dense 1 sigmoid }
              dense 1 sigmoid as out
              loss mse
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1, d => d.Count > 0);
        var warning = Assert.Single(diagnostics);
        Assert.Equal("GRAD0500", warning["code"]!.ToString());
        Assert.Equal(2, (int)warning["severity"]!);
        Assert.Equal(markup.Range, TestServer.FromLsp(warning["range"]!));
        var message = warning["message"]!.ToString();
        Assert.Contains("‖δ¹‖/‖δ⁹‖ = ", message, StringComparison.Ordinal);
        Assert.Contains("9 sigmoid layers, each multiplies δ by w·σ'(z) ≤ 0.25·|w|", message, StringComparison.Ordinal);
        // Each layer once, at its own position: the eight copies of the repeated layer are one row.
        var related = (JArray)warning["relatedInformation"]!;
        Assert.Equal(2, related.Count);
        Assert.Equal(uri, related[0]!["location"]!["uri"]!.ToString());
        Assert.Equal(new[] { 2, 3 }, related.Select(r => (int)r!["location"]!["range"]!["start"]!["line"]!));
        Assert.Equal("layers 1–8 of 9: ‖δ¹‖ = 1.53e-6 … ‖δ⁸‖ = 0.025, each multiplies δ by 0.25", related[0]!["message"]!.ToString());
        Assert.Equal("layer 9 of 9: ‖δ⁹‖ = 0.1", related[1]!["message"]!.ToString());
        Assert.Equal("chain", warning["data"]!["subject"]!.ToString());
    }

    [Fact]
    public async Task Related_information_of_a_repeat_of_two_layers_has_one_row_per_layer_line()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, """
            network chain {
              input 1
              repeat 3 { dense 1 sigmoid
                         dense 1 tanh }
              dense 1 sigmoid
              loss mse
            }
            """);
        var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1, d => d.Count > 0);
        var related = (JArray)Assert.Single(diagnostics)["relatedInformation"]!;
        Assert.Equal(
            ["line 2: layers 1, 3, 5 of 7", "line 3: layers 2, 4, 6 of 7", "line 4: layer 7 of 7"],
            related.Select(r => $"line {(int)r!["location"]!["range"]!["start"]!["line"]!}: {r["message"]!.ToString().Split(':')[0]}"));
    }

    [Fact]
    public async Task Exploding_delta_is_a_warning_whose_quick_fixes_were_verified()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        var uri = server.NewUri();
        var text = """
            network wide {
              input 4
              repeat 6 { dense 16 linear }
              dense 1 linear
              init normal(mean = 0, std = 1)
              loss mse
            }
            """;
        await server.OpenAsync(uri, text);
        var warning = Assert.Single(await server.WaitForDiagnosticsAsync(uri, 1, d => d.Count > 0));
        Assert.Equal("GRAD0501", warning["code"]!.ToString());
        Assert.Contains("δ explodes towards the input of `wide`: ‖δ¹‖/‖δ⁷‖ = ", warning["message"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("the initial weights are large", warning["message"]!.ToString(), StringComparison.Ordinal);
        var actions = await server.RequestAsync<JArray>("textDocument/codeAction", new
        {
            textDocument = new { uri },
            range = TestServer.ToLsp(new Grad.Language.Text.LineRange(new(0, 8), new(0, 8))),
            context = new { diagnostics = new JArray(warning) },
        });
        Assert.NotEmpty(actions);
        Assert.True((bool)actions[0]!["isPreferred"]!);
        // The warning recommends the best verified fix, and every fix removes the finding when applied.
        Assert.Contains($"Verified fix: {actions[0]!["title"]}", warning["message"]!.ToString(), StringComparison.Ordinal);
        foreach (var action in actions)
        {
            Assert.Matches(@": ‖δ¹‖/‖δ[¹²³⁴⁵⁶⁷⁸⁹⁰]+‖ = [0-9.e-]+$", action["title"]!.ToString()); // a norm after each dense adds layers
            var edited = TestServer.Apply(text, (JArray)action["edit"]!["changes"]![uri]!);
            var findings = new Analyzer().Check(Compilation.Create(edited)).Findings;
            Assert.DoesNotContain(findings, f => f.Code is "GRAD0500" or "GRAD0501" or "GRAD0506" or "GRAD0507");
        }
    }

    [Fact]
    public async Task A_crash_in_the_analysis_becomes_one_diagnostic_and_the_server_keeps_serving()
    {
        var analysis = new FakeAnalysisService { NetworkFailure = new InvalidOperationException("analysis exploded") };
        await using var server = await TestServer.StartAsync(analysis);
        var uri = server.NewUri();
        await server.OpenAsync(uri, Samples.TrainFile);
        var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1, d => d.Count > 0);
        var crash = Assert.Single(diagnostics);
        Assert.Equal("GRAD0504", crash["code"]!.ToString());
        Assert.Contains("analysis exploded", crash["message"]!.ToString(), StringComparison.Ordinal);
        var state = await server.WaitForAnalysisAsync(uri, 1, "error");
        Assert.Contains("analysis exploded", state["message"]!.ToString(), StringComparison.Ordinal);

        analysis.NetworkFailure = null;
        await server.ChangeAsync(uri, 2, Samples.TrainFile + "\n");
        Assert.DoesNotContain(await server.WaitForDiagnosticsAsync(uri, 2), d => d["code"]!.ToString() == "GRAD0504");
    }

    [Fact]
    public async Task A_slow_analysis_does_not_hold_back_the_compiler_diagnostics()
    {
        var analysis = new FakeAnalysisService { NetworkDelay = TimeSpan.FromSeconds(2) };
        await using var server = await TestServer.StartAsync(analysis);
        var uri = server.NewUri();
        var text = "let x = \n" + Samples.TrainFile.Replace("repeat 3", "repeat 9", StringComparison.Ordinal);
        await server.OpenAsync(uri, text);
        var first = await server.WaitForDiagnosticsAsync(uri, 1);
        Assert.All(first, d => Assert.StartsWith("GRAD0", d["code"]!.ToString(), StringComparison.Ordinal));
        Assert.NotEmpty(first);
        var later = await server.WaitForDiagnosticsAsync(uri, 1, d => d.Any(x => x["code"]!.ToString() == "GRAD0500"));
        Assert.True(later.Count > first.Count);
    }

    [Fact]
    public async Task Analysis_state_goes_from_analysing_to_ready_for_each_version()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, Samples.TrainFile);
        await server.WaitForAnalysisAsync(uri, 1, "analysing");
        await server.WaitForAnalysisAsync(uri, 1, "ready");
    }

    [Fact]
    public async Task Ill_conditioned_stop_is_a_warning_on_until_with_the_condition_number()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            cost bowl(w1, w2) = 0.001 * w1^2 + w2^2
            run early {
              minimize bowl from w1 = 1, w2 = 1
              optimizer sgd(lr = 0.5)
              steps 1000
              [|until change < 1e-3|]
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1, d => d.Count > 0);
        var warning = Assert.Single(diagnostics);
        Assert.Equal("GRAD0503", warning["code"]!.ToString());
        Assert.Equal(markup.Range, TestServer.FromLsp(warning["range"]!));
        Assert.Contains("condition number is 1000", warning["message"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("stopped by `change < 0.001` at step 2", warning["message"]!.ToString(), StringComparison.Ordinal);
        Assert.NotEmpty((JArray)warning["relatedInformation"]!);
    }

    [Fact]
    public async Task A_diverged_run_is_a_warning_with_its_real_cause_and_a_verified_learning_rate()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        var uri = server.NewUri();
        var text = """
            cost c(w) = w^2
            run r {
              minimize c from w = 1
              optimizer sgd(lr = 1.5)
              steps 2000
            }
            """;
        await server.OpenAsync(uri, text);
        var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1, d => d.Any(x => x["code"]!.ToString() == "GRAD0502"));
        var diverged = diagnostics.First(d => d["code"]!.ToString() == "GRAD0502");
        Assert.Contains("run `r` diverged at step ", diverged["message"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("Cause: lr = 1.5 is above the stability limit 1 (λmax = 2 at the start)", diverged["message"]!.ToString(), StringComparison.Ordinal);
        // Before running: the same limit, on the optimizer line.
        var limit = diagnostics.First(d => d["code"]!.ToString() == "GRAD0508");
        Assert.Equal(3, (int)limit["range"]!["start"]!["line"]!);
        Assert.Contains("lr = 1.5 is above 2/λmax = 1", limit["message"]!.ToString(), StringComparison.Ordinal);
        var actions = await server.RequestAsync<JArray>("textDocument/codeAction", new
        {
            textDocument = new { uri },
            range = limit["range"],
            context = new { diagnostics = new JArray(limit) },
        });
        var fix = Assert.Single(actions);
        Assert.Equal("lr = 0.5 (1/λmax): lr·λmax = 1", fix["title"]!.ToString());
        Assert.Equal("0.5", fix["edit"]!["changes"]![uri]![0]!["newText"]!.ToString());
    }
}
