using System.Collections.Concurrent;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using Grad.Language.Syntax;
using Grad.Runtime.Charts;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Runs;

/// <summary>
/// <c>grad.run</c> (workspace/executeCommand, args [uri, runName?]): runs in the background within
/// the budget, cancellable with <c>$/cancelRequest</c>, returns the run's JSON object (a sweep's name:
/// <c>{"sweep", "runs"}</c> with its members'; without a name, the whole <c>grad run --json</c> object), then refreshes diagnostics, hovers, hints and
/// lenses. A training run also computes its loss landscape when <c>grad.landscape.resolution</c> is not 0 (after the run, cancelled
/// with it; the panel draws it). <c>grad/runResults</c> {uri}: the whole object from the results the server has.
/// <c>grad/panel</c> {uri}: the Gradient Flow panel's charts and numbers (<see cref="PanelCharts"/>).
/// <c>grad/runAt</c> {textDocument, position}: the run whose declaration holds the position.
/// </summary>
public sealed class RunsFeature
{
    public const string RunCommand = "grad.run";

    private readonly ServerContext context;
    private readonly ConcurrentDictionary<(string Uri, string Run), CancellationTokenSource> active = new();

    /// <summary>The work-done tokens of live runs, and what cancels each (<c>window/workDoneProgress/cancel</c>).</summary>
    private readonly ConcurrentDictionary<string, CancellationTokenSource> progressTokens = new(StringComparer.Ordinal);

