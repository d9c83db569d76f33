using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Resources;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language.Semantics;

public sealed partial class Binder
{
    // ---- data -------------------------------------------------------------------------------

    private void BindData(DataDeclarationSyntax declaration)
    {
        if (declaration.Name is not { } name || !IsPrimary(declaration))
        {
            return;
        }

        var errorsBefore = ErrorCount;
        BoundData? bound = declaration switch
        {
            InlineDataSyntax inline => BindInlineData(name, inline),
            GeneratedDataSyntax { Generator: { } call } generated => BindGeneratedData(name, call, generated),
            _ => null,
        };
        data[name.Text] = ErrorCount > errorsBefore ? null : bound;
    }

    private InlineBoundData? BindInlineData(Identifier name, InlineDataSyntax inline)
    {
        DataFieldSyntax? x = null, y = null;
        foreach (var field in inline.Fields)
        {
            switch (field.Name.Text)
            {
                case "x" when x is null:
                    x = field;
                    break;
                case "y" when y is null:
                    y = field;
                    break;
                case "x" or "y":
                    Report(DiagnosticCatalog.DuplicateItem, field.Name.Span, $"`{field.Name.Text}:` is given twice in data {name.Text}");
                    break;
                default:
                    Report(DiagnosticCatalog.DataFieldProblem, field.Name.Span, $"inline data has only `x:` and `y:`, not `{field.Name.Text}:`{NameSuggestions.DidYouMean(field.Name.Text, ["x", "y"])}");
                    break;
            }
        }

        if (x is null || y is null)
        {
            ReportMissing(inline, DiagnosticCatalog.DataFieldProblem, name.Span, $"data {name.Text} needs both `x: [...]` and `y: [...]`");
            return null;
        }

        var xs = x.Value is null ? null : Rows(x.Value, "x");
        var ys = y.Value is null ? null : Rows(y.Value, "y");
        if (xs is null || ys is null)
        {
            return null;
        }

        if (xs.Length != ys.Length)
        {
            Report(DiagnosticCatalog.RowCountMismatch, y.Value!.Span, $"y has {ys.Length} row{(ys.Length == 1 ? "" : "s")} but x has {xs.Length}: one row of each per sample",
                Related(x.Value!.Span, $"x has {xs.Length} rows"));
            return null;
        }

        if (xs.Length == 0)
        {
            Report(DiagnosticCatalog.DataFieldProblem, x.Value!.Span, $"data {name.Text} has no samples");
            return null;
        }

        var bound = new InlineBoundData(name.Text, xs, ys, inline);
        return WithinDataLimit(bound, x.Value!.Span) ? bound : null;
    }

    private BoundData? BindGeneratedData(Identifier name, CallSyntax call, GeneratedDataSyntax syntax)
    {
        if (BindCall(call, Builtins.Generators, BuiltinCategory.Generator) is not { } args)
        {
            return null;
        }

        if (args.Builtin.Name == "csv")
        {
            var resolution = options.Files.Resolve(filePath, args.Text("path"));
            if (resolution.File is not { } file)
            {
                var pathArgument = call.Arguments.FirstOrDefault(a => a.Name is null || a.Name.Text == "path");
                ReportMissing(call, DiagnosticCatalog.CsvNotFound, pathArgument?.Value?.Span ?? call.Span, resolution.Error!);
                return null;
            }

            return new CsvBoundData(name.Text, file, args.Text("target"), options.Files, options.Limits[LimitKind.DataFileBytes], syntax);
        }

        var generator = Enum.Parse<GeneratorKind>(args.Builtin.Name, ignoreCase: true);
        var generated = new GeneratedBoundData(
            name.Text,
            generator,
            args.Integer("n"),
            args.Integer("seed"),
            args.Number("noise"),
            args.Values.ContainsKey("classes") ? args.Integer("classes") : 2,
            args.Values.ContainsKey("spread") ? args.Number("spread") : 1,
            args.Values.ContainsKey("slope") ? args.Number("slope") : 1,
            args.Number("intercept"),
            syntax);
        var nArgument = call.Arguments.FirstOrDefault(a => a.Name?.Text == "n");
        return WithinDataLimit(generated, nArgument?.Span ?? call.Span) ? generated : null;
    }

    /// <summary>
    /// The widths of a data set's x and y rows, when known before loading: inline sets and
    /// generators (two-class generators give one 0/1 column; more classes give one-hot columns).
    /// </summary>
    public static (int X, int Y)? DataWidths(BoundData set) => set switch
    {
        InlineBoundData inline => (inline.X[0].Length, inline.Y[0].Length),
        GeneratedBoundData { Generator: GeneratorKind.Linear } => (1, 1),
        GeneratedBoundData g => (2, g.Classes > 2 ? g.Classes : 1),
        _ => null,
    };

