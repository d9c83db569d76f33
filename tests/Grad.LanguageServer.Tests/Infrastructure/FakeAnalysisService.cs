using System.Collections.Immutable;
using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;
using Grad.LanguageServer.Analysis;
using Grad.Runtime.Contracts;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests.Infrastructure;

/// <summary>
/// A stand-in for the runtime whose numbers and timing tests control: layer l of L has
/// ‖δˡ‖ = 0.1·0.25^(L−l) (every layer multiplies δ by w·σ' = 1 × 0.25); the runtime's rules
/// judge those numbers.
/// </summary>
public sealed class FakeAnalysisService : IAnalysisService
{
    private int networkCalls;
    private int runCalls;

    public int NetworkCalls => Volatile.Read(ref networkCalls);

    public int RunCalls => Volatile.Read(ref runCalls);

    /// <summary>When set, AnalyzeNetwork throws it (a crash in the analysis).</summary>
    public Exception? NetworkFailure { get; set; }

    /// <summary>What each layer multiplies δ by on its way back (0.25: vanishing over many layers; 4: exploding).</summary>
    public double LayerFactor { get; set; } = 0.25;

    /// <summary>How long each network analysis takes.</summary>
    public TimeSpan NetworkDelay { get; set; }

    /// <summary>
    /// A network of this name blocks its analysis, deaf to cancellation, until <see cref="ReleaseBlocked"/>
    /// is set (as a read from a FIFO would).
    /// </summary>
    public string? BlockingNetwork { get; set; }

    public ManualResetEventSlim ReleaseBlocked { get; } = new(false);

    /// <summary>Whether any network analysis ran on a thread-pool thread.</summary>
    public bool AnalysedOnThreadPool { get; private set; }

    /// <summary>When set, the symbolic derivative of every parameter is this text.</summary>
    public string? SymbolicDerivative { get; set; }

    /// <summary>When set, Run throws it.</summary>
    public Exception? RunFailure { get; set; }

    /// <summary>When true, Run waits until it is cancelled.</summary>
    public bool RunBlocksUntilCancelled { get; set; }

    /// <summary>Set when a blocking run has started.</summary>
    public TaskCompletionSource RunStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when a blocking run saw its cancellation.</summary>
    public TaskCompletionSource RunCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The budget of the last run.</summary>
    public RunBudget? LastBudget { get; private set; }

    public NetworkJudgement JudgeNetwork(Compilation compilation, BoundNetwork network, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref networkCalls);
        AnalysedOnThreadPool |= Thread.CurrentThread.IsThreadPoolThread;
        if (network.Name == BlockingNetwork)
        {
            ReleaseBlocked.Wait();
        }

        if (NetworkDelay > TimeSpan.Zero)
        {
            Task.Delay(NetworkDelay, cancellationToken).GetAwaiter().GetResult();
        }

        if (NetworkFailure is { } failure)
        {
            throw failure;
        }

        var total = network.Layers.Length;
        var layers = network.Layers.Select(l =>
        {
            var delta = 0.1 * Math.Pow(LayerFactor, total - l.Index);
            var nextDelta = 0.1 * Math.Pow(LayerFactor, total - l.Index - 1);
            var chain = l.Index == total
                ? new ChainFactors(null, 0.25, null, delta, 0.4, null, 0.25)
                : new ChainFactors(LayerFactor / 0.25, 0.25, nextDelta, delta, null, LayerFactor / 0.25, 0.25);
            return new LayerAnalysis(l.Index, l.Units, l.InputUnits, l.Activation.Name, l.Label, delta, delta * 0.5, delta / 0.1, chain);
        }).ToList();
        var ratio = total == 0 ? double.NaN : layers[0].DeltaNorm / layers[^1].DeltaNorm;
        var analysis = new NetworkAnalysis(network.Name, "test data", "test run", 1, 0.5, layers, ratio, NetworkAnalyzer.Classify(ratio));
        // The runtime's rule judges the fake numbers: the server only translates findings.
        return new NetworkJudgement(analysis, NetworkFindings.Judge(compilation, network, analysis), null);
    }

    public ImmutableArray<Finding> JudgeRunBeforeRunning(Compilation compilation, BoundRun run, CancellationToken cancellationToken) => [];

    public CostAnalysis AnalyzeCost(BoundCost cost, ImmutableArray<double> point, CancellationToken cancellationToken)
    {
        // Pretends every cost is Σ cᵢ·pᵢ² with cᵢ = 10^(−3i): a diagonal, ill-conditioned bowl.
        var n = cost.Parameters.Length;
        var curvature = Enumerable.Range(0, n).Select(i => 2 * Math.Pow(1e-3, n - 1 - i)).ToArray();
        var gradient = point.Select((p, i) => curvature[i] * p).ToArray();
        var hessian = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            hessian[i, i] = curvature[i];
        }

        var eigenvalues = curvature.Order().ToArray();
        return new CostAnalysis(cost.Name, cost.Parameters, [.. point], point.Select((p, i) => curvature[i] / 2 * p * p).Sum(), gradient, hessian,
            eigenvalues, eigenvalues.Length == 0 ? double.NaN : eigenvalues[^1] / eigenvalues[0], [.. cost.Parameters.Select((p, i) => SymbolicDerivative ?? $"{curvature[i]}*{p}")], null);
    }

    public RunReport Run(Compilation compilation, BoundRun run, RunBudget budget, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref runCalls);
        LastBudget = budget;
        if (RunFailure is { } failure)
        {
            throw failure;
        }

        if (RunBlocksUntilCancelled && run.Kind == RunKind.Train)
        {
            RunStarted.TrySetResult();
            cancellationToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            if (cancellationToken.IsCancellationRequested)
            {
                RunCancelled.TrySetResult();
            }

            cancellationToken.ThrowIfCancellationRequested();
        }

        if (run.Kind == RunKind.Minimize && run.Cost is not null)
        {
            var stoppedByUntil = !run.Until.IsEmpty;
            var finalParams = run.Cost.Parameters.Select((p, i) => new KeyValuePair<string, double>(p, stoppedByUntil ? run.Start[i] * 0.998 : run.Start[i] * 0.25)).ToImmutableArray();
            var json = new JObject
            {
                ["name"] = run.Name,
                ["kind"] = "minimize",
                ["stepsTaken"] = stoppedByUntil ? 2 : 1000,
                ["stopReason"] = stoppedByUntil ? "until" : "steps",
                ["final"] = new JObject { ["cost"] = 0.5, ["params"] = new JObject(finalParams.Select(p => new JProperty(p.Key, p.Value))) },
            };
            return new RunReport(run.Name, RunKind.Minimize, stoppedByUntil ? StopReason.Until : StopReason.Steps, stoppedByUntil ? 2 : 1000, 0.5, null, finalParams,
                finalParams.Select(p => new KeyValuePair<string, double>(p.Key, 0.001)).ToImmutableArray(), [], json);
        }

        var diverges = run.Optimizer.Lr >= 100;
        var layers = run.Network!.Layers.Select(l => new TrainedLayerReport(l.Index, 0.01, 0.02, 0.005, 0.006)).ToImmutableArray();
        var trainJson = new JObject
        {
            ["name"] = run.Name,
            ["kind"] = "train",
            ["stepsTaken"] = diverges ? 3 : 100,
            ["stopReason"] = diverges ? "diverged" : "steps",
            ["final"] = new JObject { ["loss"] = 0.0012 },
        };
        return new RunReport(run.Name, RunKind.Train, diverges ? StopReason.Diverged : StopReason.Steps, diverges ? 3 : 100, null, 0.0012, [], [], layers, trainJson);
    }
}
