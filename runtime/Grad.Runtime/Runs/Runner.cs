using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.Runtime.Contracts;
using Grad.Runtime.Costs;
using Grad.Runtime.Data;
using Grad.Runtime.Networks;
using Grad.Runtime.Numerics;
using Grad.Runtime.Optimizers;
using Grad.Runtime.Training;

namespace Grad.Runtime.Runs;

/// <summary>
/// Executes runs. Step k of a trace is the state after k updates (step 0 is the start).
/// <list type="bullet">
/// <item>minimize: cost and gradient at the parameters after k updates.</item>
/// <item>train: loss, δ norms and ∂C/∂W norms at the parameters after k updates, measured on
/// the batch that update k+1 uses (the same set for full-batch training); the final state is
/// measured on the batch of the last update, as LANGUAGE.md asks.</item>
/// </list>
/// <c>until</c> metrics after update k: change = max |θ_k − θ_(k−1)|, grad = max |∂C/∂θ| at θ_k,
/// cost/loss = the cost or loss at θ_k. The run stops with "diverged" at the first k whose
/// cost/loss or any parameter is NaN or infinite.
/// </summary>
public static class Runner
{
    /// <summary>
    /// A minimize run whose steps times tape length reach this compiles its cost to straight-line
    /// code (<see cref="CompiledCost.CompileStraightLine"/>, the same bits) on a worker thread
    /// while the tape interpreter runs, and switches to it once it is ready.
    /// </summary>
    internal const long StraightLineWork = 1_000_000;

    /// <summary>A minimize step takes nanoseconds: its clock (time budget, progress) is read every this many steps (a look then costs nothing per step).</summary>
    private const int MinimizeClockInterval = 32;

    /// <summary>One run with these options (front ends go through <see cref="RunDriver"/>, which adds the data cache, sweeps and progress).</summary>
    public static RunResult Execute(BoundRun run, RunOptions? options = null)
    {
        options ??= RunOptions.Default;
        return run.Kind == RunKind.Minimize ? Minimize(run, options) : Train(run, options);
    }

    /// <summary>The number of updates a run will take at most.</summary>
    public static int PlannedSteps(BoundRun run, int sampleCount) => run.PlannedSteps(sampleCount);

    private static MinimizeResult Minimize(BoundRun run, RunOptions options)
    {
        var cost = CompiledCost.Compile(run.Cost ?? throw new ArgumentException("a minimize run needs a cost", nameof(run)));
        var n = cost.ParameterCount;
        var parameters = run.Start.ToArray();
        var previous = new double[n];
        var gradient = new double[n];
        var planned = run.Steps ?? 1000;
        var total = options.MaxSteps is { } max ? Math.Min(max, planned) : planned;
        var schedule = new TraceSampler(RecordSchedule.For(planned, run.RecordEvery), options.MaxTracePoints);
        var optimizer = Optimizer.Create(run.Optimizer, n);
        var cures = new StepCures(run, optimizer, [(0, n)]);
        var trace = new MinimizeTrace(n);
        var clock = new RunClock(run.Name, total, options, MinimizeClockInterval, MinimizeClockInterval);
        var workspace = cost.CreateWorkspace();
        CostGradientFunction evaluate = (p, g) => cost.EvaluateWithGradient(p, g, workspace);
        var straightLine = (long)total * cost.TapeLength >= StraightLineWork && cost.TapeLength <= CompiledCost.MaxStraightLineTape
            ? Task.Run(cost.CompileStraightLine)
            : null;

        var value = evaluate(parameters, gradient);
        trace.Add(0, value, parameters, gradient, cures.Measure(gradient));
        clock.Recorded(trace);
        clock.Report(0);
        // The step is the whole run's work (tens of nanoseconds, a million times): compiled optimised
        // at once, like Drive, rather than run as ReadyToRun code until tiering replaces it.
        var (step, reason) = Drive(IsFinite(value) && Finite.All(parameters), total, planned, clock, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (step) =>
        {
            if (straightLine is { IsCompleted: true })
            {
                evaluate = straightLine.IsCompletedSuccessfully ? straightLine.Result : evaluate;
                straightLine = null;
            }

            cures.Clip(gradient);
            var parametersFinite = optimizer.Step(parameters, gradient, previous: previous);
            cures.AfterStep();
            value = evaluate(parameters, gradient);
            var outcome = Outcome(run.Until, value, parametersFinite, parameters, previous, gradient);
            if (schedule.ShouldRecord(step) || outcome.Stops || step == total)
            {
                schedule.MakeRoom(trace, step);
                trace.Add(step, value, parameters, gradient, cures.Measure(gradient));
                clock.Recorded(trace);
            }

            return outcome;
        });
        clock.Report(step, final: true);

        return new MinimizeResult(run.Name, run.Optimizer, step, reason, cost.Name, cost.ParameterNames, value, parameters, gradient, trace)
        {
            LastChange = step > 0 ? MaxAbsDifference(parameters, previous) : 0,
        };
    }

