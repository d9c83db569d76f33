using System.Diagnostics;

namespace Grad.Runtime.Tests;

/// <summary>
/// The CLI as a .NET tool, as the README installs it: <c>dotnet pack</c>, then
/// <c>dotnet tool install</c> from the local package into a tool path, then <c>grad</c> itself.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("grad-tool-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static string Configuration { get; } =
        AppContext.BaseDirectory.Replace('\\', '/').Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";

    [Fact]
    public async Task PackedToolInstallsIntoAToolPathAndRunsAsGrad()
    {
        var packages = Path.Combine(directory, "packages");
        var tools = Path.Combine(directory, "tools");
        // --no-build: the tests already built the CLI in this configuration.
        var pack = await RunAsync("dotnet", ["pack", Repo.PathOf("runtime/Grad.Cli/Grad.Cli.csproj"), "--no-build", "-c", Configuration, "-o", packages, "-nologo"]);
        Assert.True(pack.Exit == 0, pack.Output);
        Assert.True(File.Exists(Path.Combine(packages, "Grad.Cli.0.1.0.nupkg")), string.Join(", ", Directory.GetFiles(packages)));

        // Its own package cache: the user's may hold an older Grad.Cli 0.1.0 that would be installed instead.
        var install = await RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", packages, "--ignore-failed-sources", "Grad.Cli"], ("NUGET_PACKAGES", Path.Combine(directory, "cache")));
        Assert.True(install.Exit == 0, install.Output);

        var grad = Path.Combine(tools, OperatingSystem.IsWindows() ? "grad.exe" : "grad");
        var version = await RunAsync(grad, ["--version"]);
        Assert.Equal(0, version.Exit);
        Assert.Equal("grad 0.1.0", version.Output.Trim());

        var check = await RunAsync(grad, ["check", Repo.PathOf("examples/seed.grad")]);
        Assert.Equal(0, check.Exit);
    }

    private async Task<(int Exit, string Output)> RunAsync(string fileName, string[] arguments, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in 5 minutes");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
