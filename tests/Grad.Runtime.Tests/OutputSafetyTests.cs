using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grad.Cli;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Tests;

/// <summary>Outputs are never lost or misdirected: atomic writes, --json never over the input, no writes through planted links, SIGTERM like Ctrl-C.</summary>
public sealed class OutputSafetyTests() : CliScratch("grad-outputs-")
{
    private const string Bowl = "cost bowl(w) = w^2\nrun r {\n  minimize bowl from w = 1\n  optimizer sgd(lr = 0.1)\n  steps 10\n}\n";

    [Fact]
    public void Json_refuses_to_overwrite_the_input_file_even_through_a_link()
    {
        var grad = Write("f.grad", Bowl);
        var link = Path.Combine(directory, "link.json");
        File.CreateSymbolicLink(link, grad);
        foreach (var target in new[] { grad, link, Path.Combine(directory, ".", "f.grad") })
        {
            var (exit, _, error) = Grad("run", grad, "--json", target);
            Assert.Equal(2, exit);
            Assert.Contains("would overwrite the input file", error, StringComparison.Ordinal);
            Assert.Equal(Bowl, File.ReadAllText(grad));
        }
    }

    [Fact]
    public void Json_replaces_the_old_file_whole_and_never_writes_through_a_planted_link()
    {
        var grad = Write("f.grad", Bowl);
        var victim = Write("outside/victim.txt", "keep me");
        var json = Path.Combine(directory, "out", "result.json");
        Directory.CreateDirectory(Path.GetDirectoryName(json)!);
        File.CreateSymbolicLink(json, victim);

        Assert.Equal(0, Grad("run", grad, "--json", json).Exit);
        Assert.Equal("keep me", File.ReadAllText(victim));
        Assert.Null(new FileInfo(json).LinkTarget);
        Assert.Equal("r", (string)JObject.Parse(File.ReadAllText(json))["runs"]![0]!["name"]!);
        Assert.Equal(["result.json"], Directory.GetFiles(Path.GetDirectoryName(json)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Plots_never_follow_a_link_out_of_their_folder()
    {
        var grad = Write("f.grad", Bowl);
        var victim = Write("outside/victim.html", "keep me");
        var plots = Path.Combine(directory, "plots");
        Assert.Equal(0, Grad("run", grad, "--plot", plots).Exit);
        var chart = Directory.GetFiles(plots, "*.png").First();
        foreach (var planted in new[] { Path.Combine(plots, "index.html"), chart })
        {
            File.Delete(planted);
            File.CreateSymbolicLink(planted, victim);
        }

        var (exit, _, error) = Grad("run", grad, "--plot", plots);
        Assert.True(exit == 0, error);
        Assert.Equal("keep me", File.ReadAllText(victim));
        Assert.All(Directory.GetFiles(plots), file => Assert.Null(new FileInfo(file).LinkTarget));
        Assert.Contains("<html", File.ReadAllText(Path.Combine(plots, "index.html")), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Directory.GetFiles(plots), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    // Sent from the test as from a shell. (This test was once skipped as "the signal is not observed under
    // xunit": its wait loop built the assertion message with `await error`, which waits for the process's
    // stderr to end, i.e. for grad to finish on its own; the signal then reached a process that was gone.)
    [Fact]
    public async Task Sigterm_stops_like_ctrl_c_prints_what_finished_writes_the_json_and_exits_143()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var grad = Write("long.grad", "cost bowl(w) = w^2\nrun quick {\n  minimize bowl from w = 1\n  optimizer sgd(lr = 0.1)\n  steps 10\n}\n"
            + "run long {\n  minimize bowl from w = 1\n  optimizer sgd(lr = 1e-12)\n  steps 2000000000\n}\n");
        var json = Path.Combine(directory, "long.json");
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "grad.dll"), "run", grad, "--json", json, "--limit", "steps=1e10", "--limit", "traceValues=1e10"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var printed = new StringBuilder();
        string Printed()
        {
            lock (printed)
            {
                return printed.ToString();
            }
        }

        var output = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int read;
            while ((read = await process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                lock (printed)
                {
                    printed.Append(buffer, 0, read);
                }
            }

            return Printed();
        });
        var error = process.StandardError.ReadToEndAsync();

        // `run quick` is printed (and flushed) as soon as it finishes: the handler is registered before
        // the first run starts, and the long run is now running (or about to start).
        var waited = Stopwatch.StartNew();
        while (!Printed().Contains("run quick:", StringComparison.Ordinal))
        {
            if (process.HasExited)
            {
                Assert.Fail("grad run ended before it was signalled: " + await error);
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), "`run quick` was not printed within 60 s");
            await Task.Delay(100);
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }

        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(143, process.ExitCode);
        Assert.Contains("grad: interrupted; 1 run(s) finished", await error, StringComparison.Ordinal);
        Assert.Contains("quick", await output, StringComparison.Ordinal);
        // Valid JSON, written whole: the finished run, and the interrupted one (if it had started) as cancelled.
        var runs = (JArray)JObject.Parse(await File.ReadAllTextAsync(json))["runs"]!;
        Assert.Equal(("quick", "steps", 10), ((string)runs[0]!["name"]!, (string)runs[0]!["stopReason"]!, (int)runs[0]!["stepsTaken"]!));
        Assert.All(runs.Skip(1), run => Assert.Equal(("long", "cancelled"), ((string)run["name"]!, (string)run["stopReason"]!)));
    }
}
