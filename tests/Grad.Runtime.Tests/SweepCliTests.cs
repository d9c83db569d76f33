using System.Globalization;
using Grad.Language;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Tests;

/// <summary>Sweeps (v2) through <c>grad run</c>: members in parallel, the same bits for any <c>--jobs</c>, a table best first, Grad's JSON.</summary>
public sealed class SweepCliTests() : CliScratch("grad-sweep-")
{
    // Six members (3 learning rates × 2 inits) of a small mini-batch run on the moons.
    internal const string SixMembers = """
        network net {
          input 2
          dense 8 tanh
          dense 1 sigmoid
          loss bce
          seed 1
        }
        data moons = moons(n = 64, noise = 0.1, seed = 2)
        run base {
          train net on moons
          optimizer sgd(lr = 0.1, momentum = 0.5)
          epochs 5
          batch 16
          seed 3
        }
        sweep lrs {
          run base
          vary lr in [0.01, 0.1, 1]
          vary init in [normal(mean = 0, std = 1), he_normal]
        }
        """;

    [Fact]
    public void Six_members_with_one_job_and_with_two_write_byte_identical_json()
    {
        var file = Write("six.grad", SixMembers);
        var one = Path.Combine(directory, "one.json");
        var two = Path.Combine(directory, "two.json");
        Assert.Equal(0, Grad("run", file, "--jobs", "1", "--json", one, "--quiet").Exit);
        Assert.Equal(0, Grad("run", file, "--jobs", "2", "--json", two, "--quiet").Exit);

        Assert.Equal(File.ReadAllBytes(one), File.ReadAllBytes(two));
        var runs = (JArray)JObject.Parse(File.ReadAllText(one))["runs"]!;
        Assert.Equal(
            ["base", "lrs[lr=0.01,init=normal(mean=0,std=1)]", "lrs[lr=0.01,init=he_normal]", "lrs[lr=0.1,init=normal(mean=0,std=1)]",
             "lrs[lr=0.1,init=he_normal]", "lrs[lr=1,init=normal(mean=0,std=1)]", "lrs[lr=1,init=he_normal]"],
            runs.Select(r => (string)r["name"]!));
        Assert.Null(runs[0]["sweep"]);
        Assert.Equal("lrs", (string)runs[1]["sweep"]!);
        Assert.True(JToken.DeepEquals(JObject.Parse("""{"lr": 0.01, "init": "normal(mean=0,std=1)"}"""), runs[1]["config"]));
        Assert.Equal(0.01, (double)runs[1]["optimizer"]!["lr"]!);
        Assert.Equal(0.5, (double)runs[1]["optimizer"]!["momentum"]!);
    }

