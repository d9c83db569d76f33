using Grad.Language;
using Grad.LanguageServer.Analysis;
using Grad.Runtime.Analysis;
using Grad.Language.Text;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

public sealed class EditorFeatureTests
{
    private static object Doc(string uri) => new { uri };

    private static object At(string uri, LinePosition position) => new { textDocument = new { uri }, position = TestServer.ToLsp(position) };

    [Fact]
    public async Task Inlay_hints_show_delta_at_each_layer_line_and_final_params_on_the_from_line()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var text = """
            cost f(w) = w^2
            run plain {
              minimize f from w = 1
              optimizer sgd(lr = 0.1)
            }
            network chain {
              input 1
              repeat 2 { dense 1 sigmoid }
              dense 1 sigmoid
              loss mse
            }
            """;
        await server.OpenAsync(uri, text);
        await server.WaitForAnalysisAsync(uri, 1);
        var hints = await server.RequestAsync<JArray>("textDocument/inlayHint", new { textDocument = Doc(uri), range = TestServer.ToLsp(new LineRange(new(0, 0), new(20, 0))) });
        var byLine = hints.ToDictionary(h => (int)h["position"]!["line"]!, h => h["label"]!.ToString());
        Assert.Equal("→ w=0.25", byLine[2]);
        Assert.Equal("‖δ‖=0.00625…0.025", byLine[7]);
        Assert.Equal("‖δ‖=0.1", byLine[8]);
        Assert.Equal("  dense 1 sigmoid".Length, (int)hints.First(h => (int)h["position"]!["line"]! == 8)["position"]!["character"]!);
    }

    [Fact]
    public async Task Completion_offers_what_fits_the_context()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            |
            cost bowl(w1, w2) = w1 + |
            network chain {
              input 1
              dense 4 |
              init |
              |
            }
            data d = |
            run r {
              minimize |
              optimizer |
            }
            """);
        await server.OpenAsync(uri, markup.Text);

        async Task<string[]> Labels(int index) =>
            (await server.RequestAsync<JObject>("textDocument/completion", At(uri, markup.Positions[index])))["items"]!.Select(i => i["label"]!.ToString()).ToArray();

        Assert.Contains("network", await Labels(0));
        var expression = await Labels(1);
        Assert.Contains("w2", expression);
        Assert.Contains("exp", expression);
        Assert.Contains("relu", await Labels(2));
        Assert.Contains("he_normal", await Labels(3));
        var networkItems = await Labels(4);
        Assert.Contains("dense", networkItems);
        Assert.Contains("loss", networkItems);
        Assert.Contains("spirals", await Labels(5));
        Assert.Equal(["bowl"], await Labels(6));

        var optimizers = (await server.RequestAsync<JObject>("textDocument/completion", At(uri, markup.Positions[7])))["items"]!;
        var adam = optimizers.First(i => i["label"]!.ToString() == "adam");
        Assert.Equal(2, (int)adam["insertTextFormat"]!);
        Assert.Equal("adam(lr = ${1:0.001}, beta1 = ${2:0.9}, beta2 = ${3:0.999}, eps = ${4:1e-8}, weight_decay = ${5:0}, amsgrad = ${6:false})", adam["insertText"]!.ToString());
    }

    [Fact]
    public async Task Signature_help_for_optimizer_and_generator_calls()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            data d = spirals(n = 200, |noise = 0.1)
            run r {
              optimizer adam(lr = 0.1, beta2 = |)
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        var generator = await server.RequestAsync<JObject>("textDocument/signatureHelp", At(uri, markup.Positions[0]));
        Assert.Equal("spirals(n = 100, noise = 0.1, classes = 2, seed = 0)", generator["signatures"]![0]!["label"]!.ToString());
        Assert.Equal(1, (int)generator["activeParameter"]!);

        var optimizer = await server.RequestAsync<JObject>("textDocument/signatureHelp", At(uri, markup.Positions[1]));
        var label = optimizer["signatures"]![0]!["label"]!.ToString();
        Assert.StartsWith("adam(lr = 0.001", label, StringComparison.Ordinal);
        Assert.Equal(2, (int)optimizer["activeParameter"]!);
        var range = optimizer["signatures"]![0]!["parameters"]![2]!["label"]!.Select(v => (int)v).ToArray();
        Assert.Equal("beta2 = 0.999", label[range[0]..range[1]]);
    }

    [Fact]
    public async Task Document_symbols_outline_the_file()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, Repo.SeedText);
        var symbols = await server.RequestAsync<JArray>("textDocument/documentSymbol", new { textDocument = Doc(uri) });
        Assert.Equal(["a", "bowl", "plain", "early", "adaptive", "chain", "point", "spiral", "deep"], symbols.Select(s => s["name"]!.ToString()));
        var chain = symbols.First(s => s["name"]!.ToString() == "chain");
        Assert.Equal(["layers 1–8 sigmoid"], chain["children"]![0]!["children"]!.Select(c => c["name"]!.ToString()));
        Assert.Equal("layer 9 (out) sigmoid", chain["children"]![1]!["name"]!.ToString());
    }

    [Fact]
    public async Task Definition_references_and_rename()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            let [|a|] = 0.001
            cost bowl(w1, w2) = [|a|] * w1^2 + w2^2 + [|a|]
            let b = 2 * [|a||]
            """);
        await server.OpenAsync(uri, markup.Text);
        var position = markup.Positions[0];

        var definition = await server.RequestAsync<JObject>("textDocument/definition", At(uri, position));
        Assert.Equal(markup.Ranges[0], TestServer.FromLsp(definition["range"]!));

        var references = await server.RequestAsync<JArray>("textDocument/references", new { textDocument = Doc(uri), position = TestServer.ToLsp(position), context = new { includeDeclaration = true } });
        Assert.Equal(markup.Ranges, references.Select(r => TestServer.FromLsp(r["range"]!)));
        var uses = await server.RequestAsync<JArray>("textDocument/references", new { textDocument = Doc(uri), position = TestServer.ToLsp(position), context = new { includeDeclaration = false } });
        Assert.Equal(3, uses.Count);

        var prepare = await server.RequestAsync<JObject>("textDocument/prepareRename", At(uri, position));
        Assert.Equal("a", prepare["placeholder"]!.ToString());
        Assert.Equal(markup.Ranges[3], TestServer.FromLsp(prepare["range"]!));

        var edit = await server.RequestAsync<JObject>("textDocument/rename", new { textDocument = Doc(uri), position = TestServer.ToLsp(position), newName = "scale" });
        var edits = (JArray)edit["changes"]![uri]!;
        Assert.Equal(markup.Ranges, edits.Select(e => TestServer.FromLsp(e["range"]!)));
        Assert.All(edits, e => Assert.Equal("scale", e["newText"]!.ToString()));

        await Assert.ThrowsAsync<StreamJsonRpc.RemoteInvocationException>(() =>
            server.RequestAsync<JObject>("textDocument/rename", new { textDocument = Doc(uri), position = TestServer.ToLsp(position), newName = "bowl" }));
        await Assert.ThrowsAsync<StreamJsonRpc.RemoteInvocationException>(() =>
            server.RequestAsync<JObject>("textDocument/rename", new { textDocument = Doc(uri), position = TestServer.ToLsp(position), newName = "network" }));
        Assert.Null(await server.RequestAsync<JObject?>("textDocument/prepareRename", At(uri, new(0, 8))));
    }

    [Fact]
    public async Task Semantic_tokens_classify_keywords_names_numbers_and_comments()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, "// 😀 note\nlet a = 1\ncost f(w) = a * w^2\n/* one\ntwo */\n");
        var tokens = await server.RequestAsync<JObject>("textDocument/semanticTokens/full", new { textDocument = Doc(uri) });
        var data = tokens["data"]!.Select(v => (int)v).ToArray();
        var legend = Grad.LanguageServer.Features.SemanticTokens.SemanticTokenLegend.TokenTypes;
        var decoded = new List<(int Line, int Start, int Length, string Type)>();
        int line = 0, start = 0;
        for (var i = 0; i < data.Length; i += 5)
        {
            line += data[i];
            start = data[i] == 0 ? start + data[i + 1] : data[i + 1];
            decoded.Add((line, start, data[i + 2], legend[data[i + 3]]));
        }

        Assert.Contains((0, 0, 10, "comment"), decoded);
        Assert.Contains((1, 0, 3, "keyword"), decoded);
        Assert.Contains((1, 4, 1, "variable"), decoded);
        Assert.Contains((1, 8, 1, "number"), decoded);
        Assert.Contains((2, 5, 1, "function"), decoded);
        Assert.Contains((2, 7, 1, "parameter"), decoded);
        Assert.Contains((3, 0, 6, "comment"), decoded);
        Assert.Contains((4, 0, 6, "comment"), decoded);
    }

    [Fact]
    public async Task Folding_ranges_cover_blocks_and_comments()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, Repo.SeedText);
        var ranges = await server.RequestAsync<JArray>("textDocument/foldingRange", new { textDocument = Doc(uri) });
        var pairs = ranges.Select(r => ((int)r["startLine"]!, (int)r["endLine"]!)).ToArray();
        Assert.Contains((5, 9), pairs); // run plain { … }
        Assert.Contains((25, 30), pairs); // network chain { … }
    }

    [Fact]
    public async Task Formatting_is_canonical_and_idempotent()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var messy = "let a=0.001\n\n\n\ncost bowl( w1,w2 )=a*w1 ^ 2+ - w2^2\nnetwork n {\ninput 1\n      dense 1 sigmoid   // hidden\n  loss mse }\n";
        await server.OpenAsync(uri, messy);
        var edits = await server.RequestAsync<JArray>("textDocument/formatting", new { textDocument = Doc(uri), options = new { tabSize = 2, insertSpaces = true } });
        var formatted = Assert.Single(edits)["newText"]!.ToString();
        Assert.Equal("let a = 0.001\n\ncost bowl(w1, w2) = a * w1^2 + -w2^2\nnetwork n {\n  input 1\n  dense 1 sigmoid   // hidden\n  loss mse }\n", formatted);

        await server.ChangeAsync(uri, 2, formatted);
        Assert.Empty(await server.RequestAsync<JArray>("textDocument/formatting", new { textDocument = Doc(uri), options = new { tabSize = 2, insertSpaces = true } }));

        await server.ChangeAsync(uri, 3, Repo.SeedText);
        var seed = Assert.Single(await server.RequestAsync<JArray>("textDocument/formatting", new { textDocument = Doc(uri), options = new { tabSize = 2, insertSpaces = true } }))["newText"]!.ToString();
        Assert.Contains("data point { x: [1.0] y: [0.5] }", seed, StringComparison.Ordinal);
        Assert.Contains("  until change < 1e-6          // stop once", seed, StringComparison.Ordinal);
        await server.ChangeAsync(uri, 4, seed);
        Assert.Empty(await server.RequestAsync<JArray>("textDocument/formatting", new { textDocument = Doc(uri), options = new { tabSize = 2, insertSpaces = true } }));
    }

    [Fact]
    public async Task Code_lens_runs_a_run_returns_its_json_and_refreshes_the_views()
    {
        var capabilities = JObject.Parse("""{"workspace":{"codeLens":{"refreshSupport":true},"inlayHint":{"refreshSupport":true}}}""");
        await using var server = await TestServer.StartAsync(capabilities: capabilities);
        var uri = server.NewUri();
        await server.OpenAsync(uri, Samples.TrainFile);
        var lenses = await server.RequestAsync<JArray>("textDocument/codeLens", new { textDocument = Doc(uri) });
        var lens = Assert.Single(lenses);
        Assert.Equal("▶ Run", lens["command"]!["title"]!.ToString());
        Assert.Equal("grad.run", lens["command"]!["command"]!.ToString());
        Assert.Equal(9, (int)lens["range"]!["start"]!["line"]!);

        var refreshesBefore = server.RefreshRequests;
        var result = await server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = lens["command"]!["arguments"] });
        Assert.Equal("fit", result["name"]!.ToString());
        Assert.Equal("steps", result["stopReason"]!.ToString());
        await Wait.UntilAsync(() => server.RefreshRequests > refreshesBefore, "a codeLens refresh");

        lenses = await server.RequestAsync<JArray>("textDocument/codeLens", new { textDocument = Doc(uri) });
        Assert.Equal("Run again · 100 steps, loss 0.0012", lenses[0]!["command"]!["title"]!.ToString());

        var all = await server.RequestAsync<JObject>("grad/runResults", new { uri });
        Assert.Equal("fit", all["runs"]![0]!["name"]!.ToString());
        Assert.NotNull(all["diagnostics"]);
        Assert.EndsWith(".grad", all["file"]!.ToString(), StringComparison.Ordinal);
        Assert.Null(await server.RequestAsync<JObject?>("grad/runResults", new { uri = server.NewUri("not-open") }));
    }

    [Fact]
    public async Task Grad_run_without_a_run_name_runs_every_run_and_bad_arguments_are_errors()
    {
        var analysis = new FakeAnalysisService();
        await using var server = await TestServer.StartAsync(analysis);
        var uri = server.NewUri();
        await server.OpenAsync(uri, "cost f(w) = w^2\nrun a {\n  minimize f from w = 1\n  optimizer sgd(lr = 0.1)\n}\n" + Samples.TrainFile);
        var all = await server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new object[] { uri } });
        Assert.Equal(["a", "fit"], all["runs"]!.Select(r => r["name"]!.ToString()));
        Assert.Empty((JArray)all["diagnostics"]!);

        await Assert.ThrowsAsync<StreamJsonRpc.RemoteInvocationException>(() =>
            server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new object[] { uri, "nope" } }));
        await Assert.ThrowsAnyAsync<StreamJsonRpc.RemoteRpcException>(() =>
            server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.other", arguments = new object[] { uri } }));
        await Assert.ThrowsAnyAsync<StreamJsonRpc.RemoteRpcException>(() =>
            server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new object[] { 5 } }));
    }

    [Fact]
    public async Task Quick_fixes_of_a_vanishing_network_are_verified_and_titled_with_their_prediction()
    {
        // deep_chain's sigmoid_normal: relu alone explodes and an init alone still vanishes (the
        // issue's complaint); only what the analysis verified is offered, the best first.
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            network sigmoid_normal {
              input 2
              repeat 9 { dense 8 sigmoid }
              dense 1 sigmoid as out
              init [|normal(mean = 0, std = 1)|]
              loss bce
              seed 1
            }
            data moons = moons(n = 200, noise = 0.1, seed = 2)
            run fit {
              train sigmoid_normal on moons
              optimizer sgd(lr = 0.1)
              epochs 300
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1, d => d.Any(x => x["code"]!.ToString() == "GRAD0500"));
        var vanishing = new JArray(diagnostics.Where(d => d["code"]!.ToString() == "GRAD0500"));
        var actions = await server.RequestAsync<JArray>("textDocument/codeAction", new
        {
            textDocument = Doc(uri),
            range = TestServer.ToLsp(new LineRange(new(0, 8), new(0, 8))),
            context = new { diagnostics = vanishing },
        });
        var titles = actions.Select(a => a["title"]!.ToString()).ToArray();
        Assert.NotEmpty(titles);
        Assert.DoesNotContain("relu: ", titles.Select(t => t[..(t.IndexOf(':', StringComparison.Ordinal) + 2)]));
        Assert.All(titles, t => Assert.Matches(@"^[a-z_ +]+: ‖δ¹‖/‖δ[¹²³⁴⁵⁶⁷⁸⁹⁰]+‖ = [0-9.e-]+$", t)); // a norm after each dense adds layers
        Assert.Contains($"Verified fix: {titles[0]}", vanishing[0]!["message"]!.ToString(), StringComparison.Ordinal);

        // An init edit replaces the existing init call.
        var init = actions.FirstOrDefault(a => a["title"]!.ToString().Contains("he_normal", StringComparison.Ordinal));
        Assert.NotNull(init);
        var edits = (JArray)init["edit"]!["changes"]![uri]!;
        Assert.Contains(edits, e => TestServer.FromLsp(e["range"]!) == markup.Range && e["newText"]!.ToString() == "he_normal");
    }

    [Fact]
    public async Task Quick_fixes_for_an_ill_conditioned_run_switch_to_a_verified_optimizer()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        var uri = server.NewUri();
        var text = """
            cost bowl(w1, w2) = 0.001 * w1^2 + w2^2
            run early {
              minimize bowl from w1 = 1, w2 = 1
              optimizer sgd(lr = 0.5)
              until change < 1e-3
            }
            """;
        await server.OpenAsync(uri, text);
        var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1, d => d.Count == 1);
        Assert.Equal("GRAD0503", diagnostics[0]!["code"]!.ToString());
        var actions = await server.RequestAsync<JArray>("textDocument/codeAction", new
        {
            textDocument = Doc(uri),
            range = TestServer.ToLsp(new LineRange(new(4, 2), new(4, 2))),
            context = new { diagnostics },
        });
        var adagrad = actions.First(a => a["title"]!.ToString().StartsWith("adagrad(lr = 0.5): cost ", StringComparison.Ordinal));
        var edit = Assert.Single((JArray)adagrad["edit"]!["changes"]![uri]!);
        Assert.Equal("adagrad(lr = 0.5)", edit["newText"]!.ToString());
        Assert.Equal(new LineRange(new(3, 12), new(3, 25)), TestServer.FromLsp(edit["range"]!));
        var edited = Compilation.Create(TestServer.Apply(text, new JArray(edit)));
        var run = edited.Program.Runs[0];
        var after = (Grad.Runtime.Contracts.CompletedRunResult)new Analyzer().JudgeRun(edited, run, Grad.Runtime.Runs.Runner.Execute(run));
        Assert.Empty(after.Findings);
    }
}
