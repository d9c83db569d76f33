using System.Collections.Concurrent;
using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Hosting;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// Runs the analysis of each document in the background: debounced, one at a time per document,
/// the newest version only (a newer version cancels the running one and replaces any waiting
/// one, so edits never pile up a backlog). A crash becomes one diagnostic.
/// </summary>
public sealed class AnalysisScheduler
{
    /// <summary>How long the compiler's diagnostics wait for the analysis' warnings before going out alone.</summary>
    private static readonly TimeSpan CompilerDiagnosticsGrace = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, Worker> workers = new(StringComparer.Ordinal);
    private readonly DocumentAnalyzer analyzer;
    private readonly IClientNotifier client;
    private readonly Func<ServerSettings> settings;
    private readonly ServerLog log;
    private int running;
    private int peakRunning;
    private long completed;

    public AnalysisScheduler(DocumentAnalyzer analyzer, IClientNotifier client, Func<ServerSettings> settings, ServerLog log)
    {
        this.analyzer = analyzer;
        this.client = client;
        this.settings = settings;
        this.log = log;
    }

    /// <summary>Analyses executing now, over all documents.</summary>
    public int RunningAnalyses => Volatile.Read(ref running);

    /// <summary>The most analyses that ever executed at once.</summary>
    public int PeakRunningAnalyses => Volatile.Read(ref peakRunning);

    /// <summary>Analyses that ran to the end (not cancelled).</summary>
    public long CompletedAnalyses => Interlocked.Read(ref completed);

    /// <summary>Documents with an analysis executing or waiting.</summary>
    public int BusyDocuments => workers.Values.Count(w => w.IsBusy);

    public void Schedule(DocumentSnapshot snapshot)
    {
        var worker = workers.GetOrAdd(snapshot.Uri, _ => new Worker());
        lock (worker.Gate)
        {
            worker.Pending = snapshot;
            worker.Current?.Cancel();
            if (!worker.Looping)
            {
                worker.Looping = true;
                _ = Task.Run(() => LoopAsync(worker));
            }
        }
    }

    public void Close(string uri)
    {
        if (workers.TryGetValue(uri, out var worker))
        {
            lock (worker.Gate)
            {
                worker.Pending = null;
                worker.Current?.Cancel();
            }
        }
    }