    [Fact]
    public void Each_member_is_bit_identical_to_running_it_alone_and_the_table_is_best_first()
    {
        var file = Write("six.grad", SixMembers);
        var json = Path.Combine(directory, "sweep.json");
        var (exit, output, _) = Grad("run", file, "--jobs", "2", "--json", json, "--no-analysis");
        Assert.Equal(0, exit);
        var written = ((JArray)JObject.Parse(File.ReadAllText(json))["runs"]!).Skip(1).ToList();

        var sweep = Assert.Single(Compilation.Create(SixMembers).Program.Sweeps);
        Assert.Equal(6, sweep.Members.Length);
        foreach (var (member, entry) in sweep.Members.Zip(written))
        {
            var alone = Runner.Execute(member) with { Member = member.Member };
            var expected = ResultSerializer.ToJson(alone);
            expected.Remove("findings");
            ((JObject)entry).Remove("findings");
            Assert.True(JToken.DeepEquals(expected, entry), $"{member.Name} differs from running it alone");
        }

        // The table: one row per member, final losses ascending, the first row the smallest loss in the JSON.
        var rows = output.Split('\n').SkipWhile(l => !l.StartsWith("sweep lrs:", StringComparison.Ordinal)).Skip(2).TakeWhile(l => l.Trim().Length > 0).ToList();
        Assert.Equal(6, rows.Count);
        var losses = rows.Select(r => double.Parse(r.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(losses.Order(), losses);
        var best = written.MinBy(r => (double)r["final"]!["loss"]!)!;
        Assert.Contains((string)best["name"]!, rows[0], StringComparison.Ordinal);
        Assert.StartsWith("sweep lrs: 6 of 6 members of run base (lr × init), best first by final loss", output.Split('\n').First(l => l.StartsWith("sweep lrs:", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_with_a_sweep_reads_back_as_it_was_written()
    {
        var file = Write("six.grad", SixMembers);
        var json = Path.Combine(directory, "sweep.json");
        Assert.Equal(0, Grad("run", file, "--json", json, "--quiet", "--no-analysis").Exit);
        var report = ResultSerializer.Read(new StringReader(File.ReadAllText(json)));
        var member = report.Runs![1].Member!;
        Assert.Equal("lrs", member.Sweep);
        Assert.Equal([KeyValuePair.Create("lr", (object)0.01), KeyValuePair.Create("init", (object)"normal(mean=0,std=1)")], member.Config.AsEnumerable());
        var rewritten = new StringWriter();
        ResultSerializer.Write(report, rewritten);
        Assert.True(JToken.DeepEquals(JObject.Parse(File.ReadAllText(json)), JObject.Parse(rewritten.ToString())));
    }

    [Fact]
    public void Plot_draws_the_members_loss_curves_and_their_delta_ratios_side_by_side()
    {
        var file = Write("six.grad", SixMembers);
        var plots = Path.Combine(directory, "plots");
        var json = Path.Combine(directory, "sweep.json");
        Assert.Equal(0, Grad("run", file, "--plot", plots, "--json", json, "--quiet", "--no-analysis").Exit);
        Assert.True(File.Exists(Path.Combine(plots, "lrs-sweep-loss.png")));
        Assert.True(File.Exists(Path.Combine(plots, "lrs-sweep-delta.svg")));

        var compilation = Compilation.Create(SixMembers);
        var results = ResultSerializer.Read(new StringReader(File.ReadAllText(json))).Runs!;
        var charts = Charts.ChartSet.FromRuns(compilation.Program, results);
        var loss = charts.Lines.Single(l => l.FileStem == "lrs-sweep-loss");
        Assert.Equal(["lr=0.01, init=normal(mean=0,std=1)", "lr=0.01, init=he_normal", "lr=0.1, init=normal(mean=0,std=1)", "lr=0.1, init=he_normal", "lr=1, init=normal(mean=0,std=1)", "lr=1, init=he_normal"],
            loss.Series.Select(s => s.Name));
        var fifth = (TrainResult)results[5];
        Assert.Equal(fifth.Trace.Select(t => t.Loss), loss.Series[4].Y);
        var delta = charts.Lines.Single(l => l.FileStem == "lrs-sweep-delta");
        Assert.All(delta.Series, s =>
        {
            Assert.Equal([1.0, 2.0], s.X);
            Assert.Equal(1.0, s.Y[^1]);
        });
        Assert.Equal(fifth.Layers[0].DeltaNorm.Final / fifth.Layers[1].DeltaNorm.Final, delta.Series[4].Y[0]);

        // The file's own loss chart keeps the file's run alone (its line, and its smoothed line).
        var own = charts.Lines.Single(l => l.FileStem == "moons-loss").Series;
        Assert.Contains(own, s => s.Name == "base (net)");
        Assert.DoesNotContain(own, s => s.Name.Contains("lrs[", StringComparison.Ordinal) || (s.Group ?? "").Contains("lrs[", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    public void A_bad_jobs_count_is_a_usage_error(string jobs)
    {
        var file = Write("six.grad", SixMembers);
        var (exit, _, error) = Grad("run", file, "--jobs", jobs);
        Assert.Equal(2, exit);
        Assert.Contains($"--jobs needs a whole number from 1 to 256, got '{jobs}'", error, StringComparison.Ordinal);
    }
}
