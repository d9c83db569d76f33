using Grad.Cli;

namespace Grad.Runtime.Tests;

/// <summary><c>grad run/inspect FILE --plot DIR</c> end to end: every chart as PNG and SVG, and the index page.</summary>
public sealed class ChartsCliTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("grad-plot-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static readonly string[] SeedCharts =
    [
        "bowl-contour", "bowl-cost", "plain-gradient", "early-gradient", "adaptive-gradient",
        "point-loss", "chain-flow", "deep-heatmap",
        // deep's health (docs/training.md): 9 sigmoid layers, histograms of 8 of them.
        "deep-units", "deep-updates", "deep-sharpness",
        .. new[] { 1, 2, 3, 4, 6, 7, 8, 9 }.SelectMany(l => new[] { $"deep-delta-{l}", $"deep-weights-{l}" }),
    ];

    private static (int Exit, string Out, string Error) Grad(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void RunPlotWritesEveryChartOfTheSeedAsPngAndSvgWithAnIndex()
    {
        var (exit, output, error) = Grad("run", Repo.PathOf("examples/seed.grad"), "--plot", directory);
        Assert.Equal(0, exit);
        Assert.Contains("run plain", output, StringComparison.Ordinal);

        var expected = SeedCharts.SelectMany(stem => new[] { stem + ".png", stem + ".svg" }).Append("index.html").Order().ToList();
        Assert.Equal(expected, Directory.GetFiles(directory).Select(Path.GetFileName).Order());
        foreach (var name in expected)
        {
            var path = Path.Combine(directory, name);
            Assert.True(new FileInfo(path).Length > 1000, $"{name} is (nearly) empty");
        }

        // One line for all the files: the index page, which links every chart.
        Assert.Equal($"grad: wrote {Path.Combine(directory, "index.html")} ({SeedCharts.Length} charts, PNG and SVG)", error.Trim());

        foreach (var stem in SeedCharts)
        {
            var png = File.ReadAllBytes(Path.Combine(directory, stem + ".png"));
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(directory, stem + ".svg")), StringComparison.Ordinal);
        }

        var index = File.ReadAllText(Path.Combine(directory, "index.html"));
        Assert.StartsWith("<!DOCTYPE html>", index, StringComparison.Ordinal);
        foreach (var stem in SeedCharts)
        {
            Assert.Contains($"<img src=\"{stem}.svg\"", index, StringComparison.Ordinal);
            Assert.Contains($"<a href=\"{stem}.png\">", index, StringComparison.Ordinal);
        }

        // The run summaries: steps, stop reason, final cost or loss, parameters.
        Assert.Contains("<td>plain</td><td>minimize bowl</td><td>sgd(lr = 0.5)</td><td class=\"number\">1000</td><td>steps</td>", index, StringComparison.Ordinal);
        Assert.Contains("<td>early</td><td>minimize bowl</td><td>sgd(lr = 0.5)</td><td class=\"number\">2</td><td>until</td>", index, StringComparison.Ordinal);
        Assert.Contains("w1 = 0.367695", index, StringComparison.Ordinal);
        Assert.Contains("<td>deep</td><td>train chain on point</td>", index, StringComparison.Ordinal);
        Assert.DoesNotContain("http", index, StringComparison.Ordinal);
    }

    [Fact]
    public void InspectPlotWritesEachNetworksGradientFlow()
    {
        var (exit, _, _) = Grad("inspect", Repo.PathOf("examples/seed.grad"), "--plot", directory);
        Assert.Equal(0, exit);
        Assert.Equal(["chain-flow.png", "chain-flow.svg", "index.html"], Directory.GetFiles(directory).Select(Path.GetFileName).Order());
        Assert.All(Directory.GetFiles(directory), path => Assert.True(new FileInfo(path).Length > 1000, path));
        var index = File.ReadAllText(Path.Combine(directory, "index.html"));
        Assert.Contains("<img src=\"chain-flow.svg\"", index, StringComparison.Ordinal);
        Assert.Contains("<td>chain</td>", index, StringComparison.Ordinal);
        Assert.Contains("vanishing", index, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bowl.grad")]
    [InlineData("rosenbrock.grad")]
    [InlineData("deep_chain.grad")]
    [InlineData("spirals.grad")]
    public void ThePictureExamplesCheckWithoutErrors(string name)
    {
        // Their findings (deep_chain's vanishing and exploding chains, rosenbrock's lr above 2/λmax) are the point of the pictures.
        var (exit, output, error) = Grad("check", Repo.PathOf(Path.Combine("examples", name)));
        Assert.Equal(0, exit);
        Assert.Equal("", error);
        Assert.DoesNotContain(": error ", output, StringComparison.Ordinal);
        Assert.All(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches(@": warning GRAD05\d\d: |^  also verified: ", line));
        var (exitNoAnalysis, quiet, _) = Grad("check", Repo.PathOf(Path.Combine("examples", name)), "--no-analysis");
        Assert.Equal((0, ""), (exitNoAnalysis, quiet));
        var (strict, _, _) = Grad("check", Repo.PathOf(Path.Combine("examples", name)), "--warnings-as-errors");
        Assert.Equal(output.Length > 0 ? 1 : 0, strict);
    }

    [Fact]
    public void DivergedRunsAreDrawnWithoutBreakingTheOtherCharts()
    {
        var file = Path.Combine(directory, "wild.grad");
        File.WriteAllText(file, """
            cost f(x) = x^2
            run boom {
              minimize f from x = 1
              optimizer sgd(lr = 10)
              steps 1000
            }
            cost h(a, b) = (a*b - 1)^2
            run blow {
              minimize h from a = 3, b = 3
              optimizer sgd(lr = 1)
              steps 100
            }
            run calm {
              minimize h from a = 3, b = 3
              optimizer sgd(lr = 0.001)
              steps 100
            }
            """);
        var plots = Path.Combine(directory, "plots");
        var (exit, output, error) = Grad("run", file, "--plot", plots);
        Assert.Equal(0, exit);
        Assert.Contains("diverged", output, StringComparison.Ordinal);
        Assert.DoesNotContain("could not draw", error, StringComparison.Ordinal);
        string[] stems = ["f-profile", "f-cost", "boom-gradient", "h-contour", "h-cost", "blow-gradient", "calm-gradient"];
        Assert.Equal(stems.SelectMany(s => new[] { s + ".png", s + ".svg" }).Append("index.html").Order(), Directory.GetFiles(plots).Select(Path.GetFileName).Order());
        Assert.All(Directory.GetFiles(plots), path => Assert.True(new FileInfo(path).Length > 1000, path));
    }

    [Fact]
    public void ADirectoryThatCannotBeWrittenIsReportedAfterTheResults()
    {
        var blocker = Path.Combine(directory, "taken");
        File.WriteAllText(blocker, "a file, not a directory");
        var (exit, output, error) = Grad("run", Repo.PathOf("examples/seed.grad"), "--plot", blocker);
        Assert.Equal(0, exit);
        Assert.Contains("run plain", output, StringComparison.Ordinal);
        Assert.Contains($"grad: cannot write the charts to {blocker}", error, StringComparison.Ordinal);
    }
}
