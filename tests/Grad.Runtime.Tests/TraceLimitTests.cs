using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using static Grad.Runtime.Tests.Fixtures;

namespace Grad.Runtime.Tests;

/// <summary>The editor's cap on trace points: evenly spaced, step 0 and the last step kept, the same numbers as the full trace.</summary>
public class TraceLimitTests
{
    [Fact]
    public void A_capped_trace_keeps_evenly_spaced_steps_the_first_and_the_last_whatever_record_every_says()
    {
        var run = Minimize("crawl", Bowl(), [1, 1], Sgd(0.001), steps: 100_001, recordEvery: 1);
        var full = (MinimizeResult)Runner.Execute(run);
        var capped = (MinimizeResult)Runner.Execute(run, new RunOptions { MaxTracePoints = 1_000 });

        Assert.Equal(100_002, full.Trace.Count);
        Assert.InRange(capped.Trace.Count, 500, 1_000);
        Assert.Equal(0, capped.Trace[0].Step);
        Assert.Equal(100_001, capped.Trace[^1].Step);
        var strides = capped.Trace.Zip(capped.Trace.Skip(1), (a, b) => b.Step - a.Step).SkipLast(1).Distinct().ToArray();
        var stride = Assert.Single(strides);
        Assert.Equal(128, stride); // 1 doubled until 100,001 steps fit in 1,000 points
        foreach (var point in capped.Trace)
        {
            var same = full.Trace[point.Step];
            Assert.Equal(same.Step, point.Step);
            Assert.Equal(same.Cost, point.Cost);
            Assert.Equal(same.Parameters, point.Parameters);
        }

        Assert.Equal(full.FinalParameters, capped.FinalParameters);
    }

    [Fact]
    public void A_trace_under_the_cap_is_unchanged()
    {
        var run = Minimize("short", Bowl(), [1, 1], Sgd(0.5), steps: 100, recordEvery: 3);
        var full = (MinimizeResult)Runner.Execute(run);
        var capped = (MinimizeResult)Runner.Execute(run, new RunOptions { MaxTracePoints = 1_000 });
        Assert.Equal(full.Trace.Select(p => p.Step), capped.Trace.Select(p => p.Step));
    }
}
