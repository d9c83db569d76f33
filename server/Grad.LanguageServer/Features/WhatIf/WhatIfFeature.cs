using System.Collections.Concurrent;
using Grad.Language.Semantics;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using Grad.Runtime.Contracts;
using Grad.Runtime.WhatIf;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.WhatIf;

/// <summary>
/// The what-if panel (<see cref="WhatIfRun"/> in the runtime does the work; this only translates).
/// <c>grad/whatIf</c> {uri, run, overrides}: the run's knobs, and the run re-run with the overrides applied to
/// its bound model within the analysis budget, as the panel's overlay charts (<see cref="WhatIfCharts"/>); a newer
/// what-if of the same document cancels the one still running (it answers RequestCancelled), as does
/// <c>$/cancelRequest</c>. <c>grad/whatIfEdits</c> {uri, run, overrides}: the WorkspaceEdit that writes the values
/// into the file (one undoable edit), and the values that cannot be written.
/// </summary>
public sealed class WhatIfFeature
{
    private readonly ServerContext context;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> running = new();

    public WhatIfFeature(ServerContext context)
    {
        this.context = context;
    }

    [JsonRpcMethod("grad/whatIf", UseSingleObjectParameterDeserialization = true)]
    public async Task<JObject> WhatIfAsync(WhatIfParams request, CancellationToken cancellationToken)
    {
        if (!context.Settings.Trusted)
        {
            throw new LocalRpcException("What-if runs do not run in Restricted Mode: trust the workspace to run them") { ErrorCode = ErrorCodes.RequestFailed };
        }

        var (snapshot, run) = Find(request);
        var overrides = ReadOverrides(request.Overrides);
        var limits = snapshot.Compilation.Options.Limits;
        var changed = Checked(() => WhatIfRun.Apply(run, overrides, limits));

        // The newest what-if of a document is the one the panel waits for: the one before it stops.
        using var superseding = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (running.TryGetValue(request.Uri, out var previous))
        {
            await previous.CancelAsync().ConfigureAwait(false);
        }

        running[request.Uri] = superseding;
        try
        {
            return await AnalysisLimits.OnOwnThread(() =>
            {
                var current = CurrentResult(snapshot, run, superseding.Token);
                var whatIf = context.Analyzer.Service.RunWhatIf(changed, new RunBudget(context.Settings.Budget), superseding.Token);
                if (whatIf is not CompletedRunResult completed)
                {
                    throw new LocalRpcException($"the what-if of run {run.Name} could not start: {(whatIf as FailedRunResult)?.Diagnostic?.Message}") { ErrorCode = ErrorCodes.RequestFailed };
                }

                var answer = WhatIfCharts.Build(current, completed, overrides);
                answer["version"] = snapshot.Version;
                answer["knobs"] = Knobs(run, snapshot);
                return answer;
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LocalRpcException($"a newer what-if of {run.Name} replaced this one") { ErrorCode = ErrorCodes.RequestCancelled };
        }
        finally
        {
            running.TryRemove(new KeyValuePair<string, CancellationTokenSource>(request.Uri, superseding));
        }
    }

    [JsonRpcMethod("grad/whatIfEdits", UseSingleObjectParameterDeserialization = true)]
    public async Task<WhatIfEditsResult> WhatIfEditsAsync(WhatIfParams request)
    {
        var (snapshot, run) = Find(request);
        var overrides = ReadOverrides(request.Overrides);
        await Task.Yield();
        var planned = Checked(() => WhatIfRun.Edits(run, overrides, snapshot.Compilation.Options.Limits));
        var source = snapshot.Compilation.Source;
        var edits = planned.Edits.Select(e => new TextEdit { Range = source.ToRange(e.Span), NewText = e.NewText }).ToArray();
        return new WhatIfEditsResult
        {
            Version = snapshot.Version,
            Edit = new WorkspaceEdit { Changes = new Dictionary<string, TextEdit[]> { [snapshot.Uri] = edits } },
            NotWritten = [.. planned.NotWritten],
        };
    }

    /// <summary>The run's result the what-if is drawn over: the one the server has for this text, or the run now (kept, as the code lens would).</summary>
    private CompletedRunResult CurrentResult(DocumentSnapshot snapshot, BoundRun run, CancellationToken cancellationToken)
    {
        var report = context.Analyzer.GetCurrentRun(snapshot, run) ?? context.Analyzer.RunNow(snapshot, run, cancellationToken);
        return report.Result ?? throw new LocalRpcException($"run {run.Name} could not start: {report.Problem?.Message ?? "see its diagnostics"}") { ErrorCode = ErrorCodes.RequestFailed };
    }

    private static JArray Knobs(BoundRun run, DocumentSnapshot snapshot) =>
        new(WhatIfRun.Knobs(run, snapshot.Compilation.Options.Limits).Select(k =>
        {
            var knob = new JObject
            {
                ["name"] = k.Name,
                ["label"] = k.Label,
                ["scale"] = k.Scale,
                ["value"] = k.Value,
                ["min"] = k.Min,
                ["max"] = k.Max,
            };
            if (!k.Stops.IsDefaultOrEmpty)
            {
                knob["stops"] = new JArray(k.Stops.Select(s => new JObject { ["value"] = s.Value, ["text"] = s.Text }));
            }

            if (!k.Choices.IsDefaultOrEmpty)
            {
                knob["choices"] = new JArray(k.Choices);
                knob["choice"] = k.Choice;
            }

            if (k.Unavailable is { } why)
            {
                knob["unavailable"] = why;
            }

            return knob;
        }));

    private (DocumentSnapshot Snapshot, BoundRun Run) Find(WhatIfParams request)
    {
        var snapshot = context.Documents.TryGet(request.Uri)
            ?? throw new LocalRpcException($"{request.Uri} is not open") { ErrorCode = ErrorCodes.InvalidParams };
        var run = snapshot.Compilation.Program.Runs.FirstOrDefault(r => r.Name == request.Run);
        if (run is null)
        {
            var declared = snapshot.Compilation.Syntax.Declarations.Any(d => d.Kind == "run" && d.Name?.Text == request.Run);
            throw new LocalRpcException(declared
                ? $"run '{request.Run}' has errors; fix them before asking what if"
                : $"there is no run named '{request.Run}' in {request.Uri}") { ErrorCode = ErrorCodes.RequestFailed };
        }

        return (snapshot, run);
    }

    private static T Checked<T>(Func<T> apply)
    {
        try
        {
            return apply();
        }
        catch (WhatIfException e)
        {
            throw new LocalRpcException(e.Message) { ErrorCode = ErrorCodes.InvalidParams };
        }
    }

    /// <summary>The overrides as the panel sends them; a value of the wrong kind is InvalidParams naming it.</summary>
    private static WhatIfOverrides ReadOverrides(JObject? json)
    {
        if (json is null)
        {
            return WhatIfOverrides.None;
        }

        double? Number(string name) => json[name] switch
        {
            null or { Type: JTokenType.Null } => null,
            JValue { Type: JTokenType.Float or JTokenType.Integer } value => value.Value<double>(),
            _ => throw new LocalRpcException($"overrides.{name} must be a number") { ErrorCode = ErrorCodes.InvalidParams },
        };

        var depth = Number("depth");
        if (depth is { } d && (d != Math.Floor(d) || d < int.MinValue || d > int.MaxValue))
        {
            throw new LocalRpcException($"the repeat count must be a whole number ≥ 1, not {Grad.Runtime.Numbers.Exact(d)}") { ErrorCode = ErrorCodes.InvalidParams };
        }

        var activation = json["activation"] switch
        {
            null or { Type: JTokenType.Null } => null,
            JValue { Type: JTokenType.String } value => value.Value<string>(),
            _ => throw new LocalRpcException("overrides.activation must be an activation's name") { ErrorCode = ErrorCodes.InvalidParams },
        };
        return new WhatIfOverrides(Number("lr"), Number("momentum"), depth is { } whole ? (int)whole : null, Number("initScale"), activation);
    }
}

public sealed class WhatIfParams
{
    public string Uri { get; set; } = "";

    public string Run { get; set; } = "";

    public JObject? Overrides { get; set; }
}

/// <summary>The answer of <c>grad/whatIfEdits</c>: the edit for the document's <see cref="Version"/>, and what it cannot write.</summary>
public sealed class WhatIfEditsResult
{
    public int Version { get; set; }

    public WorkspaceEdit Edit { get; set; } = new();

    public string[] NotWritten { get; set; } = [];
}
