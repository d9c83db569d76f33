using System.Collections.Immutable;
using Grad.Language;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;
using Grad.Runtime.Data;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Analysis;

/// <summary>What the analysis may use: how data is loaded, when to give up, how long fixes may take to verify.</summary>
public sealed record AnalysisOptions
{
    public static AnalysisOptions Default { get; } = new();

    /// <summary>Loads a data set: a <see cref="Runs.RunDriver"/>'s <see cref="DataCache.Load"/>, so that the analysis reads what the runs read; by default a <see cref="DataCache"/> of the analyzer's own.</summary>
    public Func<BoundData, DataLoadResult>? LoadData { get; init; }

    public CancellationToken Cancellation { get; init; }

    /// <summary>Whether to try candidate edits and attach the verified ones (and name them in the message).</summary>
    public bool VerifyFixes { get; init; } = true;

    /// <summary>At most this many updates for a run re-run to verify a fix (the run's own steps if fewer).</summary>
    public int FixRunSteps { get; init; } = 20_000;
}

/// <summary>A network's numbers at its initial weights and the findings they give (null analysis: its data did not load or fit).</summary>
public sealed record NetworkJudgement(NetworkAnalysis? Analysis, ImmutableArray<Finding> Findings, DataLoadResult? Data);

/// <summary>The static judgement of a file: every network at its initial weights and every run before it runs.</summary>
public sealed record FileAnalysis(ImmutableArray<Finding> Findings, ImmutableDictionary<string, NetworkJudgement> Networks);

/// <summary>
/// The one analysis engine (LANGUAGE.md "Findings"). <see cref="Check"/> judges a file before
/// anything runs (GRAD0500/0501/0506/0507 at the initial weights, GRAD0508), <see cref="JudgeRun"/>
/// a run that ran (GRAD0502/0503/0505 and what developed during training). Every finding comes
/// with the candidate edits that, applied and analysed again, remove it, best first; its message
/// recommends only those. <c>grad check</c>, <c>grad run</c> and the language server all call this.
/// </summary>
public sealed class Analyzer
{
    private readonly AnalysisOptions options;
    private readonly Func<BoundData, DataLoadResult> load;

    public Analyzer(AnalysisOptions? options = null)
    {
        this.options = options ?? AnalysisOptions.Default;
        load = this.options.LoadData ?? new DataCache().Load;
    }

    /// <summary>The file's static findings in source order, and each network's numbers.</summary>
    public FileAnalysis Check(Compilation compilation)
    {
        var findings = ImmutableArray.CreateBuilder<Finding>();
        var networks = ImmutableDictionary.CreateBuilder<string, NetworkJudgement>(StringComparer.Ordinal);
        foreach (var network in compilation.Program.Networks)
        {
            var judgement = JudgeNetwork(compilation, network);
            networks[network.Name] = judgement;
            findings.AddRange(judgement.Findings);
        }

        foreach (var run in compilation.Program.Runs)
        {
            findings.AddRange(JudgeRunBeforeRunning(compilation, run));
        }

        return new FileAnalysis([.. findings.OrderBy(f => f.Span.Start).ThenBy(f => f.Code, StringComparer.Ordinal)], networks.ToImmutable());
    }

    /// <summary>A network at its initial weights, on the first batch of the first run that trains it.</summary>
    public NetworkJudgement JudgeNetwork(Compilation compilation, BoundNetwork network)
    {
        DataLoadResult? loaded = null;
        try
        {
            var analysis = NetworkAnalyzer.AnalyzeInitial(compilation.Program, network, d => loaded = Load(d));
            if (analysis is null)
            {
                return new NetworkJudgement(null, [], loaded);
            }

            var findings = NetworkFindings.Judge(compilation, network, analysis);
            return new NetworkJudgement(analysis, WithFixes(compilation, findings), loaded);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new NetworkJudgement(null, [Failed(compilation, network.Syntax.Name?.Span ?? network.Syntax.KeywordSpan, network.Name, e)], loaded);
        }
    }

    /// <summary>GRAD0508: the run's learning rate against the stability limit at its start.</summary>
    public ImmutableArray<Finding> JudgeRunBeforeRunning(Compilation compilation, BoundRun run)
    {
        try
        {
            return WithFixes(compilation, RunFindings.Static(compilation, run, Load, options.Cancellation));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return [Failed(compilation, run.Syntax.Name?.Span ?? run.Syntax.KeywordSpan, run.Name, e)];
        }
    }

