using System.Diagnostics;
using System.Text;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests.Infrastructure;

/// <summary>The built server with raw access to its stdin and stdout.</summary>
public sealed class ServerProcess : IAsyncDisposable
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

    public int Id => process.Id;

    /// <summary>The server's resident set size now (VmRSS from /proc), in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
    }

    /// <summary>Every message the server has written so far, parsed.</summary>
    public IReadOnlyList<JObject> Messages
    {
        get
        {
            string text;
            lock (stdout)
            {
                text = stdout.ToString();
            }

            // Frames by their Content-Length in bytes; a body still arriving ends the list.
            ReadOnlySpan<byte> bytes = Encoding.UTF8.GetBytes(text);
            var messages = new List<JObject>();
            while (true)
            {
                var header = bytes.IndexOf("Content-Length: "u8);
                var headerEnd = bytes.IndexOf("\r\n\r\n"u8);
                if (header < 0 || headerEnd < header)
                {
                    return messages;
                }

                var length = int.Parse(Encoding.ASCII.GetString(bytes[(header + 16)..headerEnd]).Split('\r')[0], System.Globalization.CultureInfo.InvariantCulture);
                var body = headerEnd + 4;
                if (body + length > bytes.Length)
                {
                    return messages;
                }

                messages.Add(JObject.Parse(Encoding.UTF8.GetString(bytes.Slice(body, length))));
                bytes = bytes[(body + length)..];
            }
        }
    }

    /// <summary>The first message that matches, within the timeout; null if none came (or the server exited).</summary>
    public async Task<JObject?> WaitForMessageAsync(Func<JObject, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Messages.FirstOrDefault(predicate) is { } found)
            {
                return found;
            }

            if (process.HasExited || DateTime.UtcNow >= deadline)
            {
                return null;
            }

            await Task.Delay(10);
        }
    }

    /// <summary>Sends a request or notification as one framed JSON body.</summary>
    public Task SendAsync(JObject message) => SendAsync(message.ToString(Newtonsoft.Json.Formatting.None));

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