    // ---- runs -------------------------------------------------------------------------------

    private BoundRun? BindRun(RunDeclarationSyntax run)
    {
        if (run.Name is not { } name || !IsPrimary(run))
        {
            return null;
        }

        var errorsBefore = ErrorCount;
        var seen = new Dictionary<string, RunItemSyntax>(StringComparer.Ordinal);
        RunItemSyntax? target = null;
        OptimizerSpec? optimizer = null;
        int? steps = null, epochs = null, batch = null, recordEvery = null;
        long seed = 0;
        var until = ImmutableArray.CreateBuilder<StopCondition>();
        ScheduleSpec? schedule = null;
        ClipSpec? clip = null;

        foreach (var item in run.Items)
        {
            var key = item is MinimizeItemSyntax or TrainItemSyntax ? "target" : item.Keyword;
            if (key != "until" && seen.TryGetValue(key, out var first))
            {
                Report(DiagnosticCatalog.DuplicateItem, item.KeywordSpan, key == "target"
                    ? $"run {name.Text} already says what it optimises (`{first.Keyword}`)"
                    : $"`{item.Keyword}` is given twice in run {name.Text}", Related(first.KeywordSpan, "first given here"));
                continue;
            }

            seen[key] = item;
            switch (item)
            {
                case MinimizeItemSyntax or TrainItemSyntax:
                    target = item;
                    break;
                case OptimizerItemSyntax { Optimizer: { } call }:
                    if (BindCall(call, Builtins.Optimizers, BuiltinCategory.Optimizer) is { } args)
                    {
                        optimizer = BindOptimizer(args, call);
                        if (optimizer.Nesterov && (optimizer.Momentum <= 0 || optimizer.Dampening != 0))
                        {
                            Report(DiagnosticCatalog.OutOfRange, call.Span, "nesterov needs momentum > 0 and dampening = 0 (as in torch.optim.SGD)");
                        }
                    }

                    break;
                case RunSettingSyntax setting:
                    switch (setting.Setting)
                    {
                        case "steps":
                            steps = WholeNumber(setting.Value, "steps", 1);
                            break;
                        case "epochs":
                            epochs = WholeNumber(setting.Value, "epochs", 1);
                            break;
                        case "batch":
                            batch = WholeNumber(setting.Value, "the batch size", 1);
                            break;
                        case "record every":
                            recordEvery = WholeNumber(setting.Value, "record every", 1);
                            break;
                        case "seed":
                            seed = WholeNumber(setting.Value, "the seed", 0) ?? 0;
                            break;
                    }

                    break;
                case ScheduleItemSyntax scheduleSyntax:
                    schedule = BindSchedule(scheduleSyntax);
                    break;
                case ClipItemSyntax clipSyntax:
                    clip = BindClip(clipSyntax);
                    break;
                case UntilItemSyntax { Metric: { } metric } condition:
                    if (BindStopCondition(metric, condition.Threshold) is { } stop)
                    {
                        until.Add(stop);
                    }

                    break;
            }
        }

        if (seen.TryGetValue("steps", out var stepsItem) && seen.TryGetValue("epochs", out var epochsItem))
        {
            Report(DiagnosticCatalog.StepsAndEpochs, epochsItem.KeywordSpan, "give either `steps` or `epochs`, not both", Related(stepsItem.KeywordSpan, "steps given here"));
        }

        if (!seen.ContainsKey("optimizer"))
        {
            ReportMissing(run, DiagnosticCatalog.OptimizerMissing, name.Span, $"run {name.Text} needs an optimizer, for example `optimizer sgd(lr = 0.1)`");
        }

        var bound = target switch
        {
            MinimizeItemSyntax minimize => BindMinimize(run, minimize, seen),
            TrainItemSyntax train => BindTrain(run, train),
            _ => null,
        } is { } what && optimizer is not null
            ? new BoundRun(name.Text, what.Kind, what.Cost, what.Start, what.Network, what.Data, optimizer,
                Steps: epochs is null ? steps ?? 1000 : null, epochs, batch, until.ToImmutable(), recordEvery, seed, run)
            {
                Schedule = schedule,
                Clip = clip,
            }
            : null;

        if (target is null)
        {
            ReportMissing(run, DiagnosticCatalog.RunTargetMissing, name.Span, $"run {name.Text} needs `minimize COST from p = v, …` or `train NETWORK on DATA`");
        }

        if (ErrorCount > errorsBefore || bound is not null && !WithinRunLimits(bound, seen))
        {
            return null;
        }

        if (bound is { Schedule: { } boundSchedule } && seen.TryGetValue("schedule", out var scheduleItem))
        {
            WarnIfScheduleOutlastsRun(bound, boundSchedule, scheduleItem);
        }

        return bound;
    }

