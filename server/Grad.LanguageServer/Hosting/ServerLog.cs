using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Hosting;

/// <summary>
/// Logs go to stderr and, once the client is there, to <c>window/logMessage</c>. Never to stdout:
/// stdout is the protocol channel.
/// </summary>
public sealed class ServerLog
{
    private readonly TextWriter stderr;
    private readonly object gate = new();
    private JsonRpc? rpc;

    public ServerLog(TextWriter stderr)
    {
        this.stderr = stderr;
    }

    /// <summary>"off", "messages" or "verbose" (set by <c>$/setTrace</c> and initialize).</summary>
    public string Trace { get; set; } = "off";

    public void Attach(JsonRpc connection) => rpc = connection;

    public void Error(string message) => Write(1, message);

    public void Warning(string message) => Write(2, message);

    public void Info(string message) => Write(3, message);

    /// <summary>A detail for the trace (<c>$/logTrace</c>) when the client asked for it.</summary>
    public void Verbose(string message)
    {
        if (Trace == "off")
        {
            return;
        }

        WriteStderr("trace", message);
        _ = SendAsync("$/logTrace", new { message });
    }

    private void Write(int type, string message)
    {
        WriteStderr(type switch { 1 => "error", 2 => "warning", _ => "info" }, message);
        if (type <= 2)
        {
            _ = SendAsync("window/logMessage", new LogMessageParams { Type = type, Message = message });
        }
    }

    private void WriteStderr(string level, string message)
    {
        lock (gate)
        {
            try
            {
                stderr.WriteLine($"[grad-ls {DateTime.UtcNow:HH:mm:ss.fff}] {level}: {message}");
                stderr.Flush();
            }
            catch (IOException)
            {
                // stderr closed: nothing else to tell.
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    private async Task SendAsync(string method, object argument)
    {
        var connection = rpc;
        if (connection is null || connection.IsDisposed)
        {
            return;
        }

        try
        {
            await connection.NotifyWithParameterObjectAsync(method, argument).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ConnectionLostException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            // The client is gone; stderr still has the message.
        }
    }
}
