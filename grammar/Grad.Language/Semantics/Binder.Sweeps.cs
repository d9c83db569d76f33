using System.Collections.Immutable;
using System.Globalization;
using Grad.Language.Diagnostics;
using Grad.Language.Resources;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language.Semantics;

public sealed partial class Binder
{
    /// <summary>A sweep has at most this many members (the product of its lists' lengths); each is bound (and run) on its own.</summary>
    public const int MaxSweepMembers = 1_000;

    /// <summary>What a <c>vary</c> changes, in the order the binder resolves a name.</summary>
    private enum VariedKind { Constant, Optimizer, Init, Batch, Seed, OptimizerParameter }

    private sealed record VariedSetting(VariedKind Kind, Identifier Name, ImmutableArray<VariedValueSyntax> Values);

    // ---- sweeps (v2) ----------------------------------------------------------------------------

    /// <summary>
    /// Binds a sweep: checks its base run and its <c>vary</c> lines, then binds every member as a
    /// copy of the file in which the varied items are replaced by the member's values. Each member
    /// is checked by the same rules as the run it copies, and a problem that only a member has is
    /// reported at the value that causes it.
    /// </summary>
    private BoundSweep? BindSweep(SweepDeclarationSyntax sweep, GradFileSyntax file, IReadOnlyDictionary<string, BoundRun> runs)
    {
        if (sweep.Name is not { } name || !IsPrimary(sweep))
        {
            return null;
        }

        var errorsBefore = ErrorCount;
        SweepBaseSyntax? baseItem = null;
        var varied = new List<VariedSetting>();
        foreach (var item in sweep.Items)
        {
            switch (item)
            {
                case SweepBaseSyntax run when baseItem is not null:
                    Report(DiagnosticCatalog.DuplicateItem, run.KeywordSpan, $"sweep {name.Text} already has its base run", Related(baseItem.KeywordSpan, "first given here"));
                    break;
                case SweepBaseSyntax run:
                    baseItem = run;
                    break;
            }
        }

        RunDeclarationSyntax? baseRun = null;
        if (baseItem is null)
        {
            ReportMissing(sweep, DiagnosticCatalog.SweepBaseMissing, name.Span, $"sweep {name.Text} needs its base run first, for example `run {FirstRunName(file) ?? "deep"}`");
        }
        else if (baseItem.Run is { } runName && ResolveGlobal(runName, "a run") is { } symbol)
        {
            baseRun = symbol.Declaration as RunDeclarationSyntax;
            if (baseRun is null)
            {
                Report(DiagnosticCatalog.WrongDeclarationKind, runName.Span, $"'{runName.Text}' is a {symbol.KindName}, not a run; a sweep varies a run");
            }
        }

        var bound = baseRun?.Name is { } baseName && runs.TryGetValue(baseName.Text, out var b) ? b : null;

        // An optimizer parameter may be varied when the base run's optimizer or a varied one takes it.
        var optimizers = bound is null
            ? []
            : sweep.Items.OfType<VaryItemSyntax>().Where(v => v.Setting?.Text == "optimizer").SelectMany(v => v.Values ?? [])
                .Select(v => v.Call?.Name.Text).Prepend(bound.Optimizer.Name)
                .Select(n => n is null ? null : Builtins.Find(Builtins.Optimizers, n)).OfType<Builtin>().Distinct().ToList();
        foreach (var vary in sweep.Items.OfType<VaryItemSyntax>())
        {
            if (BindVary(vary, name, varied, bound, optimizers) is { } setting)
            {
                varied.Add(setting);
            }
        }

        if (baseItem is not null && varied.Count == 0 && ErrorCount == errorsBefore)
        {
            ReportMissing(sweep, DiagnosticCatalog.SweepVaryProblem, name.Span, $"sweep {name.Text} varies nothing: add a line such as `vary lr in [0.01, 0.1, 1]`");
        }

        // The base run's own errors are reported where they are; a sweep of a broken run has no members.
        if (ErrorCount > errorsBefore || bound is null || baseRun is null || varied.Count == 0)
        {
            return null;
        }

        var count = varied.Aggregate(1L, (product, setting) => Math.Min(product * setting.Values.Length, long.MaxValue / 1024));
        if (count > MaxSweepMembers)
        {
            Report(DiagnosticCatalog.ResourceLimit, name.Span,
                $"sweep {name.Text} has {ResourceLimits.Format(count)} members ({string.Join(" × ", varied.Select(v => v.Values.Length))}), more than {ResourceLimits.Format(MaxSweepMembers)}; split it into smaller sweeps");
            return null;
        }

        var members = ImmutableArray.CreateBuilder<BoundRun>();
        foreach (var combination in Product(varied))
        {
            if (BindMember(name.Text, baseRun, bound, file, varied, combination) is { } member)
            {
                members.Add(member);
            }
        }

        return ErrorCount > errorsBefore ? null : new BoundSweep(name.Text, bound, [.. varied.Select(v => v.Name.Text)], members.ToImmutable(), sweep);
    }