    // ---- schedules and clipping (v2) -----------------------------------------------------------

    /// <summary><c>schedule A</c> or <c>schedule warmup(…) then B</c>.</summary>
    private ScheduleSpec? BindSchedule(ScheduleItemSyntax item)
    {
        var phases = ImmutableArray.CreateBuilder<SchedulePhase>();
        for (var i = 0; i < item.Phases.Length; i++)
        {
            var call = item.Phases[i];
            if (BindCall(call, Builtins.Schedules, BuiltinCategory.Schedule) is not { } args)
            {
                return null;
            }

            var phase = args.Builtin.Name switch
            {
                "step" => new SchedulePhase(ScheduleKind.Step, Every: args.Integer("every"), Gamma: args.Number("gamma")),
                "exponential" => new SchedulePhase(ScheduleKind.Exponential, Gamma: args.Number("gamma")),
                "cosine" => new SchedulePhase(ScheduleKind.Cosine, Period: args.Integer("period"), MinLr: args.Number("min_lr")),
                _ => new SchedulePhase(ScheduleKind.Warmup, Steps: args.Integer("steps"), Start: args.Number("start")),
            };
            if (i < item.Phases.Length - 1 && (phase.Kind != ScheduleKind.Warmup || i > 0))
            {
                Report(DiagnosticCatalog.ScheduleOrder, call.Span, i > 0
                    ? "a schedule has at most two phases: `warmup(…) then B`"
                    : $"only a warmup can come before `then` ({phase.Name} never ends); write `schedule warmup(steps = N) then {phase.Name}(…)`");
                return null;
            }

            phases.Add(phase);
        }

        return phases.Count == 0 ? null : new ScheduleSpec(phases.ToImmutable());
    }

    /// <summary><c>clip norm C</c> or <c>clip value C</c>, C &gt; 0.</summary>
    private ClipSpec? BindClip(ClipItemSyntax item)
    {
        if (item.Kind is not { } kindName)
        {
            return null;
        }

        ClipKind? kind = Builtins.Find(Builtins.Clips, kindName.Text)?.Name switch { "norm" => ClipKind.Norm, "value" => ClipKind.Value, _ => null };
        if (kind is null)
        {
            Report(DiagnosticCatalog.UnknownBuiltin, kindName.Span,
                $"unknown clipping '{kindName.Text}': write `clip norm C` (clip_grad_norm_) or `clip value C` (clip_grad_value_){NameSuggestions.DidYouMean(kindName.Text, Builtins.Clips.Select(b => b.Name))}");
            return null;
        }

        if (ConstantValue(item.Bound) is not { } bound)
        {
            return null;
        }

        if (!(bound > 0))
        {
            Report(DiagnosticCatalog.ClipBoundNotPositive, item.Bound!.Span, kind == ClipKind.Norm
                ? $"`clip norm` needs a bound > 0 on the gradient's total norm, not {FormatNumber(bound)}"
                : $"`clip value` needs a bound > 0 (each gradient component is clamped to [−C, C]), not {FormatNumber(bound)}");
            return null;
        }

        return new ClipSpec(kind.Value, bound);
    }

    /// <summary>A warning when the run ends before its schedule has done its work (a warmup not finished, a cosine not at its minimum).</summary>
    private void WarnIfScheduleOutlastsRun(BoundRun run, ScheduleSpec schedule, RunItemSyntax item)
    {
        if (run.PlannedStepsBeforeLoading is not { } planned)
        {
            return;
        }

        long length = 0;
        foreach (var phase in schedule.Phases)
        {
            if (phase.Length is not { } phaseLength)
            {
                return;
            }

            length += phaseLength;
        }

        if (length > planned)
        {
            var phases = string.Join(" then ", schedule.Phases.Select(p => $"{p.Name} {p.Length}"));
            Warn(DiagnosticCatalog.ScheduleLongerThanRun, item.Span,
                $"this schedule takes {length} updates ({phases}) but run {run.Name} makes only {planned}: the rest of the schedule never happens");
        }
    }

