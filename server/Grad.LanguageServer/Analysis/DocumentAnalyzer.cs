using System.Collections.Immutable;
using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Hosting;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// The gradient analysis of one snapshot: every network at its initial weights, every minimize
/// run (cheap: a cost of a few parameters), and the warnings they give. Training runs are run
/// only when asked (<see cref="RunTraining"/>). Results are cached by content and shared with
/// the handlers, so hovers and the background analysis never compute the same thing twice.
/// </summary>
public sealed class DocumentAnalyzer
{
    /// <summary>Minimize runs are run automatically, but never for longer than this.</summary>
    private static readonly TimeSpan MinimizeBudget = TimeSpan.FromSeconds(2);

    private readonly AnalysisCache<NetworkReport> networks = new();
    private readonly AnalysisCache<CostReport> costs = new();
    private readonly AnalysisCache<RunReport> minimizeRuns = new();
    private readonly Func<ServerSettings> settings;

    public DocumentAnalyzer(IAnalysisService service, RunResultStore runResults, Func<ServerSettings> settings)
    {
        Service = service;
        RunResults = runResults;
        this.settings = settings;
    }

    public IAnalysisService Service { get; }

    public RunResultStore RunResults { get; }

    public NetworkReport GetNetworkReport(Compilation compilation, BoundNetwork network, CancellationToken cancellationToken) =>
        networks.GetOrAdd(ContentKeys.Network(compilation, network), compilation.FilePath,
            () => Service.AnalyzeNetwork(compilation.Program, network, cancellationToken));

    public CostReport GetCostReport(BoundCost cost, ImmutableArray<double> point, CancellationToken cancellationToken) =>
        costs.GetOrAdd(ContentKeys.Cost(cost, point), () => Service.AnalyzeCost(cost, point, cancellationToken));

    /// <summary>The last result of a run if the file still says what was run.</summary>
    public RunReport? GetCurrentRun(DocumentSnapshot snapshot, BoundRun run)
    {
        var stored = RunResults.Get(snapshot.Uri, run.Name);
        return stored is not null && stored.ContentKey == ContentKeys.Run(snapshot.Compilation, run) ? stored.Report : null;
    }

    /// <summary>The analysis warnings of the snapshot (the compiler's own diagnostics are not included).</summary>
    public ImmutableArray<Diagnostic> Analyze(DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        var compilation = snapshot.Compilation;
        var program = compilation.Program;
        var warnings = ImmutableArray.CreateBuilder<Diagnostic>();

        foreach (var network in program.Networks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            warnings.AddRange(AnalysisWarnings.ForNetwork(network, GetNetworkReport(compilation, network, cancellationToken)));
        }

        foreach (var run in program.Runs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var report = run.Kind == RunKind.Minimize ? RunMinimize(snapshot, run, cancellationToken) : GetCurrentRun(snapshot, run);
            if (report is null)
            {
                continue;
            }

            warnings.AddRange(AnalysisWarnings.ForRun(run, report));
            if (run.Kind == RunKind.Minimize && report.StopReason == StopReason.Until && run.Cost is not null)
            {
                var point = run.Cost.Parameters.Select(p => report.FinalParams.FirstOrDefault(kv => kv.Key == p).Value).ToImmutableArray();
                warnings.AddRange(AnalysisWarnings.ForStoppedRun(run, report, GetCostReport(run.Cost, point, cancellationToken)));
            }
        }

        return warnings.ToImmutable();
    }

    private RunReport RunMinimize(DocumentSnapshot snapshot, BoundRun run, CancellationToken cancellationToken)
    {
        var key = ContentKeys.Run(snapshot.Compilation, run);
        var stored = RunResults.Get(snapshot.Uri, run.Name);
        if (stored is not null && stored.ContentKey == key)
        {
            return stored.Report;
        }

        var budget = settings().Budget < MinimizeBudget ? settings().Budget : MinimizeBudget;
        var report = minimizeRuns.GetOrAdd(key, snapshot.FilePath, () => Service.Run(snapshot.Compilation.Program, run, new RunBudget(budget), cancellationToken));
        RunResults.Set(snapshot.Uri, run.Name, key, report);
        return report;
    }

    /// <summary>
    /// Drops what was computed for a closed document (its networks' and minimize runs' results, its
    /// runs' stored results); with no document left open, every cached result.
    /// </summary>
    public void Forget(DocumentSnapshot closed, bool anyDocumentOpen)
    {
        RunResults.Clear(closed.Uri);
        networks.Evict(closed.FilePath);
        minimizeRuns.Evict(closed.FilePath);
        costs.Evict(closed.FilePath);
        if (!anyDocumentOpen)
        {
            networks.Clear();
            minimizeRuns.Clear();
            costs.Clear();
        }
    }

    /// <summary>Results held in the caches (for tests of eviction).</summary>
    public int CachedResults => networks.Count + minimizeRuns.Count + costs.Count;

    /// <summary>Runs one run now (a code lens, the command, or autoRun) and keeps its result.</summary>
    public RunReport RunNow(DocumentSnapshot snapshot, BoundRun run, CancellationToken cancellationToken)
    {
        var key = ContentKeys.Run(snapshot.Compilation, run);
        var report = Service.Run(snapshot.Compilation.Program, run, new RunBudget(settings().Budget), cancellationToken);
        RunResults.Set(snapshot.Uri, run.Name, key, report);
        return report;
    }

    /// <summary>With autoRun on: the training runs that have no current result. True when any ran.</summary>
    public bool RunTraining(DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        var ran = false;
        foreach (var run in snapshot.Compilation.Program.Runs.Where(r => r.Kind == RunKind.Train))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (GetCurrentRun(snapshot, run) is null)
            {
                RunNow(snapshot, run, cancellationToken);
                ran = true;
            }
        }

        return ran;
    }
}
