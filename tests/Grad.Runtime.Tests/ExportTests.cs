using Grad.Cli;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace Grad.Runtime.Tests;

/// <summary>
/// <c>grad export --to pytorch</c>: the script, run with PyTorch, reproduces <c>grad run --json</c>
/// (its own <c>--check</c>, relative 1e-10), in one process and data-parallel in two.
/// </summary>
public sealed class ExportTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Mini-batches (7 of 30 samples: the last batch smaller) with Nesterov momentum, and a CSV file with a text target.</summary>
    private const string MinibatchFile = """
        network regression {
          input 1
          dense 6 tanh
          dense 5 leaky_relu(slope = 0.1)
          dense 1 linear
          init he_normal
          loss mse
          seed 3
        }

        network classes {
          input 2
          dense 8 gelu
          dense 6 elu
          dense 3 softmax
          loss cross_entropy
          seed 4
        }

        data line = linear(n = 30, slope = 2, intercept = -1, noise = 0.1, seed = 5)
        data table = csv("table.csv", target = "label")

        run momentum {
          train regression on line
          optimizer sgd(lr = 0.05, momentum = 0.9, nesterov = true)
          epochs 12
          batch 7
          seed 11
        }

        run classify {
          train classes on table
          optimizer rmsprop(lr = 0.01, momentum = 0.5)
          epochs 20
          batch 4
          seed 2
        }
        """;

    private const string CuresFile = """
        network n {
          input 2
          dense 8 tanh
          dense 6 relu
          dense 1 sigmoid
          init he_normal
          loss bce
          seed 4
        }
        data d = moons(n = 40, noise = 0.1, seed = 1)
        run warm {
          train n on d
          optimizer sgd(lr = 0.5, momentum = 0.9)
          schedule warmup(steps = 10, start = 0.1) then cosine(period = 30, min_lr = 0.01)
          clip norm 0.5
          epochs 12
          batch 8
          seed 3
        }
        run stepped {
          train n on d
          optimizer adam(lr = 0.05)
          schedule step(every = 7, gamma = 0.5)
          clip value 0.05
          epochs 10
          batch 10
          seed 5
        }
        run expo {
          train n on d
          optimizer rmsprop(lr = 0.01)
          schedule exponential(gamma = 0.97)
          epochs 30
        }
        cost bowl(w1, w2) = 0.001 * w1^2 + w2^2
        run bowlclip {
          minimize bowl from w1 = 1, w2 = 1
          optimizer sgd(lr = 0.5)
          schedule cosine(period = 20)
          clip norm 1
          steps 50
        }
        """;

    private readonly string directory = Directory.CreateTempSubdirectory("grad-export-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    // Every example with a training run, every run over all its steps.
    public static TheoryData<string> ExamplesWithTraining() =>
    [
        .. Directory.GetFiles(Repo.PathOf("examples"), "*.grad")
            .Where(path => File.ReadAllText(path).Contains("\n  train ", StringComparison.Ordinal))
            .Select(path => Path.GetFileName(path))
            .Order(StringComparer.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(ExamplesWithTraining))]
    public void EveryExampleWithTrainingRunsAgreesWithGrad(string example)
    {
        if (!PythonScripts.Available(output, $"{nameof(ExportTests)}.{nameof(EveryExampleWithTrainingRunsAgreesWithGrad)}({example})", "torch"))
        {
            return;
        }

        var (script, gradJson) = ExportAndRun(Repo.PathOf(Path.Combine("examples", example)));
        AssertAgrees(script, gradJson);
    }

    [Fact]
    public void MinimizeRunsAgreeWithGrad()
    {
        if (!PythonScripts.Available(output, $"{nameof(ExportTests)}.{nameof(MinimizeRunsAgreeWithGrad)}", "torch"))
        {
            return;
        }

        var (script, gradJson) = ExportAndRun(Repo.PathOf("examples/bowl.grad"));
        Assert.Contains("def cost_bowl(w1, w2):\n    return 0.001 * w1 ** 2.0 + w2 ** 2.0\n", File.ReadAllText(script));
        AssertAgrees(script, gradJson);
    }

    [Fact]
    public void MinibatchesWithMomentumAndACsvFileAgreeWithGrad()
    {
        if (!PythonScripts.Available(output, $"{nameof(ExportTests)}.{nameof(MinibatchesWithMomentumAndACsvFileAgreeWithGrad)}", "torch"))
        {
            return;
        }

        var (script, gradJson) = ExportAndRun(WriteMinibatchFile());
        Assert.Contains("\"csv\": ", File.ReadAllText(script));
        AssertAgrees(script, gradJson);
    }

    /// <summary>The v2 schedules and clipping: warmup then cosine with clip norm, step with clip value, exponential, and a minimize run.</summary>
    [Fact]
    public void SchedulesAndClippingAgreeWithGrad()
    {
        if (!PythonScripts.Available(output, $"{nameof(ExportTests)}.{nameof(SchedulesAndClippingAgreeWithGrad)}", "torch"))
        {
            return;
        }

        var path = Path.Combine(directory, "cures.grad");
        File.WriteAllText(path, CuresFile);
        var (script, gradJson) = ExportAndRun(path);
        AssertAgrees(script, gradJson);
        var trace = JObject.Parse(File.ReadAllText(Path.Combine(directory, "torch.json")))["runs"]![0]!["trace"]!;
        Assert.Contains(trace, point => (bool)point["clipped"]!);
        Assert.Equal(0.5 * 0.1, (double)trace[0]!["lr"]!, 15);
    }

    /// <summary>
    /// Residual blocks (two layers each, repeated; one layer wide; one starting at the network's
    /// input) on mini-batches with momentum: δ comes back through the identity paths.
    /// </summary>
    [Fact]
    public void AResidualRunAgreesWithGrad()
    {
        var run = ExportedRunAgrees(nameof(AResidualRunAgreesWithGrad), """
            network skips {
              input 1
              residual { dense 1 tanh }
              dense 6 tanh
              repeat 3 { residual { dense 6 relu  dense 6 linear } }
              residual { dense 6 sigmoid }
              dense 1 linear
              init he_normal
              loss mse
              seed 6
            }
            data d = linear(n = 30, slope = 2, intercept = 1, noise = 0.1, seed = 1)
            run skip {
              train skips on d
              optimizer sgd(lr = 0.01, momentum = 0.9)
              epochs 8
              batch 7
              seed 2
            }
            """);
        if (run is not null)
        {
            Assert.Equal(10, run["layers"]!.Count());
        }
    }

    /// <summary>`norm layer` between dense layers and inside a residual block, with Adam and a schedule: LayerNorm's gain and bias and δ through it.</summary>
    [Fact]
    public void ALayerNormRunAgreesWithGrad()
    {
        var run = ExportedRunAgrees(nameof(ALayerNormRunAgreesWithGrad), """
            network normed {
              input 2
              dense 6 tanh
              norm layer
              residual { dense 6 relu  norm layer }
              dense 5 sigmoid
              norm layer
              dense 1 sigmoid
              init xavier_normal
              loss bce
              seed 6
            }
            data d = moons(n = 40, noise = 0.1, seed = 1)
            run normed_adam {
              train normed on d
              optimizer adam(lr = 0.01)
              schedule step(every = 10, gamma = 0.5)
              epochs 6
              batch 8
              seed 2
            }
            """);
        if (run is null)
        {
            return;
        }

        var layers = run["final"]!["network"]!["layers"]!;
        Assert.Equal(6, layers[1]!["gain"]!.Count());
        Assert.Null(layers[1]!["runningMean"]);
        Assert.Equal(JValue.CreateNull(), run["layers"]![1]!["activation"]);
    }

    /// <summary>
    /// `norm batch` on mini-batches whose last batch is smaller (21 = 2·8 + 5), with cross-entropy:
    /// normalised by each batch's statistics, the running estimates moved once per step by the
    /// batch it steps on (the final ones compared), dataLoss and accuracy by the running estimates.
    /// </summary>
    [Fact]
    public void ABatchNormMinibatchRunAgreesWithGrad()
    {
        var run = ExportedRunAgrees(nameof(ABatchNormMinibatchRunAgreesWithGrad), """
            network batched {
              input 2
              dense 6 relu
              norm batch
              dense 5 tanh
              norm batch
              dense 3 softmax
              init he_uniform
              loss cross_entropy
              seed 4
            }
            data d = gaussians(n = 21, classes = 3, spread = 0.4, seed = 2)
            run batched_sgd {
              train batched on d
              optimizer sgd(lr = 0.05, momentum = 0.5)
              epochs 7
              batch 8
              seed 5
            }
            """);
        if (run is null)
        {
            return;
        }

        var norm = run["final"]!["network"]!["layers"]![1]!;
        Assert.Equal(6, norm["runningMean"]!.Count());
        Assert.Equal(6, norm["runningVar"]!.Count());
        // The estimates moved from their start (0 and 1), and were compared with Grad's.
        Assert.Contains(norm["runningMean"]!, v => (double)v != 0);
        Assert.Equal(21, run["stepsTaken"]!.Value<int>());
    }

    [Fact]
    public void ABatchNormRunIsNotShardedOverProcesses()
    {
        if (!PythonScripts.Available(output, $"{nameof(ExportTests)}.{nameof(ABatchNormRunIsNotShardedOverProcesses)}", "torch"))
        {
            return;
        }

        var path = Path.Combine(directory, "sharded.grad");
        File.WriteAllText(path, """
            network n {
              input 2
              dense 4 relu
              norm batch
              dense 1 sigmoid
              loss bce
            }
            data d = circles(n = 8, noise = 0.1, seed = 1)
            run r {
              train n on d
              optimizer sgd(lr = 0.1)
              epochs 2
              batch 4
            }
            """);
        var (script, _) = ExportAndRun(path);
        var (exit, _, error) = PythonScripts.Run(script, "--world-size", "2");
        Assert.NotEqual(0, exit);
        Assert.Contains("run r: norm batch normalises by the statistics of the whole batch", error);
    }

    /// <summary>
    /// A NaN under relu: weights of std 1e160 make layer 2's z ±∞ and layer 3's ∞ − ∞ = NaN. torch.relu keeps the NaN, so
    /// PyTorch's loss is NaN at the initial weights and its run diverges at step 0; Grad's must too (with max(z, 0) it
    /// took a step from a finite loss of 0.25).
    /// </summary>
    [Fact]
    public void AnOverflowingReluNetworkDivergesAtStepZeroAsInPyTorch()
    {
        var run = ExportedRunAgrees(nameof(AnOverflowingReluNetworkDivergesAtStepZeroAsInPyTorch), ReluLikeTorchTests.OverflowingNetwork + """

            data pts = spirals(n = 40)

            run fit {
              train blow on pts
              optimizer sgd(lr = 0.01)
              epochs 5
            }
            """);
        if (run is null)
        {
            return;
        }

        Assert.Equal("diverged", (string)run["stopReason"]!);
        Assert.Equal(0, (int)run["stepsTaken"]!);
        Assert.Equal("NaN", (string)run["trace"]![0]!["loss"]!);
    }

    /// <summary>Writes the file, exports it, runs the script with <c>--check</c> against <c>grad run --json</c>; returns the script's first run (null: skipped, PyTorch is missing).</summary>
    private JToken? ExportedRunAgrees(string test, string text)
    {
        if (!PythonScripts.Available(output, $"{nameof(ExportTests)}.{test}", "torch"))
        {
            return null;
        }

        var path = Path.Combine(directory, test + ".grad");
        File.WriteAllText(path, text);
        var (script, gradJson) = ExportAndRun(path);
        AssertAgrees(script, gradJson);
        return JObject.Parse(File.ReadAllText(Path.Combine(directory, "torch.json")))["runs"]![0]!;
    }

    [Fact]
    public void TwoProcessesGetTheOneProcessWeights()
    {
        if (!PythonScripts.Available(output, $"{nameof(ExportTests)}.{nameof(TwoProcessesGetTheOneProcessWeights)}", "torch"))
        {
            return;
        }

        var (script, gradJson) = ExportAndRun(WriteMinibatchFile(), "--run", "classify");
        var one = Path.Combine(directory, "one.json");
        var two = Path.Combine(directory, "two.json");
        AssertSucceeds(PythonScripts.Run(script, "--json", one));
        AssertSucceeds(PythonScripts.Run(script, "--world-size", "2", "--json", two, "--check", gradJson));

        var single = FinalWeights(one);
        var parallel = FinalWeights(two);
        Assert.Equal(single.Count, parallel.Count);
        Assert.Equal(2 * 8 + 8 + 8 * 6 + 6 + 6 * 3 + 3, single.Count);
        for (var i = 0; i < single.Count; i++)
        {
            Assert.True(Math.Abs(single[i] - parallel[i]) <= 1e-10 * Math.Abs(single[i]) + 1e-15, $"weight {i}: {single[i]} in one process, {parallel[i]} in two");
        }
    }

    [Fact]
    public void CheckNamesTheFirstMismatch()
    {
        if (!PythonScripts.Available(output, $"{nameof(ExportTests)}.{nameof(CheckNamesTheFirstMismatch)}", "torch"))
        {
            return;
        }

        var (script, gradJson) = ExportAndRun(Repo.PathOf("examples/seed.grad"), "--run", "deep");
        var json = JObject.Parse(File.ReadAllText(gradJson));
        var loss = (JValue)json["runs"]!.Single(run => (string)run["name"]! == "deep")["trace"]![5]!["loss"]!;
        loss.Value = (double)loss * (1 + 1e-9);
        File.WriteAllText(gradJson, json.ToString());

        var (exit, _, error) = PythonScripts.Run(script, "--check", gradJson);
        Assert.Equal(1, exit);
        Assert.Contains("mismatch: runs[deep].trace[5].loss:", error);
    }

    [Fact]
    public void CheckComparesAnArraysNumbersRelativeToItsLargest()
    {
        if (!PythonScripts.Available(output, $"{nameof(ExportTests)}.{nameof(CheckComparesAnArraysNumbersRelativeToItsLargest)}", "torch"))
        {
            return;
        }

        var (script, gradJson) = ExportAndRun(WriteMinibatchFile(), "--run", "classify");
        string WithWeight(Func<IReadOnlyList<JValue>, JValue> pick, Func<double, double, double> change)
        {
            var json = JObject.Parse(File.ReadAllText(gradJson));
            var weights = json["runs"]!.Single(run => (string)run["name"]! == "classify")["final"]!["network"]!["layers"]![0]!["weights"]!;
            var values = weights.SelectMany(row => row).Cast<JValue>().ToList();
            var largest = values.Max(v => Math.Abs((double)v));
            var chosen = pick(values);
            chosen.Value = change((double)chosen, largest);
            var path = Path.Combine(directory, $"changed-{Guid.NewGuid():N}.json");
            File.WriteAllText(path, json.ToString());
            return path;
        }

        // The layer's largest weight 1e-9 of itself off: a mismatch, as a number on its own would be.
        var largestOff = WithWeight(values => values.MaxBy(v => Math.Abs((double)v))!, (w, _) => w * (1 + 1e-9));
        var (exit, _, error) = PythonScripts.Run(script, "--check", largestOff);
        Assert.Equal(1, exit);
        Assert.Contains("mismatch: runs[classify].final.network.layers[0].weights[", error);

        // Its smallest weight off by half of 1e-10 of the largest: more than 1e-10 of itself, but
        // within the matrix's rounding (relative to the array's largest, as norm-wise errors are).
        var smallestOff = WithWeight(values =>
        {
            var smallest = values.MinBy(v => Math.Abs((double)v))!;
            Assert.True(Math.Abs((double)smallest) < 0.25 * values.Max(v => Math.Abs((double)v)), "the layer's weights must differ in size for this test");
            return smallest;
        }, (w, largest) => w + 0.5e-10 * largest);
        var agrees = PythonScripts.Run(script, "--check", smallestOff);
        AssertSucceeds(agrees);
        Assert.Contains("agrees with", agrees.Error);
    }

    [Fact]
    public void AnUnknownRunIsAnError()
    {
        var stderr = new StringWriter();
        var exit = CommandLine.Run(["export", Repo.PathOf("examples/seed.grad"), "--to", "pytorch", "--run", "nope"], new StringWriter(), stderr);
        Assert.Equal(CommandLine.FileHasErrors, exit);
        Assert.Contains("the file has no run 'nope' (its runs are plain, early, adaptive, deep)", stderr.ToString());
    }

    [Theory]
    [InlineData("--to", "tensorflow", "cannot export to 'tensorflow'")]
    [InlineData("--run", "deep", "missing --to pytorch")]
    public void ABadCommandLineIsAUsageError(string flag, string value, string message)
    {
        var stderr = new StringWriter();
        var exit = CommandLine.Run(["export", Repo.PathOf("examples/seed.grad"), flag, value], new StringWriter(), stderr);
        Assert.Equal(CommandLine.UsageError, exit);
        Assert.Contains(message, stderr.ToString());
    }

    private string WriteMinibatchFile()
    {
        var rows = Enumerable.Range(0, 18).Select(i => $"{Math.Cos(i * 0.7):R},\"{(i % 3 == 0 ? "b, quoted" : i % 3 == 1 ? "a" : "c")}\",{Math.Sin(i * 1.3):R}");
        File.WriteAllText(Path.Combine(directory, "table.csv"), "x1,label,x2\n" + string.Join("\n", rows) + "\n\n");
        var path = Path.Combine(directory, "minibatch.grad");
        File.WriteAllText(path, MinibatchFile);
        return path;
    }

    /// <summary>Exports the file (with any extra export arguments) and runs Grad on it; returns the script and Grad's JSON.</summary>
    private (string Script, string GradJson) ExportAndRun(string grad, params string[] exportArgs)
    {
        var name = Path.GetFileNameWithoutExtension(grad);
        var script = Path.Combine(directory, name + ".py");
        var gradJson = Path.Combine(directory, name + ".grad.json");
        var stderr = new StringWriter();
        Assert.True(CommandLine.Run(["export", grad, "--to", "pytorch", "-o", script, .. exportArgs], new StringWriter(), stderr) == 0, stderr.ToString());
        Assert.True(CommandLine.Run(["run", grad, "--json", gradJson], new StringWriter(), stderr) == 0, stderr.ToString());
        return (script, gradJson);
    }

    /// <summary>The script's --check passes; its JSON has Grad's runs (or the one <paramref name="run"/> exported), steps and stop reasons.</summary>
    private void AssertAgrees(string script, string gradJson, string? run = null)
    {
        var ours = Path.Combine(directory, "torch.json");
        var result = PythonScripts.Run(script, "--json", ours, "--check", gradJson);
        AssertSucceeds(result);
        Assert.Contains("agrees with", result.Error);

        var grad = JObject.Parse(File.ReadAllText(gradJson))["runs"]!.Where(r => run is null || (string)r["name"]! == run).ToList();
        var torch = JObject.Parse(File.ReadAllText(ours))["runs"]!;
        Assert.Equal(grad.Select(r => (string)r["name"]!), torch.Select(r => (string)r["name"]!));
        Assert.Equal(grad.Select(r => $"{r["stepsTaken"]} {r["stopReason"]} {r["trace"]!.Count()}"), torch.Select(r => $"{r["stepsTaken"]} {r["stopReason"]} {r["trace"]!.Count()}"));
    }

    private void AssertSucceeds((int Exit, string Out, string Error) result)
    {
        output.WriteLine(result.Error);
        Assert.True(result.Exit == 0, $"exit {result.Exit}: {result.Error}");
    }

    /// <summary>Every final weight and bias of the first run, in order.</summary>
    private static List<double> FinalWeights(string json)
    {
        var run = JObject.Parse(File.ReadAllText(json))["runs"]![0]!;
        return [.. run["final"]!["network"]!["layers"]!.SelectMany(layer => layer["weights"]!.SelectMany(row => row.Select(v => (double)v)).Concat(layer["bias"]!.Select(v => (double)v)))];
    }
}

