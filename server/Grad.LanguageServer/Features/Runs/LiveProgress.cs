using System.Collections.Concurrent;
using System.Diagnostics;
using Grad.Language.Semantics;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Hosting;
using Grad.Runtime.Contracts;
using Grad.Runtime.Live;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Runs;

/// <summary>
/// A live run: a run that <c>grad.run</c> started streams its progress. With a client that declares
/// <c>window.workDoneProgress</c>, the server creates a token (<c>window/workDoneProgress/create</c>) and reports
/// <c>$/progress</c> begin (cancellable), report (the step and the loss, a percentage) and end;
/// <c>window/workDoneProgress/cancel</c> of the token stops the run within a step. Every client is sent
/// <c>grad/runProgress</c> {uri, run, step, totalSteps, message, panel}: the panel's charts of the run so far
/// (<see cref="LiveRun"/>, made by the runtime's PanelCharts), at most every <see cref="Interval"/> and once at its end.
/// The run driver reports on the run's thread; the notifications are sent without waiting for the client.
/// </summary>
internal sealed class LiveProgress : IProgress<RunProgress>
{
    /// <summary>At most one report and one panel update per this interval (and the last one always).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly ServerContext context;
    private readonly DocumentSnapshot snapshot;
    private readonly LiveRun live;
    private readonly string? token;
    private long lastSent;

    private LiveProgress(ServerContext context, DocumentSnapshot snapshot, BoundRun run, string? token)
    {
        this.context = context;
        this.snapshot = snapshot;
        live = new LiveRun(run);
        this.token = token;
    }

    /// <summary>
    /// Creates the work-done token (when the client supports it; <paramref name="cancellations"/> maps it to the
    /// run's cancellation) and sends begin.
    /// </summary>
    public static async Task<LiveProgress> StartAsync(ServerContext context, DocumentSnapshot snapshot, BoundRun run,
        CancellationTokenSource cancellation, ConcurrentDictionary<string, CancellationTokenSource> cancellations)
    {
        string? token = null;
        if (context.ClientSupports("window.workDoneProgress"))
        {
            var candidate = $"grad-run-{Guid.NewGuid():N}";
            try
            {
                await context.Rpc.InvokeWithParameterObjectAsync<object?>("window/workDoneProgress/create", new { token = candidate }).ConfigureAwait(false);
                token = candidate;
                cancellations[token] = cancellation;
            }
            catch (Exception exception) when (exception is RemoteRpcException or ConnectionLostException or ObjectDisposedException)
            {
                context.Log.Verbose($"window/workDoneProgress/create failed: {exception.Message}");
            }
        }

        var progress = new LiveProgress(context, snapshot, run, token);
        if (token is not null)
        {
            await progress.NotifyAsync("$/progress", new { token, value = new { kind = "begin", title = $"Grad: running {run.Name}", cancellable = true, message = "starting", percentage = 0 } }).ConfigureAwait(false);
        }

        return progress;
    }

    public void Report(RunProgress value)
    {
        live.Add(value);
        var now = Stopwatch.GetTimestamp();
        if (!value.Final && Stopwatch.GetElapsedTime(Interlocked.Read(ref lastSent), now) < Interval)
        {
            return;
        }

        Interlocked.Exchange(ref lastSent, now);
        var panel = live.Panel(snapshot.Compilation.Program, snapshot.FilePath is { } path ? Path.GetFileName(path) : snapshot.Uri[(snapshot.Uri.LastIndexOf('/') + 1)..]);
        _ = NotifyAsync("grad/runProgress", new JObject
        {
            ["uri"] = snapshot.Uri,
            ["run"] = live.Run.Name,
            ["step"] = live.Step,
            ["totalSteps"] = live.TotalSteps,
            ["message"] = live.Message,
            ["final"] = value.Final,
            ["panel"] = panel,
        });
        if (token is not null && !value.Final)
        {
            _ = NotifyAsync("$/progress", new { token, value = new { kind = "report", message = live.Message, percentage = live.Percentage } });
        }
    }

    /// <summary>Ends the work-done progress with what became of the run, and forgets its token.</summary>
    public async Task EndAsync(string message, ConcurrentDictionary<string, CancellationTokenSource> cancellations)
    {
        if (token is null)
        {
            return;
        }

        cancellations.TryRemove(token, out _);
        await NotifyAsync("$/progress", new { token, value = new { kind = "end", message } }).ConfigureAwait(false);
    }

    private async Task NotifyAsync(string method, object argument)
    {
        try
        {
            await context.Rpc.NotifyWithParameterObjectAsync(method, argument).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ConnectionLostException or ObjectDisposedException or IOException)
        {
            // The client went away; the host ends when the connection does.
        }
    }
}
