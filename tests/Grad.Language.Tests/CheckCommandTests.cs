using Grad.Cli;
using Newtonsoft.Json.Linq;

namespace Grad.Language.Tests;

public class CheckCommandTests
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string Seed => Path.Combine(RepoPaths.Root, "examples", "seed.grad");

    [Fact]
    public void The_seed_checks_without_errors_and_prints_its_finding_like_an_error()
    {
        var (exit, output, _) = Run("check", Seed);
        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"{Seed}:26:9: warning GRAD0500: δ vanishes towards the input of `chain`: ‖δ¹‖/‖δ⁹‖ = ", lines[0], StringComparison.Ordinal);
        Assert.All(lines.Skip(1), line => Assert.StartsWith("  also verified: ", line, StringComparison.Ordinal)); // its other fixes

        Assert.Equal((0, ""), Drop(Run("check", Seed, "--no-analysis")));
        Assert.Equal(1, Run("check", Seed, "--warnings-as-errors").Exit);
    }

    private static (int, string) Drop((int Exit, string Out, string Err) result) => (result.Exit, result.Out);

    [Fact]
    public void Errors_print_file_line_column_code_and_exit_1()
    {
        var file = Path.Combine(GoldenTests.CasesDirectory, "GRAD0100_undefined_name", "main.grad");
        var (exit, output, _) = Run("check", file);
        Assert.Equal(1, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"{file}:2:21: error GRAD0100: 'rat' is not declared; expected a parameter of this cost or a constant; did you mean 'rate'?", lines[0]);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public void Json_has_the_file_and_diagnostics_with_0_based_ranges()
    {
        var file = Path.Combine(GoldenTests.CasesDirectory, "GRAD0102_let_cycle", "main.grad");
        var (exit, output, _) = Run("check", file, "--json", "-");
        Assert.Equal(1, exit);
        var json = JObject.Parse(output);
        Assert.Equal(file, (string?)json["file"]);
        var diagnostic = Assert.Single((JArray)json["diagnostics"]!);
        Assert.Equal("error", (string?)diagnostic["severity"]);
        Assert.Equal("GRAD0102", (string?)diagnostic["code"]);
        Assert.Equal(1, (int)diagnostic["range"]!["start"]!["line"]!);
        Assert.Equal(12, (int)diagnostic["range"]!["start"]!["character"]!);
        Assert.Equal(13, (int)diagnostic["range"]!["end"]!["character"]!);
    }

    [Fact]
    public void Json_can_go_to_a_file_while_the_text_goes_to_stdout()
    {
        var target = Path.Combine(Path.GetTempPath(), $"grad-check-{Guid.NewGuid():N}.json");
        try
        {
            var (exit, output, _) = Run("check", Seed, "--json", target);
            Assert.Equal(0, exit);
            Assert.Contains("warning GRAD0500", output, StringComparison.Ordinal);
            Assert.Equal(["GRAD0500"], ((JArray)JObject.Parse(File.ReadAllText(target))["diagnostics"]!).Select(d => (string)d["code"]!));
        }
        finally
        {
            File.Delete(target);
        }
    }

    [Theory]
    [InlineData]
    [InlineData("check")]
    [InlineData("check", "a.grad", "b.grad")]
    [InlineData("check", "--json")]
    [InlineData("frobnicate", "x.grad")]
    [InlineData("check", "--colour", "x.grad")]
    public void Bad_command_lines_exit_2(params string[] args) => Assert.Equal(2, Run(args).Exit);

    [Fact]
    public void A_missing_file_exits_2_with_a_message()
    {
        var (exit, _, error) = Run("check", "/no/such/file.grad");
        Assert.Equal(2, exit);
        Assert.Contains("file not found: /no/such/file.grad", error);
    }
}
