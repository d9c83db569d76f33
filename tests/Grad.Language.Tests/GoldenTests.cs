using Grad.Language.Diagnostics;

namespace Grad.Language.Tests;

/// <summary>
/// Golden cases: a folder per case under Cases/ with <c>main.grad</c> and its baselines.
/// Run with <c>GRAD_UPDATE_BASELINES=1</c> to rewrite them, then review the diff.
/// </summary>
public class GoldenTests
{
    public static readonly string CasesDirectory = Path.Combine(RepoPaths.Root, "tests", "Grad.Language.Tests", "Cases");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var directory in Directory.GetDirectories(CasesDirectory).OrderBy(d => d, StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(directory));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Baselines_match(string name)
    {
        var directory = Path.Combine(CasesDirectory, name);
        var path = Path.Combine(directory, "main.grad");
        var compilation = Compilation.Create(File.ReadAllText(path), path);

        AssertBaseline(Path.Combine(directory, "main.diagnostics"), Baselines.Diagnostics(compilation));
        AssertBaseline(Path.Combine(directory, "main.syntax"), Baselines.Syntax(compilation));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_case_named_after_a_code_reports_that_code(string name)
    {
        if (!name.StartsWith("GRAD", StringComparison.Ordinal))
        {
            return;
        }

        var code = name[..8];
        var path = Path.Combine(CasesDirectory, name, "main.grad");
        var compilation = Compilation.Create(File.ReadAllText(path), path);
        Assert.Contains(compilation.Diagnostics, d => d.Code == code);
    }

    [Fact]
    public void Every_code_the_language_reports_has_a_golden_case()
    {
        var cases = Directory.GetDirectories(CasesDirectory).Select(Path.GetFileName).ToHashSet();
        var languageCodes = DiagnosticCatalog.All.Where(d => string.CompareOrdinal(d.Code, "GRAD0400") < 0).Select(d => d.Code);
        Assert.All(languageCodes, code => Assert.Contains(cases, c => c!.StartsWith(code, StringComparison.Ordinal)));
    }

    private static void AssertBaseline(string baselinePath, string actual)
    {
        if (Environment.GetEnvironmentVariable("GRAD_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(baselinePath, actual);
            return;
        }

        Assert.True(File.Exists(baselinePath), $"missing baseline {baselinePath}: run the tests with GRAD_UPDATE_BASELINES=1 and review the diff");
        Assert.Equal(File.ReadAllText(baselinePath), actual);
    }
}