    public RunsFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("workspace/executeCommand", UseSingleObjectParameterDeserialization = true)]
    public async Task<JToken?> ExecuteCommandAsync(ExecuteCommandParams request, CancellationToken cancellationToken)
    {
        if (request.Command != RunCommand)
        {
            throw new LocalRpcException($"unknown command '{request.Command}'; the server offers {RunCommand}") { ErrorCode = ErrorCodes.InvalidParams };
        }

        if (!context.Settings.Trusted)
        {
            throw new LocalRpcException("Runs do not run in Restricted Mode: trust the workspace to run them") { ErrorCode = ErrorCodes.RequestFailed };
        }

        var arguments = request.Arguments ?? [];
        if (arguments.Count < 1 || arguments[0] is not JValue { Type: JTokenType.String } uriToken)
        {
            throw new LocalRpcException($"{RunCommand} takes [uri, runName?]") { ErrorCode = ErrorCodes.InvalidParams };
        }

        var uri = uriToken.Value<string>()!;
        var snapshot = context.Documents.TryGet(uri)
            ?? throw new LocalRpcException($"{uri} is not open") { ErrorCode = ErrorCodes.InvalidParams };
        await Task.Yield();

        var program = snapshot.Compilation.Program;
        var runName = arguments.Count > 1 && arguments[1] is JValue { Type: JTokenType.String } nameToken ? nameToken.Value<string>() : null;
        if (runName is null)
        {
            // The whole file: the client shows its own progress for it, so the runs stream none of their own.
            foreach (var each in program.Runs)
            {
                await RunOneAsync(snapshot, each, cancellationToken, live: false).ConfigureAwait(false);
            }

            await AfterRunAsync(uri).ConfigureAwait(false);
            return Results(snapshot);
        }

        if (program.Sweeps.FirstOrDefault(s => s.Name == runName) is { } sweep)
        {
            // A sweep's members, one after the other (each within the budget); the editor shows them as they finish.
            var members = new JArray();
            foreach (var member in sweep.Members)
            {
                members.Add((await RunOneAsync(snapshot, member, cancellationToken, live: false).ConfigureAwait(false)).Json);
            }

            await AfterRunAsync(uri).ConfigureAwait(false);
            return new JObject { ["sweep"] = sweep.Name, ["runs"] = members };
        }

        var run = program.Runs.FirstOrDefault(r => r.Name == runName);
        if (run is null)
        {
            var declared = snapshot.Compilation.Syntax.Declarations.Any(d => d.Kind == "run" && d.Name?.Text == runName);
            throw new LocalRpcException(declared
                ? $"run '{runName}' has errors; fix them before running it"
                : $"there is no run named '{runName}' in {uri}") { ErrorCode = ErrorCodes.RequestFailed };
        }

        var report = await RunOneAsync(snapshot, run, cancellationToken).ConfigureAwait(false);
        await AfterRunAsync(uri).ConfigureAwait(false);
        return report.Json;
    }

    [JsonRpcMethod("grad/runResults", UseSingleObjectParameterDeserialization = true)]
    public async Task<JObject?> RunResultsAsync(RunResultsParams request)
    {
        // null for a document the server does not have open (the extension treats it as "no results").
        var snapshot = context.Documents.TryGet(request.Uri);
        if (snapshot is null)
        {
            return null;
        }

        await Task.Yield();
        return Results(snapshot);
    }

    /// <summary>
    /// <c>grad/panel</c> {uri}: the Gradient Flow panel's charts and numbers (<see cref="PanelCharts"/>)
    /// from the results the server has; before any run, every network's gradient flow at its initial
    /// weights. Null for a document the server does not have open.
    /// </summary>
    [JsonRpcMethod("grad/panel", UseSingleObjectParameterDeserialization = true)]
    public async Task<JObject?> PanelAsync(RunResultsParams request, CancellationToken cancellationToken)
    {
        if (context.Documents.TryGet(request.Uri) is not { } snapshot)
        {
            return null;
        }

        // The networks' initial analysis may not be cached yet: it runs off the message loop, as runs do.
        return await AnalysisLimits.OnOwnThread(() => Panel(snapshot, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>grad/runAt</c> {textDocument, position}: the name of the run whose declaration holds the
    /// position (for "Run at Cursor"), or null between runs.
    /// </summary>
    [JsonRpcMethod("grad/runAt", UseSingleObjectParameterDeserialization = true)]
    public async Task<string?> RunAtAsync(TextDocumentPositionParams request)
    {
        if (context.Documents.TryGet(request.TextDocument.Uri) is not { } snapshot)
        {
            return null;
        }

        await Task.Yield();
        var compilation = snapshot.Compilation;
        var offset = compilation.Source.ToOffset(request.Position);
        return compilation.Syntax.Declarations.OfType<RunDeclarationSyntax>()
            .FirstOrDefault(run => run.Span.Start <= offset && offset <= run.Span.End)?.Name?.Text;
    }

    private JObject Panel(DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        var compilation = snapshot.Compilation;
        var program = compilation.Program;
        var results = program.Runs
            .Select(r => context.Analyzer.GetCurrentRun(snapshot, r)?.Result)
            .OfType<CompletedRunResult>()
            .ToList();
        var charts = ChartSet.FromRuns(program, results, network => context.Analyzer.GetNetwork(compilation, network, cancellationToken).Analysis);
        var errors = compilation.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d =>
        {
            var start = compilation.Source.ToPosition(d.Span.Start);
            return $"{start.Line + 1}:{start.Character + 1} {d.Code} {d.Message}";
        }).ToList();
        return PanelCharts.Build(FileName(snapshot), charts, results, errors);
    }

    private static string FileName(DocumentSnapshot snapshot) =>
        snapshot.FilePath is { } path ? Path.GetFileName(path) : snapshot.Uri[(snapshot.Uri.LastIndexOf('/') + 1)..];

    /// <summary>One run within the budget; with <paramref name="live"/> (a run started on its own, from its code lens) it streams its progress (<see cref="LiveProgress"/>).</summary>
    private async Task<RunReport> RunOneAsync(DocumentSnapshot snapshot, BoundRun run, CancellationToken cancellationToken, bool live = true)
    {
        var key = (snapshot.Uri, run.Name);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // A new run of the same experiment replaces the one still going.
        if (active.TryGetValue(key, out var previous))
        {
            await previous.CancelAsync().ConfigureAwait(false);
        }

        active[key] = cancellation;
        var progress = live ? await LiveProgress.StartAsync(context, snapshot, run, cancellation, progressTokens).ConfigureAwait(false) : null;
        var ending = "failed";
        try
        {
            context.Log.Info($"running {run.Name} in {snapshot.Uri}");
            // Cancelled from its progress notification (or by a newer run of it), a run answers what it did; $/cancelRequest answers RequestCancelled.
            var report = await AnalysisLimits.OnOwnThread(() => context.Analyzer.RunNow(snapshot, run, cancellation.Token, progress, keepCancelled: true, landscape: true)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            ending = report.StopReason == StopReason.Cancelled ? $"cancelled: {report.Summary}" : report.Summary;
            return report;
        }
        catch (OperationCanceledException)
        {
            ending = "cancelled";
            throw;
        }
        finally
        {
            active.TryRemove(new KeyValuePair<(string, string), CancellationTokenSource>(key, cancellation));
            if (progress is not null)
            {
                await progress.EndAsync(ending, progressTokens).ConfigureAwait(false);
            }
        }
    }

    /// <summary><c>window/workDoneProgress/cancel</c> {token}: the user cancelled a live run from its progress notification.</summary>
    [JsonRpcMethod("window/workDoneProgress/cancel", UseSingleObjectParameterDeserialization = true)]
    public void CancelProgress(JToken request)
    {
        if (request is JObject body && body["token"] is JValue { Value: { } token } && progressTokens.TryGetValue(token.ToString()!, out var cancellation))
        {
            context.Log.Info($"run cancelled from its progress ({token})");
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run ended as the cancel arrived.
            }
        }
    }

    private async Task AfterRunAsync(string uri)
    {
        // Diagnostics that depend on results (a diverged run), then the views.
        if (context.Documents.TryGet(uri) is { } current)
        {
            context.Scheduler.Schedule(current);
        }

        await context.Notifier.RefreshViewsAsync().ConfigureAwait(false);
    }

    /// <summary>The <c>grad run --json</c> object (LANGUAGE.md) from the results this server has.</summary>
    private JObject Results(DocumentSnapshot snapshot)
    {
        var compilation = snapshot.Compilation;
        var diagnostics = new JArray(compilation.Diagnostics.Select(d =>
        {
            var range = compilation.Source.ToRange(d.Span);
            return new JObject
            {
                ["severity"] = d.Severity switch
                {
                    DiagnosticSeverity.Error => "error",
                    DiagnosticSeverity.Warning => "warning",
                    DiagnosticSeverity.Information => "information",
                    _ => "hint",
                },
                ["code"] = d.Code,
                ["message"] = d.Message,
                ["range"] = new JObject
                {
                    ["start"] = new JObject { ["line"] = range.Start.Line, ["character"] = range.Start.Character },
                    ["end"] = new JObject { ["line"] = range.End.Line, ["character"] = range.End.Character },
                },
            };
        }));
        var reports = compilation.Program.Runs.Concat(compilation.Program.Sweeps.SelectMany(s => s.Members))
            .Select(r => context.Analyzer.GetCurrentRun(snapshot, r))
            .OfType<RunReport>()
            .ToList();
        var runs = new JArray(reports.Select(r => r.Json));
        return new JObject { ["file"] = FileName(snapshot), ["diagnostics"] = diagnostics, ["runs"] = runs };
    }
}
