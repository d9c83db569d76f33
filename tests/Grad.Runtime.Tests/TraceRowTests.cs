using System.Runtime.InteropServices;
using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Runtime.Tests;

/// <summary>
/// A training trace keeps each point's norms and health in one row of its chunk (docs/runtime.md):
/// what is read back is what was added, thinning moves a point's health with it and leaves nothing
/// of a dropped point behind, and recording a point allocates nothing beyond its row.
/// </summary>
public sealed class TraceRowTests
{
    private static TraceHealth Full(double seed) => new([seed, seed + 0.25], [seed + 0.5, 0])
    {
        UpdateRatios = [seed * 1e-3, double.PositiveInfinity],
        Sharpness = 40 + seed,
        SharpnessLimit = 20,
    };

    [Fact]
    public void A_points_health_reads_back_as_it_was_added_with_the_parts_it_has()
    {
        var trace = new TrainTrace(2);
        trace.Add(0, 1.5, [0.1, 0.2], [0.3, 0.4], measuredHealth: Full(1) with { UpdateRatios = null });
        trace.Add(1, 1.25, [0.5, 0.6], [0.7, 0.8], new TraceCures(0.01, 3.5, true), Full(2));
        trace.Add(2, 1.0, [0.9, 1.0], [1.1, 1.2], measuredHealth: new TraceHealth([0, 0], [1, 1]) { Sharpness = -0.0 });
        trace.Add(3, 0.75, [1.3, 1.4], [1.5, 1.6]);

        Assert.Equal([1.0, 1.25], trace.Health(0)!.DeadFractions);
        Assert.Equal([1.5, 0], trace.Health(0)!.SaturatedFractions);
        Assert.Null(trace.Health(0)!.UpdateRatios);
        Assert.Equal(41, trace.Health(0)!.Sharpness);
        Assert.Equal(20, trace.Health(0)!.SharpnessLimit);
        Assert.Equal([2e-3, double.PositiveInfinity], trace.Health(1)!.UpdateRatios!);
        Assert.Equal(new TraceCures(0.01, 3.5, true), trace.Cures(1));
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(trace.Health(2)!.Sharpness!.Value));
        Assert.Null(trace.Health(2)!.SharpnessLimit);
        Assert.Null(trace.Health(3));
        Assert.Null(trace.Sharpness(3));
        Assert.Equal([1.3, 1.4], trace.DeltaNorms(3).ToArray());
        Assert.Equal([1.5, 1.6], trace.WeightGradNorms(3).ToArray());
    }

    [Fact]
    public void A_point_added_after_thinning_has_its_own_health_and_nothing_of_the_points_that_were_dropped()
    {
        var trace = new TrainTrace(2);
        for (var step = 0; step < 40; step++)
        {
            trace.Add(step, step, [step, step], [step, step], measuredHealth: Full(step));
        }

        ((IThinnableTrace)trace).KeepOnly(step => step % 8 == 0);
        Assert.Equal([0, 8, 16, 24, 32], Enumerable.Range(0, trace.Count).Select(trace.Step));
        Assert.Equal(Full(24).UpdateRatios!, trace.Health(3)!.UpdateRatios);
        Assert.Equal(Full(32).Sharpness, trace.Sharpness(4));

        trace.Add(40, 0, [0, 0], [0, 0]);
        trace.Add(41, 0, [0, 0], [0, 0], measuredHealth: new TraceHealth([0.5, 0.5], [0, 0]));
        Assert.Null(trace.Health(5));
        Assert.Null(trace.Health(6)!.UpdateRatios);
        Assert.Null(trace.Health(6)!.Sharpness);
        Assert.Null(trace.Health(6)!.SharpnessLimit);
    }

    [Fact]
    public void A_point_whose_health_has_another_number_of_layers_is_refused()
    {
        var trace = new TrainTrace(2);
        Assert.Throws<ArgumentException>(() => trace.Add(0, 1, [0, 0], [0, 0], measuredHealth: new TraceHealth([0, 0, 0], [0, 0])));
        Assert.Throws<ArgumentException>(() => trace.Add(0, 1, [0, 0], [0, 0], measuredHealth: new TraceHealth([0, 0], [0, 0]) { UpdateRatios = [1] }));
        Assert.Throws<ArgumentException>(() => trace.Add(0, 1, [0], [0, 0]));
        Assert.Empty(trace);
    }

    [Fact]
    public void Recording_a_point_of_a_deep_chain_allocates_only_its_row()
    {
        // W2's network: 50 one-unit sigmoid layers. Every step recorded against every other step:
        // the difference is 4,128 points, whose rows are (5 · 50 + 4) numbers each, in two full chunks
        // of 2,064 rows: 4 MB each and 2 MB of address space to start them at a 2 MB boundary (FreshPages),
        // which is never written. Nothing else is allocated per point.
        static BoundRun Chain(int every) => Assert.Single(Compilation.Create($$"""
            network chain {
              input 1
              repeat 50 { dense 1 sigmoid }
              init normal(mean = 0, std = 1)
              loss mse
              seed 1
            }
            data point { x: [0.5]  y: [1.0] }
            run deep {
              train chain on point
              optimizer sgd(lr = 0.1)
              epochs 8256
              record every {{every}}
            }
            """).Program.Runs);

        long Allocated(BoundRun run)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            Runner.Execute(run);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }

        var (everyStep, everyOther) = (Chain(1), Chain(2));
        Allocated(everyStep);
        var perPoint = (Allocated(everyStep) - Allocated(everyOther)) / 4_128.0;
        var row = (5 * 50 + 4) * sizeof(double);
        // Without huge pages (another system, an older kernel) a chunk is its 4 MB alone.
        var chunkPerRow = (OperatingSystem.IsLinux() ? 3.0 : 2.0) * FreshPages.HugeBlockLength * sizeof(double) / 2_064;
        Assert.InRange(perPoint, row, 1.02 * chunkPerRow);
    }

    [Theory]
    [InlineData(254)] // W2's rows: 2,064 to a chunk, 4 MB chunks in huge pages (FreshPages)
    [InlineData(3)]
    public void Rows_read_back_as_written_across_the_first_chunks_growth_and_many_full_chunks(int width)
    {
        var rows = new TraceRows(width);
        var count = 3 * (2 * FreshPages.HugeBlockLength / width) + 17;
        for (var i = 0; i < count; i++)
        {
            var (numbers, start) = rows.Append(10 * i);
            Assert.All(numbers.AsSpan(start, width).ToArray(), value => Assert.Equal(0.0, value)); // appended rows start cleared
            for (var j = 0; j < width; j++)
            {
                numbers[start + j] = i + j / 1000.0;
            }
        }

        Assert.Equal(count, rows.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(10 * i, rows.Step(i));
            var row = rows.Row(i);
            for (var j = 0; j < width; j++)
            {
                Assert.Equal(i + j / 1000.0, row[j]);
            }
        }
    }

    [Fact]
    public void Fresh_pages_give_an_array_of_the_length_asked_for_that_holds_what_is_written()
    {
        foreach (var length in new[] { 2, 100, 8192, 65532, 1 << 20, FreshPages.HugeBlockLength, 3 * FreshPages.HugeBlockLength })
        {
            var numbers = FreshPages.Allocate(length);
            Assert.Equal(length, numbers.Count);
            numbers.AsSpan().Fill(-0.5);
            numbers[^1] = length;
            Assert.Equal(length, numbers[^1]);
            Assert.Equal(-0.5, numbers[0]);
            Assert.Equal(-0.5, numbers[^2]);
        }
    }

    [Fact]
    public void Fresh_pages_of_whole_2_MB_blocks_start_at_a_2_MB_boundary_on_linux()
    {
        var numbers = FreshPages.Allocate(2 * FreshPages.HugeBlockLength);
        Assert.Equal(2 * FreshPages.HugeBlockLength, numbers.Count);
        Assert.InRange(numbers.Offset + numbers.Count, 0, numbers.Array!.Length);
        if (OperatingSystem.IsLinux())
        {
            // The array is pinned (the pinned object heap), so its address is the one the kernel was given.
            Assert.Equal(0, Marshal.UnsafeAddrOfPinnedArrayElement(numbers.Array, numbers.Offset) % (2 << 20));
        }
    }
}
