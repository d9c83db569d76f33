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
    private readonly MlpWorkload workload = new();

    /// <summary>One SGD step of the 784-512-512-10 ReLU network, batch 128.</summary>
    [Benchmark]
    public double MlpTrainingStep() => workload.Step();
}
