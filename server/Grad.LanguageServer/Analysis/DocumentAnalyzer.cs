using System.Collections.Immutable;
using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Hosting;
using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Data;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// The runtime's judgement of one snapshot: every network at its initial weights, every run
/// before it runs (GRAD0508), every minimize run (cheap: a cost of a few parameters) and the
/// training runs that have run. Training runs are run only when asked (<see cref="RunTraining"/>).
/// Results are cached by their exact inputs and shared with the handlers, so hovers and the
/// background analysis never compute the same thing twice; a cached finding is moved with its
/// declaration when text before it changes.
/// </summary>
public sealed class DocumentAnalyzer
{
    /// <summary>Minimize runs are run automatically, but never for longer than this.</summary>
    private static readonly TimeSpan MinimizeBudget = TimeSpan.FromSeconds(2);

    private readonly AnalysisCache<Placed<NetworkJudgement>> networks = new();
    private readonly AnalysisCache<Placed<ImmutableArray<Finding>>> runsBeforeRunning = new();
    private readonly AnalysisCache<CostAnalysis> costs = new();
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

    /// <summary>A network's numbers and findings (moved to where the network is now).</summary>
    public NetworkJudgement GetNetwork(Compilation compilation, BoundNetwork network, CancellationToken cancellationToken)
    {
        var placed = Shared(networks, ContentKeys.Network(compilation, network), compilation.FilePath,
            () => new Placed<NetworkJudgement>(Service.JudgeNetwork(compilation, network, cancellationToken), network.Syntax.Span.Start), cancellationToken);
        var delta = network.Syntax.Span.Start - placed.Start;
        return delta == 0 ? placed.Value : placed.Value with { Findings = [.. placed.Value.Findings.Select(f => f.Shifted(delta, compilation.Source))] };
    }

    public CostAnalysis GetCost(BoundCost cost, ImmutableArray<double> point, CancellationToken cancellationToken) =>
        costs.GetOrAdd(ContentKeys.Cost(cost, point), () => Service.AnalyzeCost(cost, point, cancellationToken));

    private ImmutableArray<Finding> GetRunBeforeRunning(Compilation compilation, BoundRun run, CancellationToken cancellationToken)
    {
        var placed = Shared(runsBeforeRunning, ContentKeys.Run(compilation, run), compilation.FilePath,
            () => new Placed<ImmutableArray<Finding>>(Service.JudgeRunBeforeRunning(compilation, run, cancellationToken), run.Syntax.Span.Start), cancellationToken);
        return Shift(placed.Value, run.Syntax.Span.Start - placed.Start, compilation);
    }

    /// <summary>
    /// A cached result that a hover and the background analysis share. When the caller that
    /// started computing it is cancelled (a newer version), the others compute it again rather
    /// than fail with its cancellation.
    /// </summary>
    private static T Shared<T>(AnalysisCache<T> cache, string key, string? owner, Func<T> compute, CancellationToken cancellationToken)
        where T : class
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return cache.GetOrAdd(key, owner, compute);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && attempt < 3)
            {
            }
        }
    }

    private static ImmutableArray<Finding> Shift(ImmutableArray<Finding> findings, int delta, Compilation compilation) =>
        delta == 0 ? findings : [.. findings.Select(f => f.Shifted(delta, compilation.Source))];

    /// <summary>The last result of a run if the file still says what was run.</summary>
    public RunReport? GetCurrentRun(DocumentSnapshot snapshot, BoundRun run)
    {
        var stored = RunResults.Get(snapshot.Uri, run.Name);
        return stored is not null && stored.ContentKey == ContentKeys.Run(snapshot.Compilation, run) ? stored.Report : null;
    }

    /// <summary>The analysis' findings and the problems it met (data that cannot be loaded), as diagnostics to publish.</summary>
    public ImmutableArray<Diagnostic> Analyze(DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        var (findings, problems) = Judge(snapshot, cancellationToken);
        return [.. problems, .. findings.Select(f => f.ToDiagnostic())];
    }

    /// <summary>
    /// The runtime's findings about the snapshot, in source order (the code actions' source), and
    /// the problems met on the way (data that cannot be loaded or does not fit).
    /// </summary>
    public (ImmutableArray<Finding> Findings, ImmutableArray<Diagnostic> Problems) Judge(DocumentSnapshot snapshot, CancellationToken cancellationToken)
    {
        var compilation = snapshot.Compilation;
        var program = compilation.Program;
        var findings = ImmutableArray.CreateBuilder<Finding>();
        var problems = ImmutableArray.CreateBuilder<Diagnostic>();

        foreach (var network in program.Networks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var judgement = GetNetwork(compilation, network, cancellationToken);
            findings.AddRange(judgement.Findings);
            if (judgement.Analysis is null && NetworkAnalyzer.FirstTrainingRun(program, network)?.Data is { } data && judgement.Data?.Error is { } error)
            {
                problems.Add(DataLoader.ToDiagnostic(data, error));
            }
        }

        foreach (var run in program.Runs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            findings.AddRange(GetRunBeforeRunning(compilation, run, cancellationToken));
            // In Restricted Mode (an untrusted workspace) no run runs, not even a minimize run.
            var report = run.Kind != RunKind.Minimize ? GetCurrentRun(snapshot, run)
                : settings().Trusted ? RunMinimize(snapshot, run, cancellationToken) : null;
            if (report is null)
            {
                continue;
            }

            if (report.Problem is { } problem)
            {
                problems.Add(problem);
            }

            findings.AddRange(Shift(report.Findings, run.Syntax.Span.Start - report.DeclarationStart, compilation));
        }

        return ([.. findings.OrderBy(f => f.Span.Start).ThenBy(f => f.Code, StringComparer.Ordinal)], [.. problems.Distinct()]);
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
        var report = minimizeRuns.GetOrAdd(key, snapshot.FilePath, () => Service.Run(snapshot.Compilation, run, new RunBudget(budget), cancellationToken));
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
        runsBeforeRunning.Evict(closed.FilePath);
        minimizeRuns.Evict(closed.FilePath);
        costs.Evict(closed.FilePath);
        if (!anyDocumentOpen)
        {
            networks.Clear();
            runsBeforeRunning.Clear();
            minimizeRuns.Clear();
            costs.Clear();
        }
    }

    /// <summary>Results held in the caches (for tests of eviction).</summary>
    public int CachedResults => networks.Count + runsBeforeRunning.Count + minimizeRuns.Count + costs.Count;

    /// <summary>
    /// Runs one run now (a code lens, the command, or autoRun) and keeps its result; <paramref name="progress"/> is
    /// told how it goes (a live run), and with <paramref name="keepCancelled"/> a cancelled run answers (and keeps) its result so far.
    /// With <paramref name="landscape"/> (a run started from the editor) a training run also computes the loss landscape of the settings.
    /// </summary>
    public RunReport RunNow(DocumentSnapshot snapshot, BoundRun run, CancellationToken cancellationToken, IProgress<Runtime.Contracts.RunProgress>? progress = null,
        bool keepCancelled = false, bool landscape = false)
    {
        var key = ContentKeys.Run(snapshot.Compilation, run);
        var current = settings();
        var budget = new RunBudget(current.Budget) { Progress = progress, KeepCancelled = keepCancelled, Landscape = landscape ? current.Landscape : null };
        var report = Service.Run(snapshot.Compilation, run, budget, cancellationToken);
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

/// <summary>A cached value and where its declaration started when it was computed.</summary>
internal sealed record Placed<T>(T Value, int Start);