    private static RunResult Train(BoundRun run, RunOptions options)
    {
        var network = run.Network ?? throw new ArgumentException("a training run needs a network", nameof(run));
        var boundData = run.Data ?? throw new ArgumentException("a training run needs data", nameof(run));
        var loaded = (options.LoadData ?? DataLoader.Load)(boundData);
        if (loaded.Data is not { } data)
        {
            return new FailedRunResult(run.Name, run.Kind, run.Optimizer, DataLoader.ToDiagnostic(boundData, loaded.Error ?? "the data could not be loaded"));
        }

        var model = NetworkModel.FromBound(network);
        var targets = data.TargetsFor(model.OutputWidth);
        if (data.FeatureWidth != model.InputWidth || targets is null)
        {
            var message = data.FeatureWidth != model.InputWidth
                ? $"data {data.Name} has {data.FeatureWidth} feature(s) per sample but network {network.Name} takes {model.InputWidth} input(s)"
                : $"data {data.Name} has {data.TargetWidth} target(s) per sample but network {network.Name} has {model.OutputWidth} output(s)";
            var span = run.Syntax.Items.OfType<TrainItemSyntax>().FirstOrDefault()?.Data?.Span ?? run.Syntax.Span;
            if (network.Loss == LossKind.CrossEntropy && data.FeatureWidth == model.InputWidth && data.InvalidClassIndex(model.OutputWidth) is { } sample)
            {
                // A data file's class column (the binder checks inline data the same way).
                var value = data.Targets[sample];
                var problem = Math.Floor(value) != value ? "not a whole number" : "out of range";
                return new FailedRunResult(run.Name, run.Kind, run.Optimizer, Diagnostic.Create(DiagnosticCatalog.ClassIndexProblem, span,
                    $"sample {sample + 1} of {data.Name} has y = {value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, {problem}: a class index for network {network.Name}'s {model.OutputWidth} outputs (cross_entropy) is a whole number from 0 to {model.OutputWidth - 1}"));
            }

            return new FailedRunResult(run.Name, run.Kind, run.Optimizer, Diagnostic.Create(DiagnosticCatalog.DataWidthMismatch, span, message));
        }

        var parameters = NetworkModel.InitialParameters(network, model);
        var session = new TrainingSession(model, data.Features, targets, data.Count, run.Batch, run.Seed, options.Threads);
        if (NetworkModel.StartingRunningStatistics(network) is { } carried)
        {
            session.Backprop.SetRunningStatistics(carried);
        }

        var planned = PlannedSteps(run, data.Count);
        var total = options.MaxSteps is { } max ? Math.Min(max, planned) : planned;
        var schedule = new TraceSampler(RecordSchedule.For(planned, run.RecordEvery), options.MaxTracePoints);
        var optimizer = Optimizer.Create(run.Optimizer, model.ParameterCount);
        // On several threads each part of the update writes the weights that its band of the next forward product reads.
        optimizer.Parts = session.Backprop.UpdateParts(options.Threads);
        var cures = new StepCures(run, optimizer, model.Layers.SelectMany(l => new[] { (l.WeightOffset, l.WeightCount), (l.BiasOffset, l.Units) }));
        var previous = new double[model.ParameterCount];
        var trace = new TrainTrace(model.Layers.Length);
        var clock = new RunClock(run.Name, total, options);
        var health = new HealthRecorder(model, run.Optimizer, total, session.Backprop.MaxBatch, options.Cancellation,
            clipsGradient: run.Clip is not null, recorded: () => clock.Recorded(trace));
        var trajectory = options.Landscape is null || run.Member is not null ? null : new Trajectory(parameters, RecordSchedule.For(planned, run.RecordEvery));

        // Every step hands work to the team several times, with serial pieces between (the loss, a
        // recorded point): its workers keep spinning between them until the run ends.
        using var activity = options.Threads > 1 ? ThreadTeam.Active() : default;
        session.NextBatch();
        var loss = session.Evaluate(parameters);

        // A recorded point with its health (measured only here: an unrecorded step costs nothing
        // more), written in place into the trace's row: no array or object per point.
        void Record(int step, bool final)
        {
            var (x, y, rows) = session.Batch;
            var row = trace.Append(step, loss, cures.Measure(session.Gradient));
            // The clock hears of the point when its numbers are all in (HealthRecorder: at the next step, for a large network).
            health.Measure(row, step, final, session.Backprop, parameters, session.Gradient, optimizer.LearningRate, x, y, rows);
        }

        Record(0, final: total == 0);
        var initial = trace[0];
        clock.Report(0);
        // θ_(k−1) is only read by `until` (change); a network's millions of parameters are not copied for nothing.
        var keepPrevious = !run.Until.IsDefaultOrEmpty;
        // Compiled optimised at once, as the minimize step (a chain's step takes a microsecond, hundreds of thousands of times).
        var (step, reason) = Drive(IsFinite(loss) && Finite.All(parameters), total, planned, clock, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (step) =>
        {
            var isLast = step == total;

            cures.Clip(session.Gradient);
            session.Backprop.CommitRunningStatistics();
            // The update of a step that is recorded (or may be: `until`) measures each layer's change as it
            // goes, for the point's update ratios; θ_(k−1) is copied only for `until` (the optimizer's pieces copy it).
            var parametersFinite = health.Step(optimizer, parameters, session.Gradient, options.Threads,
                measure: keepPrevious || schedule.ShouldRecord(step) || isLast, keepPrevious ? previous : null);
            cures.AfterStep();
            if (!isLast)
            {
                session.NextBatch();
            }

            // After update k the loss is measured on the batch that update k+1 would use (as a
            // PyTorch loop computes it before its next step); when it meets `until`, that value
            // is the one reported, as the final loss and the last trace point.
            loss = session.Evaluate(parameters);
            var outcome = Outcome(run.Until, loss, parametersFinite, parameters, previous, session.Gradient);
            if (schedule.ShouldRecord(step) || outcome.Stops || isLast)
            {
                schedule.MakeRoom(trace, step);
                Record(step, outcome.Stops || isLast);
            }

            trajectory?.Observe(step, parameters, outcome.Stops || isLast);

            return outcome;
        });
        health.Finish();
        clock.Report(step, final: true);

        // The last recorded point is the trace's last (thinning makes room before a point is added).
        var current = trace.Step(trace.Count - 1) == step ? trace[^1] : cures.Annotate(session.Snapshot(step, loss), session.Gradient);

        var layers = network.Layers.Select((layer, l) => LayerSummary.Between(layer, l, initial, current)).ToList();
        var running = session.Backprop.RunningStatistics
            .Select((estimates, l) => estimates is var (mean, variance) ? new RunningEstimates(l + 1, [.. mean], [.. variance]) : null)
            .OfType<RunningEstimates>().ToList();
        var (dataLoss, accuracy) = WholeDataSet.Evaluate(model, parameters, data.Features, targets, data.Count, session.Backprop.RunningStatistics);
        var (landscape, landscapeSkipped) = trajectory is null || options.Landscape is not { } request ? (null, null)
            : Landscapes.For(request, model, trajectory, parameters, run.Seed, p => WholeDataSet.Evaluate(model, p, data.Features, targets, data.Count, session.Backprop.RunningStatistics).Loss,
                (double)data.Count * model.ParameterCount, options.Cancellation);
        return new TrainResult(run.Name, run.Optimizer, step, reason, network.Name, data.Name, initial.Loss, loss, layers, trace, NetworkWeights.From(model, parameters, running))
        {
            DataLoss = dataLoss,
            Accuracy = accuracy,
            StepsPerEpoch = PlannedSteps(run with { Epochs = 1 }, data.Count),
            RunningEstimates = running,
            Histograms = health.Histograms,
            SharpnessSkipped = health.SharpnessSkipped,
            Landscape = landscape,
            LandscapeSkipped = landscapeSkipped,
        };
    }

