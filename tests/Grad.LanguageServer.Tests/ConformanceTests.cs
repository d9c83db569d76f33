using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>LSP and JSON-RPC error codes, checked on the wire of the built server (stdio).</summary>
public sealed class ConformanceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_request_before_initialize_answers_ServerNotInitialized_and_a_notification_is_dropped()
    {
        await using var server = ServerProcess.Start();
        await server.SendAsync(Request(1, "textDocument/hover", new JObject { ["textDocument"] = new JObject { ["uri"] = "file:///early.grad" }, ["position"] = Position(0, 4) }));
        await server.SendAsync(Notification("textDocument/didOpen", OpenParams("file:///early.grad", "let a = 1\n")));

        var answer = await server.WaitForMessageAsync(m => (int?)m["id"] == 1, Timeout);
        Assert.NotNull(answer);
        Assert.Equal(-32002, (int)answer["error"]!["code"]!);
        Assert.Contains("not initialized", answer["error"]!["message"]!.ToString(), StringComparison.Ordinal);

        await InitializeAsync(server, 2);
        // The didOpen sent before initialize was dropped: the document is not open, so no hover.
        await server.SendAsync(Request(3, "textDocument/hover", new JObject { ["textDocument"] = new JObject { ["uri"] = "file:///early.grad" }, ["position"] = Position(0, 4) }));
        var hover = await server.WaitForMessageAsync(m => (int?)m["id"] == 3, Timeout);
        Assert.NotNull(hover);
        Assert.Null(hover["error"]);
        Assert.Equal(JTokenType.Null, hover["result"]?.Type ?? JTokenType.Null);
        Assert.DoesNotContain(server.Messages, m => (string?)m["method"] == "textDocument/publishDiagnostics");
    }

    [Theory]
    [InlineData("{\"foo\": [1, 2")]
    [InlineData("this is not json")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"initialize\",\"params\":{")]
    public async Task An_unparsable_body_answers_ParseError_with_a_null_id_and_the_server_keeps_serving(string body)
    {
        await using var server = ServerProcess.Start();
        await server.SendAsync(body);
        var error = await server.WaitForMessageAsync(m => m["error"] is not null, Timeout);
        Assert.NotNull(error);
        Assert.Equal(-32700, (int)error["error"]!["code"]!);
        Assert.Equal(JTokenType.Null, error["id"]!.Type);

        await InitializeAsync(server, 42);
    }

    [Fact]
    public async Task A_large_unparsable_body_is_skipped_whole()
    {
        // Larger than the pipe's 64 KB threshold, where StreamJsonRpc deserializes while reading.
        await using var server = ServerProcess.Start();
        await server.SendAsync("{\"jsonrpc\":\"2.0\",\"method\":\"x\",\"params\":[" + string.Concat(Enumerable.Repeat("1,", 60_000)) + "oops]}");
        var error = await server.WaitForMessageAsync(m => m["error"] is not null, Timeout);
        Assert.NotNull(error);
        Assert.Equal(-32700, (int)error["error"]!["code"]!);
        await InitializeAsync(server, 1);
    }

    [Theory]
    [InlineData("[1, 2, 3]")]
    [InlineData("null")]
    [InlineData("42")]
    public async Task Json_that_is_not_a_message_answers_InvalidRequest_and_the_server_keeps_serving(string body)
    {
        await using var server = ServerProcess.Start();
        await server.SendAsync(body);
        var error = await server.WaitForMessageAsync(m => m["error"] is not null, Timeout);
        Assert.NotNull(error);
        Assert.Equal(-32600, (int)error["error"]!["code"]!);
        await InitializeAsync(server, 5);
    }

    [Fact]
    public async Task InvalidParams_messages_name_the_json_path_and_no_dotnet_type()
    {
        await using var server = ServerProcess.Start();
        await InitializeAsync(server, 1);
        await server.SendAsync(Request(2, "textDocument/hover", new JObject { ["textDocument"] = 5, ["position"] = "here" }));
        await server.SendAsync(Request(3, "textDocument/hover", new JObject { ["textDocument"] = new JObject { ["uri"] = "file:///a.grad" }, ["position"] = new JObject { ["line"] = "one", ["character"] = 0 } }));
        foreach (var id in new[] { 2, 3 })
        {
            var answer = await server.WaitForMessageAsync(m => (int?)m["id"] == id, Timeout);
            Assert.True(answer is not null, string.Join("\n", server.Messages) + server.Stderr);
            Assert.Equal(-32602, (int)answer["error"]!["code"]!);
            var message = answer["error"]!["message"]!.ToString();
            Assert.StartsWith("Invalid params for textDocument/hover: `", message, StringComparison.Ordinal);
            Assert.DoesNotMatch(@"Grad\.|System\.|Newtonsoft|Protocol\.|Int32|type '", message);
            Assert.Null(answer["error"]!["data"]);
        }

        var third = await server.WaitForMessageAsync(m => (int?)m["id"] == 3, Timeout);
        Assert.Contains("`position.line`", third!["error"]!["message"]!.ToString(), StringComparison.Ordinal);
    }

    internal static async Task InitializeAsync(ServerProcess server, int id, JObject? initializationOptions = null)
    {
        await server.SendAsync(Request(id, "initialize", new JObject
        {
            ["processId"] = null,
            ["rootUri"] = null,
            ["capabilities"] = new JObject(),
            ["initializationOptions"] = initializationOptions ?? new JObject { ["analysis"] = new JObject { ["debounceMs"] = 0 } },
        }));
        var answer = await server.WaitForMessageAsync(m => (int?)m["id"] == id, Timeout);
        Assert.True(answer?["result"]?["capabilities"] is JObject, $"initialize was not answered: {answer}\n{server.Stderr}");
        await server.SendAsync(Notification("initialized", new JObject()));
    }

    internal static JObject Request(int id, string method, JObject parameters) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters };

    internal static JObject Notification(string method, JObject parameters) =>
        new() { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters };

    internal static JObject OpenParams(string uri, string text, int version = 1) =>
        new() { ["textDocument"] = new JObject { ["uri"] = uri, ["languageId"] = "grad", ["version"] = version, ["text"] = text } };

    internal static JObject Position(int line, int character) => new() { ["line"] = line, ["character"] = character };
}
