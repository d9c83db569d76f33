using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Spectre.Console;

namespace Grad.Cli.Output;

/// <summary>
/// Runs a run on a worker thread and, when it takes longer than about a second and stderr is
/// a terminal, shows a Spectre.Console progress bar on stderr until it finishes.
/// </summary>
internal static class ProgressDisplay
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);

    public static RunResult Run(Func<RunOptions, RunResult> execute, RunOptions options, bool interactive)
    {
        var gate = new Lock();
        RunProgress latest = default;
        var task = Task.Run(() => execute(options with
        {
            Progress = p =>
            {
                lock (gate)
                {
                    latest = p;
                }
            },
        }));
        if (task.Wait(Delay) || !interactive)
        {
            return task.GetAwaiter().GetResult();
        }

        RunProgress Read()
        {
            lock (gate)
            {
                return latest;
            }
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var snapshot = Read();
                var bar = context.AddTask($"run {snapshot.RunName}", maxValue: Math.Max(1, snapshot.TotalSteps));
                while (!task.Wait(100))
                {
                    snapshot = Read();
                    bar.MaxValue = Math.Max(1, snapshot.TotalSteps);
                    bar.Value = snapshot.Step;
                }

                bar.Value = bar.MaxValue;
            });
        return task.GetAwaiter().GetResult();
    }
}