    private RunTarget? BindMinimize(RunDeclarationSyntax run, MinimizeItemSyntax minimize, Dictionary<string, RunItemSyntax> seen)
    {
        foreach (var setting in new[] { "batch", "epochs", "seed" })
        {
            if (seen.TryGetValue(setting, out var item))
            {
                Report(DiagnosticCatalog.TrainingOnlySetting, item.KeywordSpan, setting == "epochs"
                    ? "`epochs` is for training on data; a minimize run counts `steps`"
                    : $"`{setting}` is for training on data; a minimize run has no data to {(setting == "batch" ? "batch" : "shuffle")}");
            }
        }

        foreach (var condition in run.Items.OfType<UntilItemSyntax>())
        {
            if (condition.Metric?.Text == "loss")
            {
                Report(DiagnosticCatalog.WrongStopMetric, condition.Metric.Span, "a minimize run has a cost, not a loss: use `until cost < …`");
            }
        }

        if (minimize.Cost is not { } costName || ResolveGlobal(costName, "a cost") is not { } symbol)
        {
            return null;
        }

        if (symbol.Declaration is not CostDeclarationSyntax costSyntax)
        {
            Report(DiagnosticCatalog.WrongDeclarationKind, costName.Span, $"'{costName.Text}' is a {symbol.KindName}; `minimize` needs a cost"
                + (symbol.Kind == SymbolKind.Network ? $" (to fit a network, write `train {costName.Text} on DATA`)" : ""));
            return null;
        }

        var parameterSymbols = parametersByCost.GetValueOrDefault(symbol) ?? [];
        var starts = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var start in minimize.Starts)
        {
            var parameter = parameterSymbols.FirstOrDefault(p => p.Name == start.Parameter.Text);
            if (parameter is null)
            {
                Report(DiagnosticCatalog.StartValueProblem, start.Parameter.Span,
                    $"{costName.Text} has no parameter '{start.Parameter.Text}'{NameSuggestions.DidYouMean(start.Parameter.Text, costSyntax.Parameters.Select(p => p.Text))} (it has {string.Join(", ", costSyntax.Parameters.Select(p => p.Text))})");
                continue;
            }

            AddReference(parameter, start.Parameter.Span);
            if (starts.ContainsKey(parameter.Name))
            {
                Report(DiagnosticCatalog.DuplicateArgument, start.Span, $"'{parameter.Name}' is given a start value twice");
                continue;
            }

            if (ConstantValue(start.Value) is { } value)
            {
                starts[parameter.Name] = value;
            }
        }

        var missing = costSyntax.Parameters.Select(p => p.Text).Distinct().Where(p => !starts.ContainsKey(p) && minimize.Starts.All(s => s.Parameter.Text != p)).ToArray();
        if (missing.Length > 0)
        {
            var span = minimize.Starts.IsEmpty ? TextSpan.FromBounds(minimize.KeywordSpan.Start, costName.Span.End) : minimize.Starts[^1].Span;
            Report(DiagnosticCatalog.StartValueProblem, span,
                $"give a start value for {string.Join(", ", missing)}: `from {string.Join(", ", costSyntax.Parameters.Select(p => $"{p.Text} = …"))}`");
        }

        if (!costs.TryGetValue(symbol.Name, out var cost) || cost is null || missing.Length > 0 || starts.Count != cost.Parameters.Length)
        {
            return null;
        }