    private static string? FirstRunName(GradFileSyntax file) =>
        file.Declarations.OfType<RunDeclarationSyntax>().Select(r => r.Name?.Text).FirstOrDefault(n => n is not null);

    /// <summary>Resolves what a <c>vary</c> line changes and checks its list (not empty, no value twice).</summary>
    private VariedSetting? BindVary(VaryItemSyntax vary, Identifier sweepName, List<VariedSetting> earlier, BoundRun? baseRun, List<Builtin> optimizers)
    {
        if (vary.Setting is not { } setting || vary.Values is not { } values)
        {
            return null;
        }

        if (earlier.FirstOrDefault(v => v.Name.Text == setting.Text) is { } first)
        {
            Report(DiagnosticCatalog.DuplicateItem, setting.Span, $"sweep {sweepName.Text} already varies {setting.Text}", Related(first.Name.Span, "first varied here"));
            return null;
        }

        VariedKind? kind = setting.Text switch
        {
            _ when globals.TryGetValue(setting.Text, out var symbol) && symbol.Kind == SymbolKind.Constant => VariedKind.Constant,
            "optimizer" => VariedKind.Optimizer,
            "init" => VariedKind.Init,
            "batch" => VariedKind.Batch,
            "seed" => VariedKind.Seed,
            _ when optimizers.Any(o => o.FindParameter(setting.Text) is not null) => VariedKind.OptimizerParameter,
            _ => null,
        };
        if (kind is null)
        {
            if (baseRun is null)
            {
                return null; // what the base run's optimizer takes is unknown; its own error says why
            }

            var parameters = optimizers.SelectMany(o => o.Parameters.Select(p => p.Name)).Distinct().ToArray();
            var constants = globals.Values.Where(s => s.Kind == SymbolKind.Constant).Select(s => s.Name);
            Report(DiagnosticCatalog.SweepVaryProblem, setting.Span,
                $"a sweep cannot vary '{setting.Text}': expected a parameter of {string.Join(" or ", optimizers.Select(o => o.Name))} ({string.Join(", ", parameters)}), `optimizer`, `batch`, `seed`, `init` or a constant"
                + NameSuggestions.DidYouMean(setting.Text, parameters.Concat(["optimizer", "batch", "seed", "init"]).Concat(constants)));
            return null;
        }

        if (kind == VariedKind.Constant)
        {
            AddReference(globals[setting.Text], setting.Span);
        }

        if (kind == VariedKind.Init && baseRun is { Kind: not RunKind.Train })
        {
            Report(DiagnosticCatalog.SweepVaryProblem, setting.Span, $"`vary init` needs a run that trains a network; run {baseRun.Name} minimizes a cost");
            return null;
        }

        if (values.Length == 0)
        {
            Report(DiagnosticCatalog.SweepVaryProblem, vary.Span, $"`vary {setting.Text}` needs at least one value in its list");
            return null;
        }

        var seen = new Dictionary<string, VariedValueSyntax>(StringComparer.Ordinal);
        var valid = true;
        foreach (var value in values)
        {
            var takesCall = kind is VariedKind.Optimizer or VariedKind.Init;
            if (takesCall ? value.Call is null : value.Expression is null)
            {
                Report(DiagnosticCatalog.WrongArgumentType, value.Span, takesCall
                    ? $"`vary {setting.Text}` takes {(kind == VariedKind.Init ? "inits such as he_normal or normal(mean = 0, std = 1)" : "optimizers such as sgd(lr = 0.1) or adam")}, not this"
                    : $"`vary {setting.Text}` takes numbers, not a call");
                valid = false;
                continue;
            }

            // A constant's values are numbers of the file as it is: `vary width in [2 * width]` doubles the width.
            var text = ValueText(value);
            if (kind == VariedKind.Constant)
            {
                if (ConstantValue(value.Expression) is not { } number)
                {
                    valid = false;
                    continue;
                }

                values = values.Replace(value, value with { Expression = new NumberSyntax(number, text, value.Span) });
            }

            if (seen.TryGetValue(text, out var firstValue))
            {
                Report(DiagnosticCatalog.SweepVaryProblem, value.Span, $"{text} is given twice in `vary {setting.Text}`", Related(firstValue.Span, "first given here"));
                valid = false;
                continue;
            }

            seen[text] = value;
        }

        return valid ? new VariedSetting(kind.Value, setting, values) : null;
    }

