using BenchmarkDotNet.Attributes;

namespace Grad.Benchmarks;

[MemoryDiagnoser]
public class ChainBenchmark
{
    private readonly ChainWorkload workload = new();

    /// <summary>Forward + backward of the 50-layer one-neuron sigmoid chain.</summary>
    [Benchmark]
    public double ChainForwardBackward() => workload.Run();
}

[MemoryDiagnoser]
public class MlpBenchmark
{
    private MlpWorkload workload = null!;

    /// <summary>W3's threads: any count gives the same bits, the ratio of 1 to 2 is its parallel speed-up.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => workload = new MlpWorkload(Threads);

    /// <summary>One SGD step of the 784-512-512-10 ReLU network, batch 128.</summary>
    [Benchmark]
    public double MlpTrainingStep() => workload.Step();
}