    /// <summary>
    /// A run's schedule and clipping around each optimizer step: the clip after backward and
    /// before the step, the scheduler's step after it, and what the trace records of both.
    /// </summary>
    private sealed class StepCures(BoundRun run, Optimizer optimizer, IEnumerable<(int Offset, int Length)> tensors)
    {
        private readonly LearningRateSchedule? schedule = Start(run, optimizer);
        private readonly (int Offset, int Length)[] tensors = [.. tensors];

        /// <summary>What the trace records at a point: the lr of the next update, the gradient's norm before clipping and whether clipping changes it.</summary>
        public TraceCures? Measure(ReadOnlySpan<double> gradient)
        {
            if (schedule is null && run.Clip is null)
            {
                return null;
            }

            double? norm = run.Clip is null ? null : GradientClipping.TotalNorm(tensors, gradient);
            bool? clipped = run.Clip is { } clip ? GradientClipping.WouldClip(clip, gradient, norm!.Value) : null;
            return new TraceCures(schedule?.Current, norm, clipped);
        }

        public TrainTracePoint Annotate(TrainTracePoint point, ReadOnlySpan<double> gradient) =>
            Measure(gradient) is { } measured ? point with { Lr = measured.Lr, GradNorm = measured.GradNorm, Clipped = measured.Clipped } : point;

