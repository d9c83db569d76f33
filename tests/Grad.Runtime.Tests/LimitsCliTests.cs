using System.Diagnostics;
using Grad.Cli;

namespace Grad.Runtime.Tests;

/// <summary>The CLI's side of the limits: exit codes and messages for oversized files, <c>--limit</c>, and data paths relative to the .grad file.</summary>
public sealed class LimitsCliTests() : CliScratch("grad-limits-")
{
    private const string Wide = """
        network wide {
          input 1
          dense 65536 relu
          dense 65537 relu
          loss mse
        }
        data d { x: [1] y: [1] }
        run r {
          train wide on d
          optimizer sgd(lr = 0.1)
          steps 1
        }
        """;

    [Theory]
    [InlineData("check")]
    [InlineData("run")]
    [InlineData("inspect")]
    public void An_oversized_network_is_an_error_with_exit_1_before_any_work(string verb)
    {
        var path = Write("wide.grad", Wide);
        var (exit, output, error) = Grad(verb, path);
        Assert.Equal(1, exit);
        Assert.Contains("wide.grad:4:9: error GRAD0340: network wide has 4,295,229,441 parameters up to layer 2, more than the limit of 10,000,000 (parameters); raise it with `--limit parameters=N`", output, StringComparison.Ordinal);
        Assert.Equal("", error);
    }

    [Fact]
    public void Limit_flags_raise_a_limit_and_bad_ones_are_usage_errors()
    {
        var path = Write("steps.grad", "cost bowl(w) = w^2\nrun r {\n  minimize bowl from w = 1\n  optimizer sgd(lr = 0.1)\n  steps 20\n}\n");
        Assert.Equal(0, Grad("check", path).Exit);
        var (exit, output, _) = Grad("check", path, "--limit", "steps=10");
        Assert.Equal(1, exit);
        Assert.Contains("steps.grad:5:3: error GRAD0340: run r takes 20 steps, more than the limit of 10 (steps)", output, StringComparison.Ordinal);
        Assert.Equal(0, Grad("run", path, "--limit", "steps=10", "--limit", "steps=20").Exit);

        var unknown = Grad("check", path, "--limit", "speed=3");
        Assert.Equal(2, unknown.Exit);
        Assert.StartsWith("grad: unknown limit 'speed'; the limits are parameters, layers, dataValues,", unknown.Error, StringComparison.Ordinal);
        Assert.Equal(2, Grad("check", path, "--limit", "steps=-1").Exit);
        Assert.Equal(2, Grad("check", path, "--limit").Exit);
    }

    [Fact]
    public async Task Csv_paths_are_relative_to_the_grad_file_whatever_the_working_directory()
    {
        Write("project/data/points.csv", "a,y\n0,0\n1,1\n");
        var grad = Write("project/fit.grad", """
            network n {
              input 1
              dense 1 sigmoid
              loss mse
            }
            data points = csv("data/points.csv", target = "y")
            run r {
              train n on points
              optimizer sgd(lr = 0.1)
              steps 2
            }
            """);
        Write("data/points.csv", "a,y\nnot,used\n"); // a decoy under the working directory
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "grad.dll"), "run", Path.GetRelativePath(directory, grad)])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await output}{await error}");
        Assert.Contains("run r", await output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_device_named_as_data_is_an_error_not_a_hang()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var path = Write("dev.grad", "data d = csv(\"/dev/zero\", target = \"y\")\ndata e = csv(\"/dev/urandom\", target = \"y\")\n");
        var (exit, output, _) = Grad("check", path);
        Assert.Equal(1, exit);
        Assert.Contains("dev.grad:1:14: error GRAD0323: '/dev/zero' is not a regular file (a device, pipe or socket); Grad reads data only from ordinary files", output, StringComparison.Ordinal);
        Assert.Contains("dev.grad:2:14: error GRAD0323: '/dev/urandom' is not a regular file", output, StringComparison.Ordinal);
    }
}
