namespace Grad.Runtime.Tests;

public class ArchitectureTests
{
    /// <summary>The runtime is a library shared with the language server, whose stdout is the protocol channel.</summary>
    [Fact]
    public void RuntimeNeverWritesToTheConsoleNorUsesSystemRandom()
    {
        var offenders = Directory.EnumerateFiles(Repo.PathOf("runtime/Grad.Runtime"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(path => File.ReadAllText(path) is var text && (text.Contains("Console.", StringComparison.Ordinal) || text.Contains("new Random(", StringComparison.Ordinal) || text.Contains("Random.Shared", StringComparison.Ordinal)))
            .ToList();
        Assert.Empty(offenders);
    }
}
