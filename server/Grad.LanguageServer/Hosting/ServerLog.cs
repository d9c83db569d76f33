using Grad.LanguageServer.Protocol;
using StreamJsonRpc;

namespace Grad.LanguageServer.Hosting;

/// <summary>
/// Logs go to the client as <c>window/logMessage</c> with their type (Error 1, Warning 2, Info 3,
/// Log 4), which VS Code's log output channel shows at that level. stderr only for what the
/// protocol cannot carry: a line written while no client is connected (before the connection,
/// after it closed, or when sending failed), with its level; clients show every stderr line as an
/// error. Never to stdout: stdout is the protocol channel.
/// </summary>
public sealed class ServerLog
{
    /// <summary>LSP's MessageType.</summary>
    public const int ErrorType = 1, WarningType = 2, InfoType = 3, LogType = 4;

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

    public void Error(string message) => Write(ErrorType, message);

    public void Warning(string message) => Write(WarningType, message);

    public void Info(string message) => Write(InfoType, message);

    /// <summary>A detail for the trace (<c>$/logTrace</c>) when the client asked for it.</summary>
    public void Verbose(string message)
    {
        if (Trace == "off")
        {
            return;
        }

        _ = SendAsync("$/logTrace", new { message }, () => WriteStderr("trace", message));
    }

    private void Write(int type, string message) =>
        _ = SendAsync("window/logMessage", new LogMessageParams { Type = type, Message = message }, () => WriteStderr(Level(type), message));

    private static string Level(int type) => type switch { ErrorType => "error", WarningType => "warning", InfoType => "info", _ => "log" };

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

    private async Task SendAsync(string method, object argument, Action otherwise)
    {
        var connection = rpc;
        if (connection is null || connection.IsDisposed)
        {
            otherwise();
            return;
        }

        try
        {
            await connection.NotifyWithParameterObjectAsync(method, argument).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ConnectionLostException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            // The client is gone: stderr is all that is left.
            otherwise();
        }
    }
}
