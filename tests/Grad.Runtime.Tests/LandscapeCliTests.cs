using System.Text.Json;
using Grad.Cli;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Tests;

/// <summary><c>grad run --landscape N --landscape-dirs random|pca</c>: the JSON's landscape (valid by the schema), the human line, the charts, and bad values as usage errors.</summary>
public sealed class LandscapeCliTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "grad-landscape-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (int Exit, string Out, string Error) Grad(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static readonly string Example = Repo.PathOf("examples/landscape.grad");

    [Fact]
    public void TheJsonHasTheLandscapeAtTheAskedResolutionAndMatchesTheSchema()
    {
        var (exit, output, _) = Grad("run", Example, "--landscape", "7", "--landscape-dirs", "pca", "--json", "-");
        Assert.Equal(0, exit);
        // SchemaTests' one instance: Json.Schema registers a schema by its $id once per process.
        using (var document = JsonDocument.Parse(output))
        {
            Assert.True(SchemaTests.Schema.Evaluate(document.RootElement).IsValid, "the schema accepts the landscape");
        }

        var run = (JObject)JObject.Parse(output)["runs"]![0]!;
        var landscape = run["landscape"]!;
        Assert.Equal(7, (int)landscape["resolution"]!);
        Assert.Equal(7 + 49, (int)landscape["forwardPasses"]!);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => i == 6 ? 1.5 : -0.5 + (2.0 * i / 6)), landscape["line"]!["alphas"]!.Select(a => (double)a));
        Assert.Equal("pca", (string)landscape["plane"]!["directions"]!);
        Assert.Equal(7, landscape["plane"]!["losses"]!.Count());
        Assert.All(landscape["plane"]!["losses"]!, row => Assert.Equal(7, row.Count()));
        // 300 steps, at most 128 path points: step 0, evenly spaced steps, the last one.
        var steps = landscape["path"]!["steps"]!.Select(s => (int)s).ToList();
        Assert.InRange(steps.Count, 64, 128);
        Assert.Equal((0, 300), (steps[0], steps[^1]));
    }

    [Fact]
    public void PlotDrawsTheLandscapeAndTheLineAndTheSummarySaysHowItWasComputed()
    {
        var (exit, output, _) = Grad("run", Example, "--landscape", "9", "--plot", directory);
        Assert.Equal(0, exit);
        Assert.Contains("landscape 9 points on θ0 → θT", output, StringComparison.Ordinal);
        Assert.Contains("9 × 9 on random directions, 90 forward passes", output, StringComparison.Ordinal);
        foreach (var stem in new[] { "walk-landscape", "walk-landscape-line" })
        {
            Assert.True(new FileInfo(Path.Combine(directory, stem + ".png")).Length > 1000, stem);
            Assert.Contains("<svg", File.ReadAllText(Path.Combine(directory, stem + ".svg")), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--landscape", "2", "--landscape needs a whole number from 3 to 99, got '2'")]
    [InlineData("--landscape", "x", "--landscape needs a whole number from 3 to 99, got 'x'")]
    [InlineData("--landscape-dirs", "hessian", "--landscape-dirs needs random or pca, got 'hessian'")]
    public void BadValuesAreUsageErrors(string flag, string value, string message)
    {
        var (exit, _, error) = Grad("run", Example, flag, value);
        Assert.Equal(CommandLine.UsageError, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutTheFlagThereIsNoLandscape()
    {
        var (_, output, _) = Grad("run", Example, "--json", "-");
        Assert.Null(JObject.Parse(output)["runs"]![0]!["landscape"]);
    }
}
