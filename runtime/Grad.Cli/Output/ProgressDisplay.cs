using Grad.Runtime.Contracts;
using Spectre.Console;

namespace Grad.Cli.Output;

/// <summary>
/// The progress of the runs a <see cref="Runtime.Runs.RunDriver"/> reports: when a run takes longer
/// than about a second and stderr is a terminal, a Spectre.Console progress bar on stderr, drawn by a
/// thread of its own until the run stops. <see cref="RunEnded"/> waits until the bar is gone, so that
/// the run's summary is printed on a clean line.
/// </summary>
internal sealed class ProgressDisplay : IProgress<RunProgress>, IDisposable
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    private readonly Lock gate = new();
    private readonly ManualResetEventSlim idle = new(true);
    private readonly Thread? painter;
    private RunProgress? latest;
    private DateTime started;
    private bool going;
    private bool disposed;

    public ProgressDisplay(bool interactive)
    {
        if (interactive)
        {
            painter = new Thread(Paint) { IsBackground = true, Name = "progress bar" };
            painter.Start();
        }
    }

    public void Report(RunProgress value)
    {
        lock (gate)
        {
            if (!going && !value.Final)
            {
                started = DateTime.UtcNow;
            }

            latest = value;
            going = !value.Final;
        }
    }

    /// <summary>The current run has stopped (or failed): returns once its bar, if any, is cleared.</summary>
    public void RunEnded()
    {
        lock (gate)
        {
            going = false;
        }

        idle.Wait();
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            going = false;
        }

        painter?.Join();
        idle.Dispose();
    }

    private void Paint()
    {
        while (true)
        {
            Thread.Sleep(Tick);
            lock (gate)
            {
                if (disposed)
                {
                    return;
                }

                if (!going || DateTime.UtcNow - started < Delay)
                {
                    continue;
                }

                // Decided under the lock, so that RunEnded cannot slip between this and the wait it makes.
                idle.Reset();
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
            console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(context =>
                {
                    var snapshot = Read();
                    var bar = context.AddTask($"run {snapshot.Progress?.RunName}", maxValue: Math.Max(1, snapshot.Progress?.TotalSteps ?? 1));
                    while (snapshot.Going)
                    {
                        Thread.Sleep(Tick);
                        snapshot = Read();
                        if (snapshot.Progress is { } progress)
                        {
                            bar.MaxValue = Math.Max(1, progress.TotalSteps);
                            bar.Value = progress.Step;
                        }
                    }

                    bar.Value = bar.MaxValue;
                });
            idle.Set();
        }
    }

    private (RunProgress? Progress, bool Going) Read()
    {
        lock (gate)
        {
            return (latest, going && !disposed);
        }
    }
}