    /// <summary>The result with its findings (GRAD0502, 0503, 0505 and those that developed during training).</summary>
    public RunResult JudgeRun(Compilation compilation, BoundRun run, RunResult result)
    {
        if (result is not CompletedRunResult completed || completed.StopReason is StopReason.Cancelled)
        {
            return result;
        }

        try
        {
            return completed with { Findings = WithFixes(compilation, RunFindings.Judge(compilation, run, completed, Load)) };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return completed with { Findings = [Failed(compilation, run.Syntax.Name?.Span ?? run.Syntax.KeywordSpan, run.Name, e)] };
        }
    }

    /// <summary>GRAD0504: the analysis threw; a bug in Grad, said on the declaration it was judging.</summary>
    public static Finding Failed(Compilation compilation, Language.Text.TextSpan span, string? subject, Exception exception) =>
        new(DiagnosticCatalog.AnalysisFailed, span, compilation.Source.GetRange(span),
            $"The analysis failed ({exception.GetType().Name}: {exception.Message}); syntax and name checks still apply. This is a bug in Grad, not in the file.")
        { Subject = subject };

    /// <summary>Edited copies of the file (fix verification) bind new data declarations: the cache finds them by what they say (<see cref="DataCache"/>).</summary>
    private DataLoadResult Load(BoundData boundData) => load(boundData);

    private ImmutableArray<Finding> WithFixes(Compilation compilation, ImmutableArray<Finding> findings)
    {
        if (!options.VerifyFixes || findings.IsEmpty)
        {
            return findings;
        }

        return [.. findings.Select(f => WithFixes(compilation, f))];
    }

    private Finding WithFixes(Compilation compilation, Finding finding)
    {
        var verified = new List<(VerifiedFix Fix, double Rank)>();
        IReadOnlyList<Language.Syntax.DeclarationSyntax>? kept = null;
        foreach (var kind in CandidateKinds.All)
        {
            foreach (var candidate in kind.Propose(compilation, finding))
            {
                options.Cancellation.ThrowIfCancellationRequested();
                kept ??= Relevant(compilation, finding);
                if (Recheck(compilation, kept, finding, candidate) is { } outcome)
                {
                    verified.Add((new VerifiedFix($"{candidate.Label}: {outcome.Figure}", candidate.Kind, candidate.Edits, outcome.Predicted), outcome.Rank));
                }
            }
        }

        var fixes = verified.OrderBy(v => v.Rank).Select(v => v.Fix).ToImmutableArray();
        var advice = fixes.IsEmpty
            ? NoFixText(finding)
            : $" Verified fix: {fixes[0].Title}{(fixes.Length > 1 ? $" ({fixes.Length - 1} more in the quick fixes)" : "")}.";
        return finding with { Fixes = fixes, Message = finding.Message + advice };
    }

    private static string NoFixText(Finding finding) =>
        NetworkFindings.Codes.Contains(finding.Code) && finding.Step == 0
            ? " No change of the hidden activation, the init or both, no residual blocks and no norm layers remove it here (each that applies was tried), so no fix is offered."
            : finding.Code == DiagnosticCatalog.LearningRateAboveStability.Code || finding.Code == DiagnosticCatalog.IllConditionedStop.Code || finding.Code == DiagnosticCatalog.NotAMinimum.Code
                ? " No candidate edit (another optimizer, lr = 1/λmax) removes it within the run's steps, so no fix is offered."
                : "";