    /// <summary>A value as it names a member: its text without spaces (<c>normal(mean=0,std=1)</c>).</summary>
    private string ValueText(VariedValueSyntax value) =>
        string.Concat(source[value.Span].Where(c => !char.IsWhiteSpace(c)));

    /// <summary>Every combination of the lists' values, the first list varying slowest (as itertools.product).</summary>
    private static IEnumerable<VariedValueSyntax[]> Product(List<VariedSetting> varied)
    {
        var index = new int[varied.Count];
        while (true)
        {
            yield return [.. varied.Select((v, i) => v.Values[index[i]])];
            var position = varied.Count - 1;
            while (position >= 0 && ++index[position] == varied[position].Values.Length)
            {
                index[position--] = 0;
            }

            if (position < 0)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Binds one member: the file with the varied items replaced, bound by a binder of its own.
    /// Errors the original file does not have are the member's: reported at the value that caused
    /// them, or (for a constant used elsewhere) at the constant's value with the place named.
    /// </summary>
    private BoundRun? BindMember(string sweepName, RunDeclarationSyntax baseRun, BoundRun bound, GradFileSyntax file, List<VariedSetting> varied, VariedValueSyntax[] values)
    {
        // A varied optimizer first, so that a varied optimizer parameter applies to it.
        var memberFile = file;
        foreach (var i in Enumerable.Range(0, varied.Count).OrderBy(i => varied[i].Kind == VariedKind.Optimizer ? 0 : 1))
        {
            memberFile = Substitute(memberFile, baseRun, bound, varied[i], values[i]);
        }

        var memberName = $"{sweepName}[{string.Join(",", varied.Select((v, i) => $"{v.Name.Text}={ValueText(values[i])}"))}]";
        var member = new Binder(source, filePath, syntaxErrors, options) { bindSweeps = false }.BindFile(memberFile);
        var known = diagnostics.Select(d => (d.Code, d.Span, d.Message)).ToHashSet();
        var failed = false;
        foreach (var problem in member.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !known.Contains((d.Code, d.Span, d.Message))))
        {
            failed = true;
            if (values.Any(v => v.Span.Contains(problem.Span.Start)) || varied.Any(v => v.Name.Span == problem.Span))
            {
                diagnostics.Add(problem);
                continue;
            }

            var cause = Array.FindIndex([.. varied], v => v.Kind == VariedKind.Constant);
            var at = values[Math.Max(0, cause)];
            diagnostics.Add(Diagnostic.Create(problem.Descriptor, at.Span,
                $"with {varied[Math.Max(0, cause)].Name.Text} = {ValueText(at)}, line {source.GetLine(problem.Span.Start) + 1} has an error: {problem.Message}")
                with { Related = [Related(problem.Span, problem.Message)] });
        }

        if (failed || member.Program.Runs.FirstOrDefault(r => r.Name == bound.Name) is not { } run)
        {
            return null;
        }

        var config = ImmutableArray.CreateBuilder<KeyValuePair<string, object>>();
        for (var i = 0; i < varied.Count; i++)
        {
            object value = varied[i].Kind switch
            {
                VariedKind.Constant => ((NumberSyntax)values[i].Expression!).Value,
                VariedKind.Batch => (double)(run.Batch ?? 0),
                VariedKind.Seed => (double)run.Seed,
                VariedKind.OptimizerParameter => Convert.ToDouble(run.Optimizer.Effective.First(p => p.Key == varied[i].Name.Text).Value, CultureInfo.InvariantCulture),
                _ => ValueText(values[i]),
            };
            config.Add(KeyValuePair.Create(varied[i].Name.Text, value));
        }

        return run with { Name = memberName, Member = new SweepMember(sweepName, config.ToImmutable()) };
    }

    /// <summary>The file with one varied item replaced by a value (or added where the base leaves it at its default).</summary>
    private static GradFileSyntax Substitute(GradFileSyntax file, RunDeclarationSyntax baseRun, BoundRun bound, VariedSetting setting, VariedValueSyntax value)
    {
        // The base run may have been replaced by an earlier substitution: find it by position.
        var run = file.Declarations.OfType<RunDeclarationSyntax>().First(r => r.Span == baseRun.Span);
        switch (setting.Kind)
        {
            case VariedKind.Constant:
                return Replace(file, file.Declarations.OfType<LetDeclarationSyntax>().First(l => l.Name?.Text == setting.Name.Text),
                    let => ((LetDeclarationSyntax)let) with { Value = value.Expression });
            case VariedKind.Init:
                var network = file.Declarations.OfType<NetworkDeclarationSyntax>().First(n => n.Span == bound.Network!.Syntax.Span);
                var init = new InitItemSyntax(value.Call, setting.Name.Span, value.Span);
                // The varied init takes the place of the network's `init` or `init from`.
                var items = network.Items.Where(i => i is not (InitItemSyntax or InitFromItemSyntax)).Append(init).ToImmutableArray();
                return Replace(file, network, _ => network with { Items = items });
            case VariedKind.Optimizer:
                return Replace(file, run, _ => run with { Items = ReplaceRunItem(run, i => i is OptimizerItemSyntax, new OptimizerItemSyntax(value.Call, setting.Name.Span, value.Span)) });
            case VariedKind.Batch or VariedKind.Seed:
                var keyword = setting.Name.Text;
                return Replace(file, run, _ => run with
                {
                    Items = ReplaceRunItem(run, i => i is RunSettingSyntax s && s.Setting == keyword, new RunSettingSyntax(keyword, value.Expression, setting.Name.Span, value.Span)),
                });
            default:
                var optimizerItem = run.Items.OfType<OptimizerItemSyntax>().First(o => o.Optimizer is not null);
                var call = optimizerItem.Optimizer!;
                var parameterIndex = Builtins.Find(Builtins.Optimizers, call.Name.Text)?.Parameters.Select(p => p.Name).ToList().IndexOf(setting.Name.Text) ?? -1;
                var arguments = call.Arguments
                    .Where((a, position) => a.Name is null ? position != parameterIndex : a.Name.Text != setting.Name.Text)
                    .Append(new ArgumentSyntax(setting.Name, value.Expression is { } e ? new ExpressionValueSyntax(e) : null, value.Span))
                    .ToImmutableArray();
                var changed = optimizerItem with { Optimizer = call with { Arguments = arguments, HasParentheses = true } };
                return Replace(file, run, _ => run with { Items = run.Items.Select(i => i == optimizerItem ? changed : i).ToImmutableArray() });
        }
    }

    private static ImmutableArray<RunItemSyntax> ReplaceRunItem(RunDeclarationSyntax run, Func<RunItemSyntax, bool> matches, RunItemSyntax replacement) =>
        run.Items.Any(matches) ? run.Items.Select(i => matches(i) ? replacement : i).ToImmutableArray() : run.Items.Add(replacement);

    private static GradFileSyntax Replace(GradFileSyntax file, DeclarationSyntax old, Func<DeclarationSyntax, DeclarationSyntax> change) =>
        file with { Declarations = file.Declarations.Select(d => ReferenceEquals(d, old) ? change(d) : d).ToImmutableArray() };
}
