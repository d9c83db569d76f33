using System.Text.RegularExpressions;

namespace Grad.Runtime.Tests;

/// <summary>The CLI prints every verified fix of a finding: the best in its message, the others under it.</summary>
public sealed partial class VerifiedFixCliTests() : CliScratch("grad-fixes-")
{
    [Fact]
    public void Grad_check_prints_the_cures_of_the_thirty_layer_chain_as_verified_fixes()
    {
        var (exit, output, _) = Grad("check", Repo.PathOf("examples/cures.grad"));
        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        var finding = Array.FindIndex(lines, l => l.Contains("warning GRAD0500: δ vanishes towards the input of `plain`", StringComparison.Ordinal));
        Assert.True(finding >= 0, output);
        var more = int.Parse(MoreFixes().Match(lines[finding]).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var also = lines.Skip(finding + 1).TakeWhile(l => l.StartsWith("  also verified: ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(more, also.Length);
        Assert.Contains(also, l => l.StartsWith("  also verified: wrap in residual blocks: ‖δ¹‖/‖δ³⁰‖ = ", StringComparison.Ordinal));
        Assert.Contains(also, l => l.StartsWith("  also verified: norm layer after each dense: ‖δ¹‖/‖δ⁵⁹‖ = ", StringComparison.Ordinal));

        // The JSON keeps the message alone (the server's message is the same text).
        var (_, json, _) = Grad("check", Repo.PathOf("examples/cures.grad"), "--json", "-");
        Assert.DoesNotContain("also verified", json, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\((\d+) more in the quick fixes\)")]
    private static partial Regex MoreFixes();
}
