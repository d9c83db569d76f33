using System.Diagnostics;
using System.Text;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>The built server as a separate process over stdio.</summary>
public sealed class StdioProcessTests
{
    private static readonly string NodeClientDirectory = Path.Combine(Repo.Root, "tests", "Grad.LanguageServer.Tests", "node-client");

    [Fact]
    public async Task Node_vscode_languageserver_protocol_client_initializes_opens_gets_diagnostics_hovers_and_shuts_down()
    {
        Assert.True(File.Exists(Processes.ServerDll), $"the server is not built at {Processes.ServerDll}");
        if (!Directory.Exists(Path.Combine(NodeClientDirectory, "node_modules")))
        {
            var install = await Processes.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], NodeClientDirectory);
            Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);
        }

        var run = await Processes.RunAsync("node", ["client.js", Processes.ServerDll, Repo.SeedPath], NodeClientDirectory, TimeSpan.FromSeconds(90));
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        var result = JObject.Parse(run.Stdout.Trim().Split('\n')[^1]);
        Assert.Equal("grad-language-server", result["serverName"]!.ToString());
        Assert.True((bool)result["hoverProvider"]!);
        Assert.Contains(result["diagnostics"]!, d => d["code"]!.ToString() == "GRAD0500" && (int)d["line"]! == 25);
        Assert.Contains("**layer 9 of 9**", result["hover"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("‖δ⁹‖", result["hover"]!.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, (int)result["exitCode"]!);
    }

    [Fact]
    public async Task Random_json_bodies_are_answered_and_the_server_keeps_serving()
    {
        await using var server = ServerProcess.Start();
        var random = new Random(7);
        string[] bodies =
        [
            "{\"foo\": [1, 2",
            "[1, 2, 3]",
            "null",
            "{\"jsonrpc\": \"2.0\", \"id\": 1}",
            "{\"jsonrpc\": \"2.0\", \"method\": 5, \"id\": {}}",
            new string(Enumerable.Range(0, 200).Select(_ => (char)random.Next(32, 127)).ToArray()),
        ];
        foreach (var body in bodies)
        {
            await server.SendAsync(body);
        }

        // Then a proper request: it is answered (each bad body got −32700 or −32600 and was skipped).
        await server.SendAsync("""{"jsonrpc":"2.0","id":42,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}""");
        Assert.True(await server.WaitForStdoutAsync("\"id\":42", TimeSpan.FromSeconds(20)), server.Stderr);
        Assert.Contains(server.Messages, m => (int?)m["error"]?["code"] == -32700);
        // Reported to the client as a warning (window/logMessage type 2), not as stderr's "error".
        Assert.True(await server.WaitForMessageAsync(m => m["method"]?.ToString() == "window/logMessage" && (int?)m["params"]?["type"] == 2
            && m["params"]!["message"]!.ToString().StartsWith("answered a bad message body with -32700", StringComparison.Ordinal), TimeSpan.FromSeconds(20)) is not null, server.Stderr);

        server.CloseInput();
        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the server did not exit after stdin closed");
    }

    [Fact]
    public async Task Ordinary_log_lines_come_as_log_messages_of_type_info_and_stderr_stays_empty()
    {
        await using var server = ServerProcess.Start();
        await server.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}""");
        var info = await server.WaitForMessageAsync(m => m["method"]?.ToString() == "window/logMessage" && m["params"]!["message"]!.ToString().StartsWith("initialize:", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.True(info is not null, server.Stderr);
        Assert.Equal(3, (int)info["params"]!["type"]!); // MessageType.Info: VS Code's log channel shows it as [info]

        await server.SendAsync("""{"jsonrpc":"2.0","method":"initialized","params":{}}""");
        await server.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"shutdown"}""");
        Assert.True(await server.WaitForStdoutAsync("\"id\":2", TimeSpan.FromSeconds(20)), server.Stderr);
        await server.SendAsync("""{"jsonrpc":"2.0","method":"exit"}""");
        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the server did not exit");
        await server.DrainAsync();

        // Every ordinary line went to the client with its level; a client shows stderr lines as errors.
        Assert.All(server.Messages.Where(m => m["method"]?.ToString() == "window/logMessage"), m => Assert.InRange((int)m["params"]!["type"]!, 3, 4));
        Assert.Equal("", server.Stderr);
    }

    [Theory]
    [InlineData("Content-Length: 120\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"meth")]
    [InlineData("Content-Length: abc\r\n\r\n{}")]
    [InlineData("Content-Len")]
    [InlineData("Content-Length: 5\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{")]
    public async Task Truncated_or_bad_headers_end_the_server_cleanly(string bytes)
    {
        await using var server = ServerProcess.Start();
        await server.SendRawAsync(bytes);
        server.CloseInput();
        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the server hung on a truncated message");
        Assert.Equal(1, server.ExitCode);
    }
}
