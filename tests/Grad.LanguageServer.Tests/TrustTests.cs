using Grad.Language.Resources;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace Grad.LanguageServer.Tests;

/// <summary>Restricted Mode (initializationOptions.trusted = false) and the limit settings.</summary>
public sealed class TrustTests
{
    private const string MinimizeAndCsv = """
        cost bowl(w1, w2) = w1^2 + w2^2
        run plain {
          minimize bowl from w1 = 1, w2 = 1
          optimizer sgd(lr = 0.1)
          steps 10
        }
        data table = csv("secret.csv", target = "y")
        """;

    [Fact]
    public async Task In_Restricted_Mode_no_data_file_is_read_and_nothing_runs_but_diagnostics_and_hovers_work()
    {
        var analysis = new FakeAnalysisService();
        await using var server = await TestServer.StartAsync(analysis, initializationOptions: new JObject
        {
            ["trusted"] = false,
            ["analysis"] = new JObject { ["debounceMs"] = 0, ["autoRun"] = true },
        });
        var uri = server.NewUri();
        await server.OpenAsync(uri, MinimizeAndCsv + "let a = 1\nlet a = 2\n");
        await server.WaitForAnalysisAsync(uri, 1);
        var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1, d => d.Count >= 2);
        Assert.Contains(diagnostics, d => d["code"]!.ToString() == "GRAD0101");
        var refused = Assert.Single(diagnostics, d => d["message"]!.ToString().Contains("Restricted Mode", StringComparison.Ordinal));
        Assert.Equal(6, (int)refused["range"]!["start"]!["line"]!);
        Assert.Equal("'secret.csv' is not read in Restricted Mode: trust the workspace to let Grad read its data files", refused["message"]!.ToString());

        Assert.Contains("bowl", await server.HoverAsync(uri, new(0, 6)), StringComparison.Ordinal);
        Assert.Empty(await server.RequestAsync<JArray>("textDocument/codeLens", new { textDocument = new { uri } }));
        var error = await Assert.ThrowsAnyAsync<RemoteRpcException>(() =>
            server.RequestAsync<JToken>("workspace/executeCommand", new { command = "grad.run", arguments = new object[] { uri, "plain" } }));
        Assert.Contains("Restricted Mode", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, analysis.RunCalls);
    }

    [Fact]
    public async Task Trusted_by_default_the_same_file_runs_its_minimize_run()
    {
        var analysis = new FakeAnalysisService();
        await using var server = await TestServer.StartAsync(analysis);
        var uri = server.NewUri();
        await server.OpenAsync(uri, MinimizeAndCsv);
        await server.WaitForAnalysisAsync(uri, 1);
        Assert.Equal(1, analysis.RunCalls);
        Assert.DoesNotContain(await server.WaitForDiagnosticsAsync(uri, 1), d => d["message"]!.ToString().Contains("Restricted Mode", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Limit_settings_reach_the_binder_at_initialize_and_on_configuration_changes()
    {
        await using var server = await TestServer.StartAsync(initializationOptions: new JObject
        {
            ["analysis"] = new JObject { ["debounceMs"] = 0 },
            ["limits"] = new JObject { ["layers"] = 3, ["steps"] = "many" },
        });
        var uri = server.NewUri();
        await server.OpenAsync(uri, Samples.TrainFile);
        var over = Assert.Single(await server.WaitForDiagnosticsAsync(uri, 1, d => d.Count > 0), d => d["code"]!.ToString() == "GRAD0340");
        Assert.Contains("grad.limits.layers", over["message"]!.ToString(), StringComparison.Ordinal);

        await server.NotifyAsync("workspace/didChangeConfiguration", new { settings = new { grad = new { limits = new { layers = 1000 } } } });
        await server.ChangeAsync(uri, 2, Samples.TrainFile + "\n");
        Assert.DoesNotContain(await server.WaitForDiagnosticsAsync(uri, 2), d => d["code"]!.ToString() == "GRAD0340");
    }

    [Fact]
    public void The_extension_declares_one_setting_per_limit_with_the_servers_name_and_default()
    {
        var manifest = JObject.Parse(File.ReadAllText(Path.Combine(Repo.Root, "vscode-extension", "package.json")));
        var properties = (JObject)manifest["contributes"]!["configuration"]!["properties"]!;
        var declared = properties.Properties().Where(p => p.Name.StartsWith("grad.limits.", StringComparison.Ordinal))
            .ToDictionary(p => p.Name["grad.limits.".Length..], p => (long)p.Value["default"]!);
        Assert.Equal(ResourceLimits.All.ToDictionary(l => l.Name, l => l.Default), declared);
    }
}
