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
    public async Task Random_json_bodies_are_reported_and_the_server_survives_or_exits_cleanly()
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

        // Then a proper request: either it is answered, or the server has exited (never a hang).
        await server.SendAsync("""{"jsonrpc":"2.0","id":42,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}""");
        var answered = await server.WaitForStdoutAsync("\"id\":42", TimeSpan.FromSeconds(20));
        Assert.True(answered || server.HasExited, "the server neither answered nor exited");
        if (!answered)
        {
            // It exited: read everything it wrote before checking what it said.
            await server.WaitForExitAsync(TimeSpan.FromSeconds(20));
            await server.DrainAsync();
        }

        Assert.False(string.IsNullOrWhiteSpace(server.Stderr), "the server did not report the bad input on stderr");

        server.CloseInput();
        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(20)), "the server did not exit after stdin closed");
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

    /// <summary>The built server with raw access to its stdin and stdout.</summary>
    private sealed class ServerProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly StringBuilder stdout = new();
        private readonly StringBuilder stderr = new();
        private readonly Task stdoutPump;
        private readonly Task stderrPump;

        private ServerProcess(Process process)
        {
            this.process = process;
            stdoutPump = PumpAsync(process.StandardOutput, stdout);
            stderrPump = PumpAsync(process.StandardError, stderr);
        }

        public bool HasExited => process.HasExited;

        public int ExitCode => process.ExitCode;

        public string Stderr
        {
            get
            {
                lock (stderr)
                {
                    return stderr.ToString();
                }
            }
        }

        public static ServerProcess Start()
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Processes.ServerDll);
            start.ArgumentList.Add("--stdio");
            return new ServerProcess(Process.Start(start)!);
        }

        public Task SendAsync(string body) =>
            SendRawAsync($"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}");

        public async Task SendRawAsync(string bytes)
        {
            try
            {
                var data = Encoding.UTF8.GetBytes(bytes);
                await process.StandardInput.BaseStream.WriteAsync(data);
                await process.StandardInput.BaseStream.FlushAsync();
            }
            catch (IOException)
            {
                // The server already closed its end: that is one of the allowed outcomes.
            }
        }

        public void CloseInput()
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }

        public async Task<bool> WaitForStdoutAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                lock (stdout)
                {
                    if (stdout.ToString().Contains(text, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                if (process.HasExited)
                {
                    return false;
                }

                await Task.Delay(20);
            }

            return false;
        }

        public async Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancellation = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancellation.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        /// <summary>Waits until stdout and stderr have been read to their end (after the process exited).</summary>
        public Task DrainAsync() => Task.WhenAll(stdoutPump, stderrPump).WaitAsync(TimeSpan.FromSeconds(10));

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await Task.WhenAll(stdoutPump, stderrPump).WaitAsync(TimeSpan.FromSeconds(10));
            process.Dispose();
        }

        private static async Task PumpAsync(StreamReader reader, StringBuilder into)
        {
            var buffer = new char[4096];
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                lock (into)
                {
                    into.Append(buffer, 0, read);
                }
            }
        }
    }
}