        public void Clip(Span<double> gradient)
        {
            if (run.Clip is { } clip)
            {
                GradientClipping.Apply(clip, gradient, GradientClipping.TotalNorm(tensors, gradient));
            }
        }

        public void AfterStep()
        {
            if (schedule is not null)
            {
                schedule.Step();
                optimizer.LearningRate = schedule.Current;
            }
        }

        private static LearningRateSchedule? Start(BoundRun run, Optimizer optimizer)
        {
            if (run.Schedule is not { } spec)
            {
                return null;
            }

            var schedule = new LearningRateSchedule(spec, run.Optimizer.Lr);
            optimizer.LearningRate = schedule.Current;
            return schedule;
        }
    }

    /// <summary>What one update did: made the run diverge, or met an <c>until</c> condition.</summary>
    private readonly record struct StepOutcome(bool Diverged, bool Satisfied)
    {
        public bool Stops => Diverged || Satisfied;
    }

    /// <summary>The outcome of an update whose parameters are all finite when <paramref name="parametersFinite"/> (the optimizer checks them as it writes them).</summary>
    private static StepOutcome Outcome(ImmutableArray<StopCondition> until, double objective, bool parametersFinite, double[] parameters, double[] previous, ReadOnlySpan<double> gradient)
    {
        var diverged = !IsFinite(objective) || !parametersFinite;
        return new StepOutcome(diverged, !diverged && until.Length > 0 && UntilSatisfied(until, MaxAbsDifference(parameters, previous), MaxAbs(gradient), objective));
    }

    /// <summary>
    /// The loop both kinds of run share: take updates 1, 2, … until the planned steps or the
    /// budget are used up, the run is cancelled, or an update diverges or meets an <c>until</c>
    /// condition. A start that is already not finite stops at once as diverged.
    /// It is compiled optimised at its first call (AggressiveOptimization keeps it out of the
    /// ReadyToRun image): it runs once per run, so ReadyToRun code of its loop would never be
    /// replaced by tiered compilation, and a minimize run of a million steps would spend them all
    /// in that slower code (W1 through the published CLI: 0.26 µs per step against 0.07).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int Steps, StopReason Reason) Drive(bool finiteStart, int total, int planned, RunClock clock, Func<int, StepOutcome> update)
    {
        if (!finiteStart)
        {
            return (0, StopReason.Diverged);
        }

        for (var step = 0; ; )
        {
            if (step >= total)
            {
                return (step, total < planned ? StopReason.Budget : StopReason.Steps);
            }

            if (clock.Interrupted(step) is { } interruption)
            {
                return (step, interruption);
            }

            var outcome = update(++step);
            if (outcome.Diverged)
            {
                return (step, StopReason.Diverged);
            }

            if (outcome.Satisfied)
            {
                return (step, StopReason.Until);
            }
        }
    }

    internal static bool UntilSatisfied(ImmutableArray<StopCondition> conditions, double change, double gradient, double objective)
    {
        foreach (var condition in conditions)
        {
            var value = condition.Metric switch
            {
                StopMetric.Change => change,
                StopMetric.Grad => gradient,
                _ => objective,
            };
            if (value < condition.Threshold)
            {
                return true;
            }
        }

        return false;
    }

    internal static bool IsFinite(double value) => double.IsFinite(value);

    internal static double MaxAbs(ReadOnlySpan<double> values)
    {
        var max = 0.0;
        foreach (var value in values)
        {
            max = Math.Max(max, Math.Abs(value));
        }

        return max;
    }

