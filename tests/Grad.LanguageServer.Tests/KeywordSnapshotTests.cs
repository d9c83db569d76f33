using System.Text;
using Grad.LanguageServer.Features.SemanticTokens;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>
/// Snapshots of what the editor features make of the cures' keywords (<c>residual</c>, <c>norm
/// layer|batch</c>, <c>schedule … then …</c>, <c>clip norm|value</c>): semantic tokens, formatting,
/// and completion, signature help and hover at marked places. The baselines are in Snapshots/;
/// GRAD_UPDATE_BASELINES=1 rewrites them (review the diff).
/// </summary>
public sealed class KeywordSnapshotTests
{
    private const string Messy = """
        network n {
        input 4
        repeat 2 {residual{dense 4 relu   dense 4 linear}}
        norm   layer
          norm batch
        dense 1 sigmoid
        loss bce
        }
        data d = moons(n = 20)
        run r {
        train n on d
        optimizer sgd( lr=0.1,momentum = 0.9 )
        schedule warmup( steps=10,start=0.1 )then cosine(period=90,min_lr=0)
        clip norm 1.0
        epochs 5
        }
        run s {
        train n on d
        optimizer adam
        schedule step(every=2,gamma=0.5)
        clip   value 0.5
        steps 8
        }
        """;

    private static string SnapshotPath(string name) => Path.Combine(Repo.Root, "tests", "Grad.LanguageServer.Tests", "Snapshots", name);

    private static void AssertSnapshot(string name, string actual)
    {
        var path = SnapshotPath(name);
        if (Environment.GetEnvironmentVariable("GRAD_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"no baseline {path}: run with GRAD_UPDATE_BASELINES=1");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Fact]
    public async Task Formatting_lays_out_the_cures_keywords_and_is_idempotent()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, Messy);
        var options = new { tabSize = 2, insertSpaces = true };
        var formatted = Assert.Single(await server.RequestAsync<JArray>("textDocument/formatting", new { textDocument = new { uri }, options }))["newText"]!.ToString();
        AssertSnapshot("cures.formatted.grad", formatted);
        await server.ChangeAsync(uri, 2, formatted);
        Assert.Empty(await server.RequestAsync<JArray>("textDocument/formatting", new { textDocument = new { uri }, options }));
    }

    [Fact]
    public async Task Semantic_tokens_classify_the_cures_keywords_and_their_words()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, Messy);
        var data = (await server.RequestAsync<JObject>("textDocument/semanticTokens/full", new { textDocument = new { uri } }))["data"]!.Select(v => (int)v).ToArray();
        var lines = Messy.Split('\n');
        var text = new StringBuilder();
        int line = 0, start = 0;
        for (var i = 0; i < data.Length; i += 5)
        {
            line += data[i];
            start = data[i] == 0 ? start + data[i + 1] : data[i + 1];
            var modifiers = string.Join(",", SemanticTokenLegend.TokenModifiers.Where((_, bit) => (data[i + 4] & (1 << bit)) != 0));
            text.Append($"{line + 1}:{start + 1} {lines[line].Substring(start, data[i + 2])} → {SemanticTokenLegend.TokenTypes[data[i + 3]]}{(modifiers.Length > 0 ? $" [{modifiers}]" : "")}\n");
        }

        var snapshot = text.ToString();
        AssertSnapshot("cures.tokens.txt", snapshot);
        foreach (var keyword in new[] { "residual", "norm", "schedule", "then", "clip" })
        {
            Assert.Contains($" {keyword} → keyword\n", snapshot, StringComparison.Ordinal);
        }

        foreach (var word in new[] { "layer", "value" })
        {
            Assert.Contains($" {word} → enumMember [defaultLibrary]\n", snapshot, StringComparison.Ordinal);
        }
    }

    private const string Marked = """
        network n {
          input 2
          dense 4 relu
          res|idual {
            dense 4 relu
            dense 4 li|near
          }
          norm la|yer
          dense 1 sigmoid
          loss bce
        }
        data d = moons(n = 20)
        run r {
          train n on d
          optimizer sgd(lr = 0.1)
          sched|ule warmup(steps = 10) then cosine(period = 90)
          cl|ip norm 1.0
          epochs 5
        }
        run v {
          train n on d
          optimizer sgd(lr = 0.1)
          clip val|ue 0.5
          steps 4
        }
        network typing {
          input 4
          |
          residual {
            |
          }
          norm |
        }
        run typed {
          |
          schedule |
          schedule warmup(|steps = 10) |
          schedule warmup(steps = 10) then cosine(|)
          clip |
        }
        """;

    [Fact]
    public async Task Completion_signature_help_and_hover_at_each_place_of_the_cures_keywords()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse(Marked);
        await server.OpenAsync(uri, markup.Text);
        var lines = markup.Text.Split('\n');
        var text = new StringBuilder();
        foreach (var position in markup.Positions)
        {
            var at = new { textDocument = new { uri }, position = TestServer.ToLsp(position) };
            var line = lines[position.Line];
            text.Append($"{position.Line + 1}:{position.Character + 1} {line[..position.Character].TrimStart()}|{line[position.Character..]}\n");
            var completion = await server.RequestAsync<JObject>("textDocument/completion", at);
            var labels = completion["items"]!.OrderBy(i => i["sortText"]?.ToString() ?? i["label"]!.ToString(), StringComparer.Ordinal).Select(i => i["label"]!.ToString());
            text.Append($"  completion: {string.Join(" ", labels)}\n");
            var signature = await server.RequestAsync<JObject?>("textDocument/signatureHelp", at);
            if (signature is not null)
            {
                text.Append($"  signature: {signature["signatures"]![0]!["label"]} (active {signature["activeParameter"]})\n");
            }

            var hover = await server.HoverAsync(uri, position);
            if (hover is not null)
            {
                text.Append($"  hover: {hover.Split('\n')[0]}\n");
            }
        }

        AssertSnapshot("cures.editor.txt", text.ToString());
    }
}