        return new RunTarget(RunKind.Minimize, cost, [.. cost.Parameters.Select(p => starts[p])], null, null);
    }

    private RunTarget? BindTrain(RunDeclarationSyntax run, TrainItemSyntax train)
    {
        foreach (var condition in run.Items.OfType<UntilItemSyntax>())
        {
            if (condition.Metric?.Text == "cost")
            {
                Report(DiagnosticCatalog.WrongStopMetric, condition.Metric.Span, "a training run has a loss, not a cost: use `until loss < …`");
            }
        }

        BoundNetwork? network = null;
        BoundData? set = null;
        var ok = true;
        if (train.Network is { } networkName && ResolveGlobal(networkName, "a network") is { } networkSymbol)
        {
            if (networkSymbol.Kind != SymbolKind.Network)
            {
                Report(DiagnosticCatalog.WrongDeclarationKind, networkName.Span, $"'{networkName.Text}' is a {networkSymbol.KindName}; `train` needs a network"
                    + (networkSymbol.Kind == SymbolKind.Cost ? $" (to optimise a cost, write `minimize {networkName.Text} from …`)" : ""));
                ok = false;
            }
            else
            {
                network = networks.GetValueOrDefault(networkSymbol.Name);
            }
        }
        else
        {
            ok = false;
        }

        if (train.Data is { } dataName && ResolveGlobal(dataName, "a data set") is { } dataSymbol)
        {
            if (dataSymbol.Kind != SymbolKind.Data)
            {
                Report(DiagnosticCatalog.WrongDeclarationKind, dataName.Span, $"'{dataName.Text}' is a {dataSymbol.KindName}; `train … on` needs a data set");
                ok = false;
            }
            else
            {
                set = data.GetValueOrDefault(dataSymbol.Name);
            }
        }
        else
        {
            ok = false;
        }

        if (!ok || network is null || set is null)
        {
            return null;
        }

        if (DataWidths(set) is { } widths)
        {
            if (widths.X != network.InputWidth)
            {
                Report(DiagnosticCatalog.DataWidthMismatch, train.Data!.Span,
                    $"{set.Name}'s x rows have {widths.X} value{(widths.X == 1 ? "" : "s")} but network {network.Name} takes input {network.InputWidth}",
                    Related(network.Syntax.Items.OfType<InputItemSyntax>().First().Span, "the network's input"));
                return null;
            }

            var classIndex = network.Loss == LossKind.CrossEntropy && widths.Y == 1;
            if (classIndex && network.OutputWidth > 1 && set is InlineBoundData inline && !ClassIndicesFit(inline, network, train))
            {
                return null;
            }

            if (widths.Y != network.OutputWidth && !classIndex)
            {
                Report(DiagnosticCatalog.DataWidthMismatch, train.Data!.Span,
                    $"{set.Name}'s y rows have {widths.Y} value{(widths.Y == 1 ? "" : "s")} but network {network.Name}'s last layer has {network.OutputWidth} unit{(network.OutputWidth == 1 ? "" : "s")}",
                    network.Layers.LastOrDefault() is { } last ? Related(last.Syntax.Span, "the last layer") : Related(network.Syntax.Span, "the network"));
                return null;
            }
        }

        return new RunTarget(RunKind.Train, null, [], network, set);
    }

    /// <summary>
    /// cross_entropy with a y width of 1 takes class indices 0 … K−1 (as torch.nn.CrossEntropyLoss);
    /// the first sample whose y is not one gets GRAD0325 at its value.
    /// </summary>
    private bool ClassIndicesFit(InlineBoundData inline, BoundNetwork network, TrainItemSyntax train)
    {
        var classes = network.OutputWidth;
        for (var i = 0; i < inline.Y.Length; i++)
        {
            var value = inline.Y[i][0];
            if (value >= 0 && value < classes && Math.Floor(value) == value)
            {
                continue;
            }

            var field = (inline.Syntax as InlineDataSyntax)?.Fields.FirstOrDefault(f => f.Name.Text == "y")?.Value;
            var span = field is { } list && i < list.Elements.Length ? list.Elements[i].Span : train.Data!.Span;
            var problem = Math.Floor(value) != value ? "not a whole number" : "out of range";
            Report(DiagnosticCatalog.ClassIndexProblem, span,
                $"sample {i + 1} of {inline.Name} has y = {FormatNumber(value)}, {problem}: a class index for network {network.Name}'s {classes} outputs (cross_entropy) is a whole number from 0 to {classes - 1}",
                Related(network.Layers[^1].Syntax.Span, $"the last layer: {classes} classes"),
                Related(train.Data!.Span, $"trained by this run"));
            return false;
        }

        return true;
    }

    private StopCondition? BindStopCondition(Identifier metric, ExpressionSyntax? threshold)
    {
        StopMetric? kind = Builtins.Find(Builtins.Metrics, metric.Text)?.Name switch
        {
            "change" => StopMetric.Change,
            "grad" => StopMetric.Grad,
            "cost" => StopMetric.Cost,
            "loss" => StopMetric.Loss,
            _ => null,
        };
        if (kind is null)
        {
            Report(DiagnosticCatalog.UnknownBuiltin, metric.Span,
                $"unknown stop condition '{metric.Text}'{NameSuggestions.DidYouMean(metric.Text, Builtins.Metrics.Select(b => b.Name))}; expected change, grad, cost or loss");
            return null;
        }

        return ConstantValue(threshold) is { } value ? new StopCondition(kind.Value, value) : null;
    }

    private static OptimizerSpec BindOptimizer(BoundArguments args, CallSyntax call) =>
        OptimizerSpec.Create(args.Builtin, args.Values, args.Explicit);

    /// <summary>What a run optimises: a cost from start values, or a network on data.</summary>
    private sealed record RunTarget(RunKind Kind, BoundCost? Cost, ImmutableArray<double> Start, BoundNetwork? Network, BoundData? Data);
}