/// <summary>Costs rendered as Python: parentheses exactly where Python's precedence differs from the tree.</summary>
public sealed class TorchCostTests
{
    [Theory]
    [InlineData("-x^2", "-x ** 2.0")]
    [InlineData("(-x)^2", "(-x) ** 2.0")]
    [InlineData("x^y^2", "x ** y ** 2.0")]
    [InlineData("(x^y)^2", "(x ** y) ** 2.0")]
    [InlineData("x - (y - 1)", "x - (y - 1.0)")]
    [InlineData("(x - y) - 1", "x - y - 1.0")]
    [InlineData("x / (y * 2)", "x / (y * 2.0)")]
    [InlineData("2^-x * sigmoid(y + 1)", "2.0 ** -x * torch.sigmoid(y + 1.0)")]
    [InlineData("softplus(x) + k * lambda", "F.softplus(x) + 0.5 * lambda_")]
    public void RendersWithPythonPrecedence(string body, string expected)
    {
        var parameters = body.Contains("lambda", StringComparison.Ordinal) ? "x, lambda" : "x, y";
        var compilation = Grad.Language.Compilation.Create($"let k = 0.5\ncost f({parameters}) = {body}\n", "cost.grad");
        Assert.False(compilation.HasErrors, string.Join("; ", compilation.Diagnostics.Select(d => d.Message)));
        var definition = Export.TorchCost.Define(compilation.Program.Costs.Single());
        Assert.Equal($"def cost_f({parameters.Replace("lambda", "lambda_", StringComparison.Ordinal)}):\n    return {expected}\n", definition);
    }
}
