using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;
using StreamJsonRpc.Protocol;

namespace Grad.LanguageServer.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task Initialize_announces_every_feature()
    {
        await using var server = await TestServer.StartAsync(initialize: false);
        var result = await server.InitializeAsync();
        var capabilities = (JObject)result["capabilities"]!;
        Assert.Equal(2, (int)capabilities["textDocumentSync"]!["change"]!);
        foreach (var provider in new[]
        {
            "hoverProvider", "completionProvider", "signatureHelpProvider", "definitionProvider", "referencesProvider",
            "documentSymbolProvider", "renameProvider", "semanticTokensProvider", "foldingRangeProvider",
            "documentFormattingProvider", "codeActionProvider", "codeLensProvider", "inlayHintProvider", "executeCommandProvider",
        })
        {
            Assert.True(capabilities[provider] is not null, provider);
        }

        Assert.Equal("grad.run", capabilities["executeCommandProvider"]!["commands"]![0]!.ToString());
        Assert.True((bool)capabilities["renameProvider"]!["prepareProvider"]!);
        Assert.Equal("grad-language-server", result["serverInfo"]!["name"]!.ToString());
    }

    [Fact]
    public async Task Shutdown_then_exit_ends_with_code_0()
    {
        var server = await TestServer.StartAsync();
        await server.RequestAsync<JToken?>("shutdown", null);
        await server.NotifyAsync("exit", null);
        Assert.Equal(0, await server.HostRun.WaitAsync(TestServer.Timeout));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Requests_after_shutdown_answer_InvalidRequest()
    {
        var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, "let a = 1\n");
        await server.RequestAsync<JToken?>("shutdown", null);
        var error = await Assert.ThrowsAnyAsync<RemoteRpcException>(() => server.HoverAsync(uri, new(0, 4)));
        Assert.Equal((int)JsonRpcErrorCode.InvalidRequest, (int)error.ErrorCode!);
        await server.NotifyAsync("exit", null);
        Assert.Equal(0, await server.HostRun.WaitAsync(TestServer.Timeout));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Exit_without_shutdown_ends_with_code_1()
    {
        var server = await TestServer.StartAsync();
        await server.NotifyAsync("exit", null);
        Assert.Equal(1, await server.HostRun.WaitAsync(TestServer.Timeout));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Client_that_disappears_ends_the_host()
    {
        var server = await TestServer.StartAsync();
        server.Client.Dispose();
        Assert.Equal(1, await server.HostRun.WaitAsync(TestServer.Timeout));
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Unknown_method_answers_MethodNotFound_and_the_server_keeps_serving()
    {
        await using var server = await TestServer.StartAsync();
        var error = await Assert.ThrowsAsync<RemoteMethodNotFoundException>(() => server.RequestAsync<JToken?>("grad/noSuchThing", new { }));
        Assert.Equal(JsonRpcErrorCode.MethodNotFound, error.ErrorCode);
        await server.NotifyAsync("$/noSuchNotification", new { });

        var uri = server.NewUri();
        await server.OpenAsync(uri, "let a = 1\n");
        Assert.NotNull(await server.HoverAsync(uri, new(0, 4)));
    }

    [Fact]
    public async Task Malformed_params_answer_InvalidParams_and_the_server_keeps_serving()
    {
        await using var server = await TestServer.StartAsync();
        // StreamJsonRpc's client surfaces -32602 as RemoteMethodNotFoundException ("no method takes these arguments").
        var error = await Assert.ThrowsAsync<RemoteMethodNotFoundException>(() =>
            server.RequestAsync<JToken?>("textDocument/hover", new { textDocument = 5, position = "here" }));
        Assert.Equal((int)JsonRpcErrorCode.InvalidParams, (int)error.ErrorCode);

        // A notification with bad params is dropped; the connection stays up.
        await server.NotifyAsync("textDocument/didOpen", new { textDocument = new[] { 1, 2 } });
        var uri = server.NewUri();
        await server.OpenAsync(uri, "let a = 1\n");
        Assert.NotNull(await server.HoverAsync(uri, new(0, 4)));
    }

    [Fact]
    public async Task Cancelled_request_answers_RequestCancelled()
    {
        var analysis = new FakeAnalysisService { RunBlocksUntilCancelled = true };
        await using var server = await TestServer.StartAsync(analysis);
        var uri = server.NewUri();
        await server.OpenAsync(uri, Samples.TrainFile);
        using var cancellation = new CancellationTokenSource();
        var request = server.Client.InvokeWithParameterObjectAsync<JToken>("workspace/executeCommand",
            new { command = "grad.run", arguments = new object[] { uri, "fit" } }, cancellation.Token);
        await analysis.RunStarted.Task.WaitAsync(TestServer.Timeout);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request.WaitAsync(TestServer.Timeout));

        // The wire carried LSP's RequestCancelled code, and the server still answers.
        await Wait.UntilAsync(() => server.ReceivedText.Contains("\"code\":-32800", StringComparison.Ordinal), server.ReceivedText);
        Assert.NotNull(await server.HoverAsync(uri, new(0, 9)));
    }

    [Fact]
    public async Task Handler_exception_answers_an_error_and_the_server_keeps_serving()
    {
        var analysis = new FakeAnalysisService { RunFailure = new InvalidOperationException("boom in the runtime") };
        await using var server = await TestServer.StartAsync(analysis);
        var uri = server.NewUri();
        await server.OpenAsync(uri, Samples.TrainFile);
        var error = await Assert.ThrowsAsync<RemoteInvocationException>(() =>
            server.RequestAsync<JToken>("workspace/executeCommand", new { command = "grad.run", arguments = new object[] { uri, "fit" } }));
        Assert.Contains("boom in the runtime", error.Message, StringComparison.Ordinal);

        analysis.RunFailure = null;
        Assert.NotNull(await server.HoverAsync(uri, new(0, 9)));
        var result = await server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new object[] { uri, "fit" } });
        Assert.Equal("fit", result["name"]!.ToString());
    }

    [Fact]
    public async Task SetTrace_and_configuration_changes_are_accepted()
    {
        await using var server = await TestServer.StartAsync();
        await server.NotifyAsync("$/setTrace", new { value = "verbose" });
        await server.NotifyAsync("workspace/didChangeConfiguration", new { settings = new { grad = new { analysis = new { debounceMs = 5, autoRun = true, budgetSeconds = 3 } } } });
        await Wait.UntilAsync(() => server.Host.Context.Settings.AutoRun);
        Assert.Equal(5, server.Host.Context.Settings.DebounceMs);
        Assert.Equal(3, server.Host.Context.Settings.BudgetSeconds);
        Assert.Equal("verbose", server.Host.Log.Trace);

        // With the trace on, the analysis reports its timing as $/logTrace.
        var uri = server.NewUri();
        await server.OpenAsync(uri, "let a = 1\n");
        var trace = await server.WaitForNotificationAsync("$/logTrace", p => p["message"]!.ToString().Contains(uri, StringComparison.Ordinal));
        Assert.Contains("analysed", trace["message"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialization_options_set_the_analysis_settings()
    {
        await using var server = await TestServer.StartAsync(initialize: false);
        await server.InitializeAsync(initializationOptions: new JObject { ["analysis"] = new JObject { ["debounceMs"] = 0, ["autoRun"] = true, ["budgetSeconds"] = 2.5 } });
        Assert.True(server.Host.Context.Settings.AutoRun);
        Assert.Equal(2.5, server.Host.Context.Settings.BudgetSeconds);
        Assert.Equal(0, server.Host.Context.Settings.DebounceMs);
    }
}
