using Grad.Cli;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Tests;

/// <summary>The command line's conventions: version, help, unknown commands, directories, standard input, --quiet, output per run.</summary>
public sealed class CliConventionsTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("grad-conventions-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private static (int Exit, string Out, string Error) Grad(string[] args, string stdin = "")
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CommandLine.Run(args, new StringReader(stdin), stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Write(string relative, string text)
    {
        var path = Path.Combine(directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void VersionPrintsTheToolsVersion()
    {
        var (exit, output, error) = Grad(["--version"]);
        Assert.Equal(CommandLine.Clean, exit);
        Assert.Equal("grad 0.1.0", output.Trim());
        Assert.Empty(error);
    }

    [Fact]
    public void HelpPrintsTheUsageOnStdoutAndExitsZero()
    {
        var (exit, output, _) = Grad(["help"]);
        Assert.Equal(CommandLine.Clean, exit);
        Assert.StartsWith("usage: grad check FILE|DIR", output, StringComparison.Ordinal);

        var (bareExit, bareOutput, bareError) = Grad([]);
        Assert.Equal(CommandLine.UsageError, bareExit);
        Assert.Empty(bareOutput);
        Assert.StartsWith("usage:", bareError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("help", "run")]
    [InlineData("run", "--help")]
    [InlineData("run", "-h")]
    public void CommandHelpShowsTheCommandsUsageAndEveryOption(string first, string second)
    {
        var (exit, output, _) = Grad([first, second]);
        Assert.Equal(CommandLine.Clean, exit);
        var lines = output.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.StartsWith("usage: grad run FILE [--json PATH|-] [--plot DIR]", lines[0], StringComparison.Ordinal);
        Assert.Contains("[--quiet]", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("  --plot DIR ", StringComparison.Ordinal) && l.Contains("index.html", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  --quiet ", StringComparison.Ordinal) && l.Contains("only errors", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  --help ", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckHelpNamesTheDirectoryForm()
    {
        var (exit, output, _) = Grad(["check", Repo.PathOf("examples/seed.grad"), "--help"]);
        Assert.Equal(CommandLine.Clean, exit);
        Assert.StartsWith("usage: grad check FILE|DIR", output, StringComparison.Ordinal);
        Assert.Contains("A directory checks every .grad file under it.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("--plot", output, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownCommandIsNamedBeforeItsArgumentsAreLookedAt()
    {
        var (exit, output, error) = Grad(["frobnicate", "x"]);
        Assert.Equal(CommandLine.UsageError, exit);
        Assert.Empty(output);
        Assert.Equal("grad: unknown command 'frobnicate'", error.Split('\n')[0]);
        Assert.DoesNotContain("file not found", error, StringComparison.Ordinal);

        var (helpExit, _, helpError) = Grad(["help", "frobnicate"]);
        Assert.Equal(CommandLine.UsageError, helpExit);
        Assert.Equal("grad: unknown command 'frobnicate'", helpError.Split('\n')[0]);
    }

    [Fact]
    public void AFileInThePlaceOfTheCommandSuggestsGradRun()
    {
        var (exit, _, error) = Grad(["examples/seed.grad"]);
        Assert.Equal(CommandLine.UsageError, exit);
        Assert.Equal("grad: 'examples/seed.grad' is a file, not a command; to run it: grad run examples/seed.grad", error.Split('\n')[0]);
    }

    [Fact]
    public void CheckOfADirectoryChecksEveryGradFileUnderIt()
    {
        var good = Write("a/good.grad", "let a = 1\n");
        var bad = Write("b/deeper/bad.grad", "let b = nothing\n");
        Write("notes.txt", "let c = not grad\n");

        var (exit, output, error) = Grad(["check", directory]);
        Assert.Equal(CommandLine.FileHasErrors, exit);
        Assert.StartsWith($"{bad}:1:9: error GRAD0100:", output, StringComparison.Ordinal);
        Assert.Single(output.Trim().Split('\n'));
        Assert.Equal("grad: checked 2 files, 1 with errors", error.Trim());

        var (jsonExit, json, _) = Grad(["check", directory, "--json", "-"]);
        Assert.Equal(CommandLine.FileHasErrors, jsonExit);
        var files = JArray.Parse(json);
        Assert.Equal([good, bad], files.Select(f => (string)f["file"]!));
        Assert.Empty((JArray)files[0]["diagnostics"]!);
        Assert.Equal("GRAD0100", (string)files[1]["diagnostics"]![0]!["code"]!);

        File.Delete(bad);
        Assert.Equal(CommandLine.Clean, Grad(["check", directory]).Exit);
    }

    [Fact]
    public void CheckOfADirectoryWithoutGradFilesIsAUsageError()
    {
        var empty = Directory.CreateDirectory(Path.Combine(directory, "empty")).FullName;
        var (exit, _, error) = Grad(["check", empty]);
        Assert.Equal(CommandLine.UsageError, exit);
        Assert.Equal($"grad: no .grad files under {empty}", error.Trim());
    }

    [Fact]
    public void RunOfADirectoryPointsToCheck()
    {
        var (exit, _, error) = Grad(["run", directory]);
        Assert.Equal(CommandLine.UsageError, exit);
        Assert.Contains($"grad: {directory} is a directory; grad run takes one .grad file", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ADashReadsTheFileFromStandardInput()
    {
        var (exit, output, _) = Grad(["check", "-"], "let a = 1\nlet b = nothing\n");
        Assert.Equal(CommandLine.FileHasErrors, exit);
        Assert.StartsWith("<stdin>:2:9: error GRAD0100:", output, StringComparison.Ordinal);

        var (runExit, runOutput, _) = Grad(["run", "-", "--json", "-"], File.ReadAllText(Repo.PathOf("examples/seed.grad")));
        Assert.Equal(CommandLine.Clean, runExit);
        var json = JObject.Parse(runOutput);
        Assert.Equal("<stdin>", (string)json["file"]!);
        Assert.Equal(0.367695424770964, (double)json["runs"]![0]!["final"]!["params"]!["w1"]!, 12);
    }

    [Fact]
    public void QuietPrintsOnlyErrors()
    {
        var (exit, output, error) = Grad(["run", Repo.PathOf("examples/seed.grad"), "--quiet"]);
        Assert.Equal(CommandLine.Clean, exit);
        Assert.Empty(output);
        Assert.Empty(error);

        var bad = Write("bad.grad", "let b = nothing\n");
        var (badExit, badOutput, _) = Grad(["run", bad, "--quiet"]);
        Assert.Equal(CommandLine.FileHasErrors, badExit);
        Assert.StartsWith($"{bad}:1:9: error GRAD0100:", badOutput, StringComparison.Ordinal);

        var plots = Path.Combine(directory, "plots");
        var (plotExit, _, plotError) = Grad(["run", Repo.PathOf("examples/seed.grad"), "--quiet", "--plot", plots]);
        Assert.Equal(CommandLine.Clean, plotExit);
        Assert.Empty(plotError);
        Assert.True(File.Exists(Path.Combine(plots, "index.html")));
    }

    /// <summary>Records what had been written at each flush: one flush per finished run, holding exactly the runs so far.</summary>
    private sealed class FlushRecorder : StringWriter
    {
        public List<string> AtFlush { get; } = [];

        public override void Flush()
        {
            AtFlush.Add(ToString());
            base.Flush();
        }
    }

    [Fact]
    public void EachRunsSummaryIsWrittenAndFlushedWhenThatRunFinishes()
    {
        var stdout = new FlushRecorder();
        var exit = CommandLine.Run(["run", Repo.PathOf("examples/seed.grad")], TextReader.Null, stdout, new StringWriter());
        Assert.Equal(CommandLine.Clean, exit);

        string[] runs = ["run plain:", "run early:", "run adaptive:", "run deep:"];
        Assert.Equal(runs.Length, stdout.AtFlush.Count);
        for (var i = 0; i < runs.Length; i++)
        {
            Assert.All(runs.Take(i + 1), run => Assert.Contains(run, stdout.AtFlush[i], StringComparison.Ordinal));
            Assert.All(runs.Skip(i + 1), run => Assert.DoesNotContain(run, stdout.AtFlush[i], StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Every_option_a_verbs_usage_names_is_in_the_one_option_table_and_every_option_serves_a_verb()
    {
        var named = CommandLine.Verbs.SelectMany(v => v.Options).ToHashSet();
        Assert.All(named, option => Assert.Contains(CommandOptions.Options, o => o.Name == option));
        Assert.All(CommandOptions.Options, o => Assert.Contains(o.Name, named));
        Assert.Equal(["--to", "--run", "-o", "--sweep", "--scheduler"], CommandLine.Verbs.Single(v => v.Name == "export").Options);
        Assert.Equal(["--json", "--plot", "--limit", "--quiet"], CommandLine.Verbs.Single(v => v.Name == "inspect").Options);
        Assert.Equal(["--json", "--plot", "--landscape", "--landscape-dirs", "--threads", "--jobs", "--warnings-as-errors", "--no-analysis", "--limit", "--quiet"],
            CommandLine.Verbs.Single(v => v.Name == "run").Options);
        // The scan finds what the pattern it replaced finds: after a space or '[', one or two '-', a lowercase letter, lowercase letters and '-'.
        Assert.All(CommandLine.Verbs, verb => Assert.Equal(
            verb.UsageLines.SelectMany(l => System.Text.RegularExpressions.Regex.Matches(l, @"(?<=[\[ ])--?[a-z][a-z-]*").Select(m => m.Value)).Distinct(),
            verb.Options));
        // The top-level usage is the verbs' usage lines.
        Assert.All(CommandLine.Verbs.SelectMany(v => v.UsageLines), line => Assert.Contains(line, CommandLine.Usage, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("inspect", "--threads", "2", "grad inspect has no option '--threads'", "usage: grad inspect FILE")]
    [InlineData("run", "-o", "out.py", "grad run has no option '-o'", "usage: grad run FILE")]
    [InlineData("export", "--plot", "charts", "grad export has no option '--plot'", "usage: grad export FILE --to pytorch")]
    [InlineData("run", "--frobnicate", "1", "unknown option '--frobnicate'", "usage: grad run FILE")]
    [InlineData("export", "--jobs", "x", "grad export has no option '--jobs'", "usage: grad export FILE --to pytorch")]
    [InlineData("run", "--jobs", "0", "--jobs needs a whole number from 1 to 256, got '0'", "usage: grad run FILE")]
    public void An_option_the_verb_does_not_take_is_a_usage_error_with_that_verbs_usage(string verb, string option, string value, string message, string usage)
    {
        var (exit, output, error) = Grad([verb, Repo.PathOf("examples/seed.grad"), option, value]);
        Assert.Equal(CommandLine.UsageError, exit);
        Assert.Empty(output);
        var lines = error.Split('\n');
        Assert.Equal($"grad: {message}", lines[0]);
        Assert.StartsWith(usage, lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Export_reads_standard_input_and_its_help_lists_its_options_from_the_table()
    {
        var (exit, script, error) = Grad(["export", "-", "--to", "pytorch", "--run", "deep"], File.ReadAllText(Repo.PathOf("examples/seed.grad")));
        Assert.True(exit == CommandLine.Clean, error);
        Assert.Contains("import torch", script, StringComparison.Ordinal);

        var (helpExit, help, _) = Grad(["help", "export"]);
        Assert.Equal(CommandLine.Clean, helpExit);
        var lines = help.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Equal("usage: grad export FILE --to pytorch [--run NAME] [-o OUT.py]", lines[0]);
        Assert.Equal("       grad export FILE --to dask --sweep NAME [--scheduler ADDRESS] [-o OUT.py]", lines[1]);
        Assert.Contains("  --scheduler ADDRESS the Dask scheduler to submit to (default: a LocalCluster on this machine)", lines);
        Assert.Contains(lines, l => l.StartsWith("  -o OUT.py ", StringComparison.Ordinal) && l.EndsWith("(default: standard output)", StringComparison.Ordinal));
    }
}
