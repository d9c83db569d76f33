using Grad.Cli;

namespace Grad.Runtime.Tests;

/// <summary>
/// Golden baselines of the CLI's human output for the samples in tests/schema-samples/: a change of
/// wording or layout shows up as a reviewed diff of <c>NAME.VERB.txt</c> (GRAD_UPDATE_BASELINES=1
/// rewrites them, as for the other baselines).
/// </summary>
public sealed class CliOutputBaselineTests
{
    private static readonly string Samples = Repo.PathOf("tests/schema-samples");

    public static TheoryData<string, string> Cases() => new()
    {
        { "minimize", "run" },
        { "diverge", "run" },
        { "minibatch", "run" },
        { "minibatch", "inspect" },
        { "failed", "run" },
        { "cures", "run" },
        { "errors", "check" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheHumanOutputIsItsBaseline(string sample, string verb)
    {
        var stdout = new StringWriter();
        var exit = CommandLine.Run([verb, Path.Combine(Samples, sample + ".grad")], stdout, new StringWriter());
        var output = $"exit {exit}\n" + stdout.ToString().Replace(Repo.Root.TrimEnd('/') + "/", "", StringComparison.Ordinal);

        var baseline = Path.Combine(Samples, $"{sample}.{verb}.txt");
        if (Environment.GetEnvironmentVariable("GRAD_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(baseline, output);
        }

        Assert.True(File.Exists(baseline), $"{baseline} is missing; run the tests with GRAD_UPDATE_BASELINES=1");
        Assert.Equal(File.ReadAllText(baseline), output);
    }
}
