using System.Text;
using Grad.Language;
using Grad.Language.Text;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;

namespace Grad.LanguageServer.Tests;

/// <summary>
/// Golden baselines of the hovers (with the runtime's analysis): for each example, the hover at the
/// first word of every line and at every declaration's name, in
/// <c>tests/Grad.LanguageServer.Tests/Baselines/NAME.hovers.md</c>. Rewritten by
/// <c>GRAD_UPDATE_BASELINES=1</c> like the CLI's baselines, so that a change of wording or layout is a
/// reviewed diff.
/// </summary>
public sealed class HoverBaselineTests
{
    private static readonly string Directory = Path.Combine(Repo.Root, "tests", "Grad.LanguageServer.Tests", "Baselines");

    public static TheoryData<string> Examples() => new() { "seed.grad", "bowl.grad", "rosenbrock.grad" };

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Hovers_match_their_baseline(string example)
    {
        var path = Path.Combine(Repo.Root, "examples", example);
        var text = File.ReadAllText(path);
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        // Next to the example, so that its data files resolve; a name of its own, so that no other test shares it.
        var uri = new Uri(Path.Combine(Path.GetDirectoryName(path)!, $"hover-{Guid.NewGuid():N}-{example}")).AbsoluteUri;
        await server.OpenAsync(uri, text);
        // The analysis runs the minimize runs in the background (their last result shows in the run's
        // hover): every hover is taken once it has finished, so the baseline does not depend on timing.
        await server.WaitForAnalysisAsync(uri, 1);

        var source = new SourceText(text);
        var compilation = Compilation.Create(text, path);
        var positions = new SortedSet<int>();
        for (var line = 0; line < source.LineStarts.Length; line++)
        {
            var lineText = source.GetLineText(line);
            var indent = lineText.Length - lineText.TrimStart().Length;
            if (lineText.Trim().Length > 0 && !lineText.TrimStart().StartsWith("//", StringComparison.Ordinal))
            {
                positions.Add(source.LineStarts[line] + indent);
            }
        }

        foreach (var declaration in compilation.Syntax.Declarations)
        {
            if (declaration.Name is { } name)
            {
                positions.Add(name.Span.Start);
            }
        }

        var baseline = new StringBuilder($"# Hovers of examples/{example}\n\n");
        foreach (var offset in positions)
        {
            var at = source.GetPosition(offset);
            var hover = await server.HoverAsync(uri, at);
            var line = source.GetLineText(at.Line).Trim();
            baseline.Append($"## {at.Line + 1}:{at.Character + 1} `{line}`\n\n{(hover is null ? "(no hover)" : hover.Trim())}\n\n");
        }

        AssertBaseline(Path.Combine(Directory, $"{Path.GetFileNameWithoutExtension(example)}.hovers.md"), baseline.ToString().Replace(uri, "URI", StringComparison.Ordinal));
    }

    private static void AssertBaseline(string path, string actual)
    {
        if (Environment.GetEnvironmentVariable("GRAD_UPDATE_BASELINES") == "1")
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"missing baseline {path}: run the tests with GRAD_UPDATE_BASELINES=1 and review the diff");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
