using System.Text.RegularExpressions;
using Grad.LanguageServer.Tests.Infrastructure;

namespace Grad.LanguageServer.Tests;

/// <summary>stdout is the protocol channel: no server code writes to the console except through the protocol.</summary>
public sealed partial class StdoutHygieneTests
{
    [Fact]
    public void No_server_source_writes_to_stdout()
    {
        var offenders = Directory.EnumerateFiles(Path.Combine(Repo.Root, "server", "Grad.LanguageServer"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => File.ReadAllLines(path).Select((line, index) => (path, line, index)))
            .Where(x => ConsoleOutput().IsMatch(x.line))
            .Select(x => $"{Path.GetFileName(x.path)}:{x.index + 1}: {x.line.Trim()}")
            .ToArray();
        Assert.Empty(offenders);
    }

    // Console.Write/WriteLine and Console.Out; Program.cs redirects Console.Out to stderr with SetOut, which is allowed.
    [GeneratedRegex(@"Console\.(Write|WriteLine|Out)\b")]
    private static partial Regex ConsoleOutput();
}
