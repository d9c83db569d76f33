using System.Text;
using Grad.Language;
using Grad.Language.Semantics;
using Grad.Language.Syntax;
using Grad.LanguageServer.Features.Common;
using Grad.Runtime.Analysis;
using Grad.Runtime.Optimizers;

namespace Grad.LanguageServer.Features.Hover;

/// <summary>
/// A run's <c>schedule</c>: each phase's formula (from the catalogue) with its values, and a
/// sparkline of the learning rate over the run's updates, stepped by the runtime's own schedule
/// (<see cref="LearningRateSchedule.Trajectory"/>), so it is the lr the run will use.
/// </summary>
public static class ScheduleHover
{
    /// <summary>The sparkline's width in characters.</summary>
    public const int Width = 40;

    public static string? Markdown(Compilation compilation, int offset)
    {
        var run = compilation.Program.Runs.FirstOrDefault(r => r.Syntax.Span.Contains(offset));
        var item = compilation.DeclarationsTouching(offset).OfType<RunDeclarationSyntax>()
            .SelectMany(r => r.Items).OfType<ScheduleItemSyntax>()
            .FirstOrDefault(s => s.Span.Touches(offset));
        if (item is null)
        {
            return null;
        }

        var text = new StringBuilder();
        text.Append($"**schedule {compilation.Source[item.Span][(item.KeywordSpan.Length + 1)..].Trim()}**");
        if (run?.Schedule is not { } spec)
        {
            return text.Append(" — the learning rate changes once per update, as a PyTorch scheduler stepped after every `optimizer.step()`.").ToString();
        }

        var updates = run.Epochs is null || SettingHover.SampleCount(run.Data) is not { } samples ? run.Steps ?? 1000 : run.PlannedSteps(samples);
        var lr = LearningRateSchedule.Trajectory(spec, run.Optimizer.Lr, updates);
        text.Append($" · lr₀ = {Numbers.Format(run.Optimizer.Lr)} · {updates} updates\n\n");
        if (lr.Length > 0)
        {
            text.Append($"`{Sparkline(lr, Width)}`\n\n");
            var table = new HoverTable("update", "lr");
            foreach (var k in Milestones(spec, lr.Length))
            {
                table.Row($"{k + 1}", Numbers.Format(lr[k]));
            }

            text.Append(table).Append('\n');
        }

        for (var i = 0; i < spec.Phases.Length; i++)
        {
            var phase = spec.Phases[i];
            var builtin = Builtins.Find(Builtins.Schedules, phase.Name)!;
            var when = spec.Phases.Length == 1 ? "" : i == 0 ? $" (updates 1–{phase.Steps})" : $" (from update {spec.Phases[0].Steps + 1}, t counted from there)";
            text.Append($"- `{phase.Name}`{when}: {builtin.Summary} — {builtin.Documentation}\n");
        }

        return text.ToString().TrimEnd();
    }

    /// <summary>The updates worth a row: the first, where a phase ends or a step decays, the lowest and highest, the last (0-based).</summary>
    private static IEnumerable<int> Milestones(ScheduleSpec spec, int count)
    {
        var points = new SortedSet<int> { 0, count - 1 };
        if (spec.Phases.Length > 1 && spec.Phases[0].Steps < count)
        {
            points.Add(spec.Phases[0].Steps - 1);
            points.Add(spec.Phases[0].Steps);
        }
        else if (spec.Phases[0].Length is { } length && length < count)
        {
            points.Add(length);
        }

        return points.Where(p => p >= 0 && p < count);
    }

    /// <summary>The values as block characters ▁…█ from their minimum to their maximum, one per bucket of updates (its first value).</summary>
    public static string Sparkline(IReadOnlyList<double> values, int width)
    {
        const string blocks = "▁▂▃▄▅▆▇█";
        var count = Math.Min(width, values.Count);
        var sampled = Enumerable.Range(0, count).Select(i => values[(int)((long)i * (values.Count - 1) / Math.Max(1, count - 1))]).ToArray();
        var min = sampled.Min();
        var max = sampled.Max();
        return string.Concat(sampled.Select(v => max > min ? blocks[(int)Math.Round((v - min) / (max - min) * (blocks.Length - 1))] : blocks[^1]));
    }
}
