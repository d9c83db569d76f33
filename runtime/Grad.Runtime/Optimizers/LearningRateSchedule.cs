using Grad.Language.Semantics;

namespace Grad.Runtime.Optimizers;

/// <summary>
/// A learning-rate schedule stepped once per update, operation for operation as PyTorch 1.13's
/// schedulers (their recursive "chainable" forms, which differ from the closed forms in the last
/// bits): <see cref="Current"/> after k calls of <see cref="Step"/> is the lr that update k+1 uses,
/// as <c>scheduler.get_last_lr()</c> after k calls of <c>scheduler.step()</c>. A two-phase schedule
/// is <c>SequentialLR([warmup, B], milestones=[warmup.steps])</c>: at the milestone B starts from
/// its closed form at epoch 0 (<c>B.step(0)</c>), that is from the initial lr.
/// </summary>
public sealed class LearningRateSchedule
{
    private readonly ScheduleSpec spec;
    private readonly double initialLr;
    private int phase;
    private int phaseEpoch;
    private int epoch;

    public LearningRateSchedule(ScheduleSpec spec, double initialLr)
    {
        this.spec = spec;
        this.initialLr = initialLr;
        Current = initialLr;

        // The first phase's constructor step (last_epoch = 0).
        Current = ChainedLr(spec.Phases[0], 0, Current);
    }

    /// <summary>The lr of the next update.</summary>
    public double Current { get; private set; }

    /// <summary>One <c>scheduler.step()</c>, after an optimizer step.</summary>
    public void Step()
    {
        epoch++;
        if (phase == 0 && spec.Phases.Length > 1 && epoch == spec.Phases[0].Steps)
        {
            phase = 1;
            phaseEpoch = 0;
            Current = ClosedFormAtZero(spec.Phases[1]);
            return;
        }

        phaseEpoch = phase == 0 ? epoch : phaseEpoch + 1;
        Current = ChainedLr(spec.Phases[phase], phaseEpoch, Current);
    }

    /// <summary>The lr of every update 1 … <paramref name="steps"/> (for the hover's sparkline).</summary>
    public static double[] Trajectory(ScheduleSpec spec, double initialLr, int steps)
    {
        var schedule = new LearningRateSchedule(spec, initialLr);
        var values = new double[Math.Max(0, steps)];
        for (var k = 0; k < values.Length; k++)
        {
            values[k] = schedule.Current;
            schedule.Step();
        }

        return values;
    }

    /// <summary><c>get_lr()</c> of each scheduler at <c>last_epoch = e</c>, from the current lr.</summary>
    private double ChainedLr(SchedulePhase p, int e, double lr)
    {
        switch (p.Kind)
        {
            case ScheduleKind.Step:
                return e == 0 || e % p.Every != 0 ? lr : lr * p.Gamma;
            case ScheduleKind.Exponential:
                return e == 0 ? lr : lr * p.Gamma;
            case ScheduleKind.Cosine:
                if (e == 0)
                {
                    return lr;
                }

                if ((e - 1 - p.Period) % (2 * p.Period) == 0)
                {
                    return lr + (initialLr - p.MinLr) * (1 - Math.Cos(Math.PI / p.Period)) / 2;
                }

                return (1 + Math.Cos(Math.PI * e / p.Period)) / (1 + Math.Cos(Math.PI * (e - 1) / p.Period)) * (lr - p.MinLr) + p.MinLr;
            default:
                // LinearLR(start_factor, end_factor = 1, total_iters).
                const double end = 1.0;
                if (e == 0)
                {
                    return lr * p.Start;
                }

                if (e > p.Steps)
                {
                    return lr;
                }

                return lr * (1.0 + (end - p.Start) / (p.Steps * p.Start + (e - 1) * (end - p.Start)));
        }
    }

    /// <summary><c>_get_closed_form_lr()</c> at <c>last_epoch = 0</c>: where the phase after the milestone starts.</summary>
    private double ClosedFormAtZero(SchedulePhase p) => p.Kind switch
    {
        ScheduleKind.Step => initialLr * Math.Pow(p.Gamma, 0),
        ScheduleKind.Exponential => initialLr * Math.Pow(p.Gamma, 0),
        ScheduleKind.Cosine => p.MinLr + (initialLr - p.MinLr) * (1 + Math.Cos(Math.PI * 0 / p.Period)) / 2,
        _ => initialLr * (p.Start + (1.0 - p.Start) * Math.Min(p.Steps, 0) / p.Steps),
    };
}
