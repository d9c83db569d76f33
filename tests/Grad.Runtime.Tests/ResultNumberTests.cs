using Grad.Language;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Newtonsoft.Json;

namespace Grad.Runtime.Tests;

/// <summary>How results write their numbers: Newtonsoft.Json's text, without a string per number (bench/json.sh's memory).</summary>
public sealed class ResultNumberTests
{
    private static string Formatted(double value)
    {
        var buffer = new char[ResultSerializer.MaxNumberLength];
        return new string(buffer, 0, ResultSerializer.FormatNumber(value, buffer));
    }

    [Theory]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1.0, "1.0")]
    [InlineData(-3.0, "-3.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-5, "1E-05")]
    [InlineData(1e21, "1E+21")]
    [InlineData(123456789012345680.0, "1.2345678901234568E+17")]
    [InlineData(double.Epsilon, "5E-324")]
    [InlineData(-2.2250738585072014E-308, "-2.2250738585072014E-308")]
    [InlineData(double.MaxValue, "1.7976931348623157E+308")]
    public void ANumberIsWrittenAsNewtonsoftWritesIt(double value, string expected)
    {
        Assert.Equal(expected, Formatted(value));
        Assert.Equal(JsonConvert.ToString(value), Formatted(value));
    }

    [Fact]
    public void EveryFiniteDoubleOfARandomSampleIsWrittenAsNewtonsoftWritesIt()
    {
        var random = new Random(11);
        var bits = new byte[8];
        var checkedNumbers = 0;
        while (checkedNumbers < 200_000)
        {
            random.NextBytes(bits);
            var value = checkedNumbers % 2 == 0 ? BitConverter.ToDouble(bits) : Math.Round(random.NextDouble() * 1e6, checkedNumbers % 7);
            if (!double.IsFinite(value))
            {
                continue;
            }

            Assert.Equal(JsonConvert.ToString(value), Formatted(value));
            checkedNumbers++;
        }
    }

    [Fact]
    public void NonFiniteNumbersAreNotFormattedAsNumbers() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Formatted(double.NaN));

    private static TrainResult LongRun(int steps)
    {
        var program = Compilation.Create($$"""
            data point { x: [[0.5]]  y: [[0.8]] }
            network chain {
              input 1
              repeat 49 { dense 1 sigmoid }
              dense 1 sigmoid as out
              init normal(mean = 0, std = 1)
              loss mse
              seed 1
            }
            run long {
              train chain on point
              optimizer sgd(lr = 0.1)
              steps {{steps}}
            }
            """, "chain.grad").Program;
        return (TrainResult)Runner.Execute(program.Runs[0]);
    }

    [Fact]
    public void TheResultWriterWritesTheBytesOfAPlainJsonTextWriter()
    {
        var report = new GradReport("chain.grad", []) { Runs = [LongRun(40)] };
        var plain = new StringWriter();
        using (var json = new JsonTextWriter(plain) { Formatting = Formatting.Indented, CloseOutput = false })
        {
            ResultSerializer.WriteReport(json, report);
        }

        var ours = new StringWriter();
        using (var json = ResultSerializer.CreateWriter(ours))
        {
            ResultSerializer.WriteReport(json, report);
        }

        Assert.Contains("\"deadFractions\":[", ours.ToString(), StringComparison.Ordinal);
        Assert.Equal(plain.ToString(), ours.ToString());
    }

    [Fact]
    public void WritingALongTraceMakesNoStringPerNumber()
    {
        // 5,000 points of 50 δ norms, 50 weight-gradient norms and 100-150 health numbers: about
        // 1.2 million numbers, which as a string each (≈ 60 bytes) allocated ≈ 75 MB.
        var report = new GradReport("chain.grad", []) { Runs = [LongRun(5_000)] };
        Assert.Equal(5_001, ((TrainResult)report.Runs![0]).Trace.Count);
        ResultSerializer.Write(report, TextWriter.Null);

        var before = GC.GetAllocatedBytesForCurrentThread();
        ResultSerializer.Write(report, TextWriter.Null);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 2_000_000, $"writing the report allocated {allocated / 1e6:F1} MB");
    }
}
