using Grad.Language.Diagnostics;

namespace Grad.Language.Tests;

public class DocsTests
{
    [Fact]
    public void Every_diagnostic_code_is_documented_with_an_example()
    {
        var docs = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "diagnostics.md"));
        Assert.All(DiagnosticCatalog.All, d =>
        {
            var heading = $"### {d.Code}: {d.Title}";
            Assert.Contains(heading, docs);
            var section = docs[docs.IndexOf(heading, StringComparison.Ordinal)..];
            var next = section.IndexOf("\n### ", 1, StringComparison.Ordinal);
            section = next < 0 ? section : section[..next];
            Assert.True(section.Contains("```grad", StringComparison.Ordinal) || section.Contains("example", StringComparison.OrdinalIgnoreCase), $"{d.Code} has no example");
        });
    }

    [Fact]
    public void Codes_are_unique() =>
        Assert.Equal(DiagnosticCatalog.All.Count, DiagnosticCatalog.All.Select(d => d.Code).Distinct().Count());
}