    /// <summary>The edited file analysed again: null when the finding (or another of its family) is still there, else the predicted figure.</summary>
    private (double Predicted, string Figure, double Rank)? Recheck(Compilation compilation, IReadOnlyList<Language.Syntax.DeclarationSyntax>? kept, Finding finding, Candidate candidate)
    {
        var edited = Compilation.Create(Edited(compilation, kept, candidate.Edits), compilation.FilePath, compilation.Options);
        if (edited.HasErrors)
        {
            return null;
        }

        if (NetworkFindings.Codes.Contains(finding.Code) && finding.Step == 0)
        {
            if (edited.Program.Networks.FirstOrDefault(n => n.Name == finding.Subject) is not { } network
                || NetworkAnalyzer.AnalyzeInitial(edited.Program, network, Load) is not { } analysis
                || !NetworkFindings.Judge(edited, network, analysis).IsEmpty)
            {
                return null;
            }

            var last = analysis.Layers.Count;
            return (analysis.Ratio, $"‖δ¹‖/‖δ{Numbers.Superscript(last)}‖ = {Numbers.Format(analysis.Ratio)}", Math.Abs(Math.Log10(analysis.Ratio)));
        }

        if (edited.Program.Runs.FirstOrDefault(r => r.Name == finding.Subject) is not { } run)
        {
            return null;
        }

        if (finding.Code == DiagnosticCatalog.LearningRateAboveStability.Code)
        {
            if (!RunFindings.Static(edited, run, Load, options.Cancellation).IsEmpty
                || StabilityLimit.LambdaMaxAtStart(run, Load, options.Cancellation) is not { } lambdaMax)
            {
                return null;
            }

            var product = run.Optimizer.Lr * lambdaMax;
            return (product, $"lr·λmax = {Numbers.Format(product)}", Math.Abs(product - 1));
        }

        if (run.Kind == RunKind.Train)
        {
            return RecheckTraining(edited, run);
        }

        var planned = run.Steps ?? 1000;
        if (planned > options.FixRunSteps)
        {
            return null;
        }

        var result = Runner.Execute(run, new RunOptions { Cancellation = options.Cancellation, LoadData = Load });
        if (result is not MinimizeResult minimize || minimize.StopReason is StopReason.Diverged or StopReason.Cancelled or StopReason.Budget
            || !Settles(minimize)
            || RunFindings.Judge(edited, run, minimize, Load).Any(f => RunFindings.OutcomeCodes.Contains(f.Code)))
        {
            return null;
        }

        var stop = minimize.StopReason == StopReason.Until ? $"stops at step {minimize.StepsTaken}" : $"after {minimize.StepsTaken} steps";
        return (minimize.FinalCost, $"cost {Numbers.Format(minimize.FinalCost)} {stop}", minimize.FinalCost);
    }

    /// <summary>
    /// A training run run again with the edit (at most <see cref="AnalysisOptions.FixRunSteps"/>
    /// updates): it must not diverge nor end with an outcome finding. The predicted figure is the
    /// loss over the whole data set after the last update; the lowest ranks first.
    /// </summary>
    private (double Predicted, string Figure, double Rank)? RecheckTraining(Compilation edited, BoundRun run)
    {
        if (run.Data is not { } boundData || Load(boundData).Data is not { } loaded || run.PlannedSteps(loaded.Count) > options.FixRunSteps)
        {
            return null;
        }

        var result = Runner.Execute(run, new RunOptions { Cancellation = options.Cancellation, LoadData = Load });
        if (result is not TrainResult train || train.StopReason is StopReason.Diverged or StopReason.Cancelled or StopReason.Budget
            || RunFindings.Judge(edited, run, train, Load).Any(f => RunFindings.OutcomeCodes.Contains(f.Code)))
        {
            return null;
        }

        // A fix must make the run learn: at most half its starting loss (a clipped run that only stops growing does not).
        var loss = double.IsFinite(train.DataLoss) ? train.DataLoss : train.FinalLoss;
        if (!(loss <= train.InitialLoss / 2))
        {
            return null;
        }

        return (loss, $"loss {Numbers.Format(loss)} after {train.StepsTaken} steps", loss);
    }

    /// <summary>
    /// Whether a minimize run settled: its largest gradient component at the end is at most half the
    /// one at the start. A fix must do that, not only stop the divergence (a clipped step that
    /// hops about the minimum at a constant length keeps the gradient as large as it was).
    /// </summary>
    private static bool Settles(MinimizeResult result) =>
        result.Trace.Count == 0 || Runner.MaxAbs(result.FinalGradient) <= Runner.MaxAbs(result.Trace[0].Gradient) / 2;