    private async Task LoopAsync(Worker worker)
    {
        while (true)
        {
            DocumentSnapshot snapshot;
            CancellationTokenSource cancellation;
            lock (worker.Gate)
            {
                if (worker.Pending is null)
                {
                    worker.Looping = false;
                    return;
                }

                snapshot = worker.Pending;
                worker.Pending = null;
                cancellation = new CancellationTokenSource();
                worker.Current = cancellation;
            }

            try
            {
                await AnalyzeAsync(snapshot, cancellation.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // A newer version (or a close) took over.
            }
            catch (Exception exception)
            {
                // AnalyzeAsync turns analysis failures into a diagnostic; this is the last guard.
                log.Error($"analysis of {snapshot.Uri} v{snapshot.Version} failed: {exception}");
            }
            finally
            {
                lock (worker.Gate)
                {
                    worker.Current = null;
                }

                cancellation.Dispose();
            }
        }
    }

    private async Task AnalyzeAsync(DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        var debounce = settings().DebounceMs;
        if (debounce > 0)
        {
            await Task.Delay(debounce, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var now = Interlocked.Increment(ref running);
        UpdatePeak(now);
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            _ = await AnalysisLimits.OnOwnThread(() => snapshot.Compilation).ConfigureAwait(false);
            await client.AnalysisStateAsync(snapshot, "analysing").ConfigureAwait(false);

            // The whole analysis (data loading, the analysis at the initial weights, the minimize
            // runs, converting their results) shares one time budget, on a thread of its own.
            var budget = settings().Budget;
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(budget);
            var analysis = AnalysisLimits.OnOwnThread(() => analyzer.Analyze(snapshot, deadline.Token));

            // The compiler's diagnostics must not wait for a slow analysis (a large network):
            // if the analysis takes longer than a moment, they are published first, on their own.
            if (await Task.WhenAny(analysis, Task.Delay(CompilerDiagnosticsGrace, cancellationToken)).ConfigureAwait(false) != analysis)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await client.PublishAsync(snapshot, []).ConfigureAwait(false);
            }

            // Work that does not look at the token (a blocking read) is left behind, on its own thread.
            if (await Task.WhenAny(analysis, Task.Delay(budget + AnalysisLimits.Overrun, cancellationToken)).ConfigureAwait(false) != analysis)
            {
                cancellationToken.ThrowIfCancellationRequested();
                _ = analysis.ContinueWith(t => log.Warning($"an analysis of {snapshot.Uri} v{snapshot.Version} left behind at its time limit ended {(t.IsFaulted ? "with " + t.Exception!.InnerException!.GetType().Name : "")}"), TaskScheduler.Default);
                await StoppedAsync(snapshot, AnalysisLimits.TimeLimit(budget)).ConfigureAwait(false);
                return;
            }

            ImmutableArray<Diagnostic> warnings;
            try
            {
                warnings = await analysis.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                await StoppedAsync(snapshot, AnalysisLimits.TimeLimit(budget)).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException)
            {
                // A result this analysis shared with a request that was cancelled: try again,
                // unless a newer version is already waiting.
                if (workers.TryGetValue(snapshot.Uri, out var worker))
                {
                    lock (worker.Gate)
                    {
                        worker.Pending ??= snapshot;
                    }
                }

                return;
            }
            catch (Exception exception) when (AnalysisLimits.IsResourceExhaustion(exception))
            {
                log.Warning($"analysis of {snapshot.Uri} v{snapshot.Version} ran out of resources: {exception.GetType().Name}");
                await StoppedAsync(snapshot, AnalysisLimits.ResourceLimit(exception)).ConfigureAwait(false);
                return;
            }
            catch (Exception exception)
            {
                // Only a real bug gets here (GRAD0504).
                log.Error($"analysis of {snapshot.Uri} v{snapshot.Version} crashed: {exception}");
                await client.PublishAsync(snapshot, [Analyzer.Failed(snapshot.Compilation, new Language.Text.TextSpan(0, 0), null, exception).ToDiagnostic()]).ConfigureAwait(false);
                await client.AnalysisStateAsync(snapshot, "error", $"The analysis failed: {exception.Message}").ConfigureAwait(false);
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            await client.PublishAsync(snapshot, warnings).ConfigureAwait(false);
            await client.AnalysisStateAsync(snapshot, "ready").ConfigureAwait(false);
            Interlocked.Increment(ref completed);
            log.Verbose($"analysed {snapshot.Uri} v{snapshot.Version} in {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:0.0} ms");
            await client.RefreshViewsAsync().ConfigureAwait(false);

            if (settings().AutoRun && await AnalysisLimits.OnOwnThread(() => analyzer.RunTraining(snapshot, cancellationToken)).ConfigureAwait(false))
            {
                await client.PublishAsync(snapshot, await AnalysisLimits.OnOwnThread(() => analyzer.Analyze(snapshot, cancellationToken)).ConfigureAwait(false)).ConfigureAwait(false);
                await client.RefreshViewsAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref running);
        }
    }

    /// <summary>The analysis hit a limit (GRAD0510): the compiler's diagnostics and that one warning; the document is not in error.</summary>
    private async Task StoppedAsync(DocumentSnapshot snapshot, Diagnostic limit)
    {
        await client.PublishAsync(snapshot, [limit]).ConfigureAwait(false);
        await client.AnalysisStateAsync(snapshot, "ready").ConfigureAwait(false);
    }

    private void UpdatePeak(int now)
    {
        int peak;
        while (now > (peak = Volatile.Read(ref peakRunning)) && Interlocked.CompareExchange(ref peakRunning, now, peak) != peak)
        {
        }
    }

    private sealed class Worker
    {
        public object Gate { get; } = new();

        public DocumentSnapshot? Pending { get; set; }

        public CancellationTokenSource? Current { get; set; }

        public bool Looping { get; set; }

        public bool IsBusy
        {
            get
            {
                lock (Gate)
                {
                    return Looping;
                }
            }
        }
    }
}