    private static double MaxAbsDifference(ReadOnlySpan<double> current, ReadOnlySpan<double> previous)
    {
        var max = 0.0;
        for (var i = 0; i < current.Length; i++)
        {
            max = Math.Max(max, Math.Abs(current[i] - previous[i]));
        }

        return max;
    }

    /// <summary>
    /// Cancellation, checked once per step, and the time budget and progress reports, checked when
    /// the clock is read (every <c>interval</c> to <c>mostInterval</c> steps: <see cref="LookTicks"/>). With a
    /// progress listener, the points the run records are kept until the next report (<see cref="RunProgress"/>).
    /// </summary>
    private sealed class RunClock(string runName, int totalSteps, RunOptions options, int interval = 1, int mostInterval = RunClock.MostStepsBetweenLooks)
    {
        private readonly long started = Stopwatch.GetTimestamp();
        private readonly bool watched = options.TimeBudget is not null || options.Progress is not null;
        private readonly bool keepsPoints = options.Progress is not null && options.ProgressPoints;
        private readonly long reportTicks = (long)(options.ProgressInterval.TotalSeconds * Stopwatch.Frequency);
        private long lastReport = Stopwatch.GetTimestamp();
        private long lastLook = Stopwatch.GetTimestamp();
        private readonly int fewestStepsBetweenLooks = interval;
        // A listener that asks for a report at every look (ProgressInterval zero: tests, fixed panels) gets
        // its looks at fixed steps, not at a pace that depends on the machine.
        private readonly int mostStepsBetweenLooks = options.ProgressInterval == TimeSpan.Zero ? interval : mostInterval;
        private int readEvery = interval;
        private List<MinimizeTracePoint>? minimizePoints;
        private TrainTrace? trainPoints;

        // The first reading comes after `interval` steps: a minimize run always gets going.
        private int untilClock = interval;

        /// <summary>
        /// How often the clock is read, about: the steps between two looks double while they take
        /// less than half of this and halve (down to <c>interval</c>) when they take more than twice it,
        /// so a run of microsecond steps (W2's chain) reads it every few hundred steps, not at every
        /// one, and a run of slow steps at each.
        /// </summary>
        private static readonly long LookTicks = Stopwatch.Frequency / 4000;

        public const int MostStepsBetweenLooks = 1024;

        public StopReason? Interrupted(int step)
        {
            if (options.Cancellation.IsCancellationRequested)
            {
                return StopReason.Cancelled;
            }

            if (!watched || --untilClock > 0)
            {
                return null;
            }

            var now = Stopwatch.GetTimestamp();
            var sinceLook = now - lastLook;
            lastLook = now;
            readEvery = sinceLook < LookTicks / 2 ? Math.Min(2 * readEvery, mostStepsBetweenLooks)
                : sinceLook > 2 * LookTicks ? Math.Max(readEvery / 2, fewestStepsBetweenLooks)
                : readEvery;
            untilClock = readEvery;

            if (options.TimeBudget is { } budget && Stopwatch.GetElapsedTime(started, now) >= budget)
            {
                return StopReason.Budget;
            }

            if (options.Progress is not null && now - lastReport >= reportTicks)
            {
                lastReport = now;
                Report(step);
            }

            return null;
        }

        /// <summary>The trace's last point is new: kept for the next report when someone listens to the points.</summary>
        public void Recorded(MinimizeTrace trace)
        {
            if (keepsPoints)
            {
                (minimizePoints ??= []).Add(trace[trace.Count - 1]);
            }
        }

        /// <summary>The trace's last point is new: its row is copied for the next report when someone listens to the points (a point object is made only if the listener reads it).</summary>
        public void Recorded(TrainTrace trace)
        {
            if (keepsPoints)
            {
                (trainPoints ??= new TrainTrace(trace.LayerCount)).AddCopy(trace, trace.Count - 1);
            }
        }

        /// <summary>Tells the listener how far the run has come and what it recorded since the last report.</summary>
        public void Report(int step, bool final = false)
        {
            if (options.Progress is not { } progress)
            {
                return;
            }

            progress.Report(new RunProgress(runName, step, totalSteps)
            {
                MinimizePoints = minimizePoints ?? [],
                TrainPoints = (IReadOnlyList<TrainTracePoint>?)trainPoints ?? [],
                Final = final,
            });
            minimizePoints = null;
            trainPoints = null;
        }
    }
}