    /// <summary>
    /// The edited file, reduced to the declarations the finding's judgement reads: the subject,
    /// what it uses (cost, network, data, the runs that train a network) and the <c>let</c>s they
    /// name, in file order. Checking a candidate in a file of thousands of declarations then costs what
    /// checking it in a small one does. The edits lie inside the subject's declaration.
    /// </summary>
    private static IReadOnlyList<Language.Syntax.DeclarationSyntax>? Relevant(Compilation compilation, Finding finding)
    {
        var program = compilation.Program;
        var keep = new HashSet<Language.Syntax.DeclarationSyntax>(ReferenceEqualityComparer.Instance);
        void KeepRun(BoundRun run)
        {
            keep.Add(run.Syntax);
            if (run.Cost is { } cost)
            {
                keep.Add(cost.Syntax);
            }

            if (run.Network is { } network)
            {
                keep.Add(network.Syntax);
            }

            if (run.Data is { } data)
            {
                keep.Add(data.Syntax);
            }
        }

        if (NetworkFindings.Codes.Contains(finding.Code) && finding.Step == 0 && program.Networks.FirstOrDefault(n => n.Name == finding.Subject) is { } subjectNetwork)
        {
            keep.Add(subjectNetwork.Syntax);
            foreach (var run in program.Runs.Where(r => r.Network?.Name == subjectNetwork.Name))
            {
                KeepRun(run);
            }
        }
        else if (program.Runs.FirstOrDefault(r => r.Name == finding.Subject) is { } subjectRun)
        {
            KeepRun(subjectRun);
        }
        else
        {
            return null;
        }

        KeepConstantsUsed(compilation, keep);
        return [.. compilation.Syntax.Declarations.Where(keep.Contains)];
    }

    /// <summary>The kept declarations (all of the file when null) with the edits applied, in file order.</summary>
    private static string Edited(Compilation compilation, IReadOnlyList<Language.Syntax.DeclarationSyntax>? kept, ImmutableArray<SourceEdit> edits)
    {
        var text = compilation.Source.Text;
        if (kept is null)
        {
            return CandidateKinds.Apply(text, edits);
        }

        var builder = new System.Text.StringBuilder();
        foreach (var declaration in kept)
        {
            var span = declaration.Span;
            var inside = edits.Where(e => e.Span.Start >= span.Start && e.Span.End <= span.End)
                .Select(e => e with { Span = new Language.Text.TextSpan(e.Span.Start - span.Start, e.Span.Length) });
            builder.Append(CandidateKinds.Apply(text.Substring(span.Start, span.Length), inside)).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Adds the <c>let</c>s whose names the kept declarations mention, and the ones those mention, and so on.</summary>
    private static void KeepConstantsUsed(Compilation compilation, HashSet<Language.Syntax.DeclarationSyntax> keep)
    {
        var lets = compilation.Syntax.Declarations.OfType<Language.Syntax.LetDeclarationSyntax>()
            .Where(l => l.Name is not null)
            .GroupBy(l => l.Name!.Text, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        var pending = new Stack<Language.Syntax.DeclarationSyntax>(keep);
        while (pending.Count > 0)
        {
            var declaration = pending.Pop();
            foreach (var token in compilation.Tokens)
            {
                if (token.Span.Start < declaration.Span.Start || token.Span.End > declaration.Span.End)
                {
                    continue;
                }

                if (lets.TryGetValue(token.Text, out var used))
                {
                    foreach (var let in used.Where(keep.Add))
                    {
                        pending.Push(let);
                    }
                }
            }
        }
    }

    /// <summary>The exact inputs of a network's static judgement, as a key: the network, the data and the run settings it is measured with, every constant.</summary>
    public static string NetworkInputs(Compilation compilation, BoundNetwork network)
    {
        var run = NetworkAnalyzer.FirstTrainingRun(compilation.Program, network);
        var builder = new System.Text.StringBuilder("network\n").Append(compilation.Source.Text, network.Syntax.Span.Start, network.Syntax.Span.Length).Append('\n');
        if (run is not null)
        {
            // The batch and the seed choose the first batch the analysis measures on.
            builder.Append("batch ").Append(run.Batch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all")
                .Append(" seed ").Append(run.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
            if (run.Data is { } boundData)
            {
                builder.Append(compilation.Source.Text, boundData.Syntax.Span.Start, boundData.Syntax.Span.Length).Append('\n');
            }
        }

        return builder.ToString();
    }
}
