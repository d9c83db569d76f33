using Grad.Cli;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Tests;

/// <summary><c>grad run</c> and <c>grad inspect</c> end to end, through the same entry point as the executable.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("grad-cli-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private (int Exit, string Out, string Error) Grad(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void RunJsonHasTheLanguageShape()
    {
        var (exit, output, _) = Grad("run", Repo.PathOf("examples/seed.grad"), "--json", "-");
        Assert.Equal(0, exit);
        var json = JObject.Parse(output);
        Assert.EndsWith("seed.grad", (string)json["file"]!);
        // The file's static findings: only the chain's vanishing δ (on its name, line 26).
        var diagnostics = (JArray)json["diagnostics"]!;
        Assert.Equal(["GRAD0500"], diagnostics.Select(d => (string)d["code"]!));
        Assert.Equal(25, (int)diagnostics[0]["range"]!["start"]!["line"]!);
        Assert.Equal("warning", (string)diagnostics[0]["severity"]!);
        var runs = (JArray)json["runs"]!;
        Assert.Equal(4, runs.Count);

        // LANGUAGE.md's seed: a small gradient is not a minimum (plain), small steps are not one either (early).
        Assert.Equal(["GRAD0505"], runs[0]["findings"]!.Select(f => (string)f["code"]!));
        Assert.Equal(["GRAD0503"], runs[1]["findings"]!.Select(f => (string)f["code"]!));
        Assert.Empty((JArray)runs[2]["findings"]!);
        Assert.Equal(1000, (int)runs[0]["findings"]![0]!["step"]!);
        Assert.Equal(16, (int)runs[1]["findings"]![0]!["range"]!["start"]!["line"]!);

        var plain = (JObject)runs[0];
        Assert.Equal(["name", "kind", "cost", "optimizer", "stepsTaken", "stopReason", "final", "findings", "trace"], plain.Properties().Select(p => p.Name));
        Assert.Equal("minimize", (string)plain["kind"]!);
        Assert.True(JToken.DeepEquals(JToken.Parse("""{"name": "sgd", "lr": 0.5, "momentum": 0.0, "dampening": 0.0, "nesterov": false, "weight_decay": 0.0}"""), plain["optimizer"]), plain["optimizer"]!.ToString());
        Assert.Equal(1000, (int)plain["stepsTaken"]!);
        Assert.Equal("steps", (string)plain["stopReason"]!);
        Assert.Equal(0.367695424770964, (double)plain["final"]!["params"]!["w1"]!, 12);
        Assert.Equal(0.002 * (double)plain["final"]!["params"]!["w1"]!, (double)plain["final"]!["gradient"]!["w1"]!, 15);
        var step0 = plain["trace"]![0]!;
        Assert.Equal(0, (int)step0["step"]!);
        Assert.Equal(1.001, (double)step0["cost"]!);
        Assert.Equal(2.0, (double)step0["gradient"]!["w2"]!);

        var early = (JObject)runs[1];
        Assert.Equal("until", (string)early["stopReason"]!);
        Assert.Equal(2, (int)early["stepsTaken"]!);

        var deep = (JObject)runs[3];
        Assert.Equal(["name", "kind", "network", "data", "optimizer", "stepsTaken", "stopReason", "stepsPerEpoch", "final", "findings", "layers", "trace", "histograms"], deep.Properties().Select(p => p.Name));
        Assert.Equal(["loss", "dataLoss", "accuracy", "network"], ((JObject)deep["final"]!).Properties().Select(p => p.Name));
        Assert.Equal(JTokenType.Null, deep["final"]!["accuracy"]!.Type);
        // One sample, full batch: the loss over the data set is the final batch loss after the last update.
        Assert.Equal((double)deep["trace"]!.Last!["loss"]!, (double)deep["final"]!["dataLoss"]!, 15);
        Assert.Equal("train", (string)deep["kind"]!);
        var layer = (JObject)deep["layers"]![0]!;
        Assert.Equal(["index", "units", "activation", "label", "deltaNorm", "weightGradNorm"], layer.Properties().Select(p => p.Name));
        Assert.Equal(JTokenType.Null, layer["label"]!.Type);
        Assert.Equal("out", (string)deep["layers"]![8]!["label"]!);
        Assert.Equal(["initial", "final"], ((JObject)layer["deltaNorm"]!).Properties().Select(p => p.Name));
        var trace = (JArray)deep["trace"]!;
        Assert.Equal(101, trace.Count);
        Assert.Equal(9, ((JArray)trace[0]["deltaNorms"]!).Count);
        Assert.Equal(9, ((JArray)trace[0]["weightGradNorms"]!).Count);

        // Per-layer health (docs/training.md): every point has the fractions, points after step 0 the update ratios, a few the sharpness.
        Assert.All(trace, point => Assert.Equal(9, ((JArray)point["deadFractions"]!).Count));
        Assert.Null(trace[0]["updateRatios"]);
        Assert.Equal(9, ((JArray)trace[1]["updateRatios"]!).Count);
        Assert.Equal([0, 12, 25, 38, 50, 62, 75, 88, 100], trace.Where(p => p["sharpness"] is not null).Select(p => (int)p["step"]!));
        Assert.Equal(2 / 0.1, (double)trace[0]["sharpnessLimit"]!, 12);
        Assert.Equal(5 * 8 * 2, ((JArray)deep["histograms"]!).Count);
        Assert.True((double)deep["final"]!["loss"]! < (double)trace[0]["loss"]!);
    }

    /// <summary>Threads share only the large matrix products, cut into fixed bands: every number is the same bit for bit.</summary>
    [Fact]
    public void ThreadCountChangesNoBitOfTheResults()
    {
        var path = Write("wide.grad", """
            network wide {
              input 2
              dense 160 tanh
              dense 160 relu
              dense 3 softmax
              init xavier_uniform
              loss cross_entropy
              seed 4
            }
            data blobs = gaussians(n = 300, classes = 3, spread = 0.5, seed = 1)
            run fit {
              train wide on blobs
              optimizer adam(lr = 0.01)
              steps 6
            }
            """);
        var (oneExit, one, _) = Grad("run", path, "--json", "-", "--threads", "1");
        var (twoExit, two, _) = Grad("run", path, "--json", "-", "--threads", "2");
        Assert.Equal(0, oneExit);
        Assert.Equal(0, twoExit);
        Assert.True((300L * 160 * 160) >= Numerics.Gemm.ParallelWork, "the hidden product must be large enough to be shared");
        Assert.Equal(one.Replace(path, ""), two.Replace(path, ""));
        Assert.Equal(6, (int)JObject.Parse(one)["runs"]![0]!["stepsTaken"]!);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    [InlineData("-1")]
    public void ThreadsMustBeAPositiveWholeNumber(string value)
    {
        var (exit, _, error) = Grad("run", Repo.PathOf("examples/seed.grad"), "--threads", value);
        Assert.Equal(CommandLine.UsageError, exit);
        Assert.Contains($"--threads needs a whole number from 1 to {CommandOptions.MaxThreads}, got '{value}'", error);
    }

    [Fact]
    public void DivergenceIsReportedWithNonFiniteNumbersAsStrings()
    {
        var path = Write("boom.grad", """
            cost f(x) = x^2
            run boom {
              minimize f from x = 1
              optimizer sgd(lr = 10)
              steps 1000
            }
            """);
        var (exit, output, _) = Grad("run", path, "--json", "-");
        Assert.Equal(0, exit);
        var run = JObject.Parse(output)["runs"]![0]!;
        Assert.Equal("diverged", (string)run["stopReason"]!);
        Assert.Equal("Infinity", (string)run["final"]!["cost"]!);
        var steps = (int)run["stepsTaken"]!;
        Assert.Equal(steps, (int)run["trace"]!.Last!["step"]!);

        var (_, human, _) = Grad("run", path);
        Assert.Contains($"diverged at step {steps}", human, StringComparison.Ordinal);
    }

    [Fact]
    public void FileWithErrorsPrintsDiagnosticsAndRunsNothing()
    {
        var path = Write("bad.grad", """
            run r {
              minimize nothing from x = 1
              optimizer sgd(lr = 0.1)
            }
            """);
        var (exit, output, _) = Grad("run", path);
        Assert.Equal(1, exit);
        Assert.Matches(@"bad\.grad:2:\d+: error GRAD\d{4}: ", output);
        Assert.DoesNotContain("run r:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void CsvProblemsBecomeDiagnosticsAtTheDataDeclaration()
    {
        Write("bad.csv", "a,b,label\n1,2,x\n3,oops,y\n");
        var path = Write("csv.grad", """
            network n {
              input 2
              dense 2 softmax
              loss cross_entropy
            }

            data d = csv("bad.csv", target = "label")

            run r {
              train n on d
              optimizer sgd(lr = 0.1)
              steps 10
            }
            """);
        var (exit, output, _) = Grad("run", path);
        Assert.Equal(1, exit);
        Assert.Contains("csv.grad:7:1: error GRAD0400: bad.csv:3: column 'b' has the non-numeric value 'oops'", output, StringComparison.Ordinal);

        var (jsonExit, json, _) = Grad("run", path, "--json", "-");
        Assert.Equal(1, jsonExit);
        var diagnostic = JObject.Parse(json)["diagnostics"]![0]!;
        Assert.Equal("GRAD0400", (string)diagnostic["code"]!);
        Assert.Equal(6, (int)diagnostic["range"]!["start"]!["line"]!);
        Assert.Equal(0, (int)diagnostic["range"]!["start"]!["character"]!);
    }

    [Fact]
    public void CsvWithATextTargetTrainsOnItsOneHotEncoding()
    {
        Write("iris.csv", "length,width,species\n1.0,0.5,setosa\n3.0,1.5,virginica\n2.0,1.0,versicolor\n1.1,0.4,setosa\n");
        var path = Write("iris.grad", """
            network n {
              input 2
              dense 4 tanh
              dense 3 softmax
              loss cross_entropy
            }
            data flowers = csv("iris.csv", target = "species")
            run r {
              train n on flowers
              optimizer adam(lr = 0.05)
              epochs 50
            }
            """);
        var (exit, output, error) = Grad("run", path, "--json", "-");
        Assert.True(exit == 0, output + error);
        var run = JObject.Parse(output)["runs"]![0]!;
        Assert.Equal(50, (int)run["stepsTaken"]!);
        Assert.True((double)run["final"]!["loss"]! < (double)run["trace"]![0]!["loss"]!);
    }

    [Fact]
    public void InspectPrintsEveryNetworksTableAndJson()
    {
        var path = Write("nets.grad", """
            network deep {
              input 3
              repeat 6 { dense 4 sigmoid }
              dense 1 sigmoid
              init normal(mean = 0, std = 0.5)
              loss mse
            }
            network lonely {
              input 2
              dense 3 relu
              dense 2 softmax as probabilities
              loss cross_entropy
              seed 5
            }
            """);
        var (exit, output, _) = Grad("inspect", path);
        Assert.Equal(0, exit);
        Assert.Contains("network deep: initial weights on one seeded standard-normal sample", output, StringComparison.Ordinal);
        Assert.Contains("vanishing gradient", output, StringComparison.Ordinal);
        Assert.Contains("2 probabilities", output, StringComparison.Ordinal);

        var (jsonExit, json, _) = Grad("inspect", path, "--json", "-");
        Assert.Equal(0, jsonExit);
        var networks = (JArray)JObject.Parse(json)["networks"]!;
        Assert.Equal(["deep", "lonely"], networks.Select(n => (string)n["name"]!));
        Assert.Equal("vanishing", (string)networks[0]["verdict"]!);
        var layers = (JArray)networks[0]["layers"]!;
        Assert.Equal(7, layers.Count);
        Assert.Equal(["index", "units", "activation", "label", "deltaNorm", "weightGradNorm"], ((JObject)layers[0]).Properties().Select(p => p.Name));
        Assert.True((double)layers[0]["deltaNorm"]! < (double)layers[6]["deltaNorm"]!);
    }
}
