using Grad.Cli;
using Newtonsoft.Json.Linq;
using Xunit.Abstractions;

namespace Grad.Runtime.Tests;

/// <summary>
/// <c>grad export --to dask --sweep NAME</c>: the script trains every member with <c>train(config)</c> on a
/// Dask LocalCluster (Debian's python3-distributed) and writes Grad's JSON, equal to Grad's members to 1e-10.
/// </summary>
public sealed class DaskExportTests(ITestOutputHelper output) : CliScratch("grad-dask-")
{
    // Six members: three learning rates × two data set sizes (a constant that changes the data the members train on).
    private const string SweepFile = """
        let n = 48
        network net {
          input 2
          dense 8 tanh
          dense 1 sigmoid
          init he_normal
          loss bce
          seed 1
        }
        data moons = moons(n = n, noise = 0.1, seed = 2)
        run base {
          train net on moons
          optimizer sgd(lr = 0.1, momentum = 0.9, nesterov = true)
          epochs 4
          batch 10
          seed 3
        }
        sweep grid {
          run base
          vary lr in [0.01, 0.1, 1]
          vary n in [32, 48]
        }
        """;

    [Fact]
    public void TheDaskScriptOnALocalClusterMatchesGradsMembers()
    {
        if (!PythonScripts.Available(output, nameof(TheDaskScriptOnALocalClusterMatchesGradsMembers), "torch", "distributed"))
        {
            return;
        }

        var grad = Write("grid.grad", SweepFile);
        var script = Path.Combine(directory, "grid.py");
        var gradJson = Path.Combine(directory, "grid.grad.json");
        var (exit, _, error) = Grad("export", grad, "--to", "dask", "--sweep", "grid", "-o", script);
        Assert.True(exit == 0, error);
        Assert.Equal(0, Grad("run", grad, "--json", gradJson, "--quiet", "--no-analysis").Exit);

        var daskJson = Path.Combine(directory, "dask.json");
        var result = PythonScripts.Run(script, "--workers", "2", "--json", daskJson, "--check", gradJson);
        output.WriteLine(result.Error);
        Assert.True(result.Exit == 0, $"exit {result.Exit}: {result.Error}");
        Assert.Contains("agrees with", result.Error, StringComparison.Ordinal);

        // Every member came back, in member order, with Grad's sweep, config, steps and data set size.
        var members = JObject.Parse(File.ReadAllText(gradJson))["runs"]!.Where(r => r["sweep"] is not null).ToList();
        var dask = JObject.Parse(File.ReadAllText(daskJson))["runs"]!.ToList();
        Assert.Equal(6, members.Count);
        Assert.Equal(members.Select(r => (string)r["name"]!), dask.Select(r => (string)r["name"]!));
        Assert.All(members.Zip(dask), pair =>
        {
            Assert.Equal("grid", (string)pair.Second["sweep"]!);
            Assert.True(JToken.DeepEquals(pair.First["config"], pair.Second["config"]), $"{pair.First["name"]}: config {pair.Second["config"]}");
            Assert.Equal((int)pair.First["stepsTaken"]!, (int)pair.Second["stepsTaken"]!);
        });
        Assert.Equal((16, 20), ((int)dask[0]["stepsTaken"]!, (int)dask[1]["stepsTaken"]!)); // 4 epochs of n = 32: 4 batches of 10 each; of n = 48: 5

        // And a member whose loss differs in the 9th digit is a mismatch: the check compares to 1e-10.
        var corrupted = JObject.Parse(File.ReadAllText(gradJson));
        var loss = corrupted["runs"]![3]!["final"]!["loss"]!;
        ((JValue)loss).Value = (double)loss * (1 + 1e-9);
        File.WriteAllText(gradJson, corrupted.ToString());
        var mismatch = PythonScripts.Run(script, "--workers", "2", "--check", gradJson);
        Assert.Equal(1, mismatch.Exit);
        Assert.Contains("mismatch: runs[grid[lr=0.1,n=32]].final.loss", mismatch.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainOfAConfigIsTheMembersEntryAndAnUnknownConfigIsRefused()
    {
        if (!PythonScripts.Available(output, nameof(TrainOfAConfigIsTheMembersEntryAndAnUnknownConfigIsRefused), "torch"))
        {
            return;
        }

        var grad = Write("grid.grad", SweepFile);
        var script = Path.Combine(directory, "grid.py");
        Assert.Equal(0, Grad("export", grad, "--to", "dask", "--sweep", "grid", "-o", script).Exit);
        var probe = Write("probe.py", """
            import json, runpy
            ns = runpy.run_path("grid.py", run_name="grid")
            entry = ns["train"]({"lr": 1.0, "n": 48.0})
            print(json.dumps([entry["name"], entry["sweep"], entry["config"], len(ns["CONFIGS"])]))
            try:
                ns["train"]({"lr": 0.5, "n": 48.0})
            except KeyError as e:
                print(e.args[0])
            """);
        var result = PythonScripts.Run(probe);
        Assert.True(result.Exit == 0, result.Error);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("""["grid[lr=1,n=48]", "grid", {"lr": 1.0, "n": 48.0}, 6]""", lines[0]);
        Assert.Equal("""{"lr": 0.5, "n": 48.0} is not a member of sweep grid; its members are CONFIGS""", lines[1]);
    }

    [Theory]
    [InlineData(new[] { "--to", "dask" }, "--to dask needs --sweep NAME")]
    [InlineData(new[] { "--to", "dask", "--sweep", "grid", "--run", "base" }, "--run is for --to pytorch")]
    [InlineData(new[] { "--to", "pytorch", "--sweep", "grid" }, "--sweep is for --to dask")]
    public void ABadCommandLineIsAUsageError(string[] args, string message)
    {
        var grad = Write("grid.grad", SweepFile);
        var (exit, _, error) = Grad(["export", grad, .. args]);
        Assert.Equal(CommandLine.UsageError, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownSweepIsAnError()
    {
        var grad = Write("grid.grad", SweepFile);
        var (exit, _, error) = Grad("export", grad, "--to", "dask", "--sweep", "gird");
        Assert.Equal(CommandLine.FileHasErrors, exit);
        Assert.Contains("the file has no sweep 'gird' (its sweeps are grid)", error, StringComparison.Ordinal);
    }
}
