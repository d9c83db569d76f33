using Grad.Language;
using Grad.Language.Resources;
using Grad.Runtime.Contracts;
using Grad.Runtime.Files;
using Grad.Runtime.Training;

namespace Grad.Cli;

/// <summary>
/// Parses the command line and dispatches to a verb. Exit codes: 0 clean, 1 errors in the file, 2
/// bad usage or missing file. The verbs are one table (<see cref="Verbs"/>): each with its usage
/// lines, whose options are the ones it accepts, parsed by the one parser
/// (<see cref="CommandOptions.TryParse"/>) from the one table of options
/// (<see cref="CommandOptions.Options"/>); <c>grad VERB --help</c> prints its usage with what each
/// of its options does, and <see cref="Usage"/> is every verb's usage lines.
/// </summary>
public static class CommandLine
{
    public const int Clean = 0;
    public const int FileHasErrors = 1;
    public const int UsageError = 2;

    /// <summary>The name a file read from standard input (<c>FILE</c> = <c>-</c>) has in messages.</summary>
    public const string StandardInputName = "<stdin>";

    /// <summary>
    /// A verb: its usage lines (the options they name are the options it accepts), what it does,
    /// what it requires of its options beyond their syntax (null: they are fine) and what it does.
    /// </summary>
    public sealed record Verb(string Name, string[] UsageLines, string Summary, Func<CommandOptions, string?>? Check, Func<CommandOptions, TextWriter, TextWriter, int> Execute)
    {
        /// <summary>The options the usage lines name, in their order.</summary>
        public IReadOnlyList<string> Options { get; } = [.. UsageLines.SelectMany(OptionsIn).Distinct()];

        /// <summary>
        /// The options a usage line names: each word after a space or '[' made of one or two '-', a
        /// lowercase letter, then lowercase letters and '-' (a scan, not a regular expression: every
        /// command builds this table, and System.Text.RegularExpressions cost the start-up ~10 ms).
        /// </summary>
        private static IEnumerable<string> OptionsIn(string line)
        {
            for (var i = 1; i < line.Length; i++)
            {
                if (line[i] != '-' || line[i - 1] is not (' ' or '['))
                {
                    continue;
                }

                var letter = i + 1 < line.Length && line[i + 1] == '-' ? i + 2 : i + 1;
                if (letter >= line.Length || !char.IsAsciiLetterLower(line[letter]))
                {
                    continue;
                }

                var end = letter + 1;
                while (end < line.Length && (char.IsAsciiLetterLower(line[end]) || line[end] == '-'))
                {
                    end++;
                }

                yield return line[i..end];
                i = end - 1;
            }
        }
    }

    public static readonly Verb[] Verbs =
    [
        new("check", ["grad check FILE|DIR [--json PATH|-] [--warnings-as-errors] [--no-analysis] [--limit NAME=N]… [--quiet]"],
            "Print the file's diagnostics (errors, warnings) without running anything. A directory checks every .grad file under it.", null, CheckCommand.Execute),
        new("run", ["grad run FILE [--json PATH|-] [--plot DIR] [--landscape N] [--landscape-dirs random|pca] [--threads N] [--jobs N] [--warnings-as-errors] [--no-analysis] [--limit NAME=N]… [--quiet]"],
            "Run every run of the file in order; each run's summary prints as soon as that run finishes.", null, RunCommand.Execute),
        new("inspect", ["grad inspect FILE [--json PATH|-] [--plot DIR] [--limit NAME=N]… [--quiet]"],
            "Print every network's per-layer ‖δ^l‖ and ‖∂C/∂W^l‖ at its initial weights, without training.", null, InspectCommand.Execute),
        new("export", ["grad export FILE --to pytorch [--run NAME] [-o OUT.py]", "grad export FILE --to dask --sweep NAME [--scheduler ADDRESS] [-o OUT.py]"],
            ExportCommand.Summary, ExportCommand.Check, ExportCommand.Execute),
    ];

    public static string Usage { get; } = string.Join("\n", [
        .. Verbs.SelectMany(v => v.UsageLines).Select((line, i) => (i == 0 ? "usage: " : "       ") + line),
        "       grad help [COMMAND]   grad COMMAND --help   grad --version",
        "--limit raises (or lowers) a resource limit, e.g. --limit parameters=1e8 (docs/limits.md)",
    ]);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, Console.In, stdout, stderr);

    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        switch (args)
        {
            case []:
                stderr.WriteLine(Usage);
                return UsageError;
            case ["-h" or "--help"] or ["help"]:
                stdout.WriteLine(Usage);
                return Clean;
            case ["--version"]:
                stdout.WriteLine($"grad {Version}");
                return Clean;
            case ["help", var topic, ..]:
                return Verbs.FirstOrDefault(v => v.Name == topic) is { } described ? Help(described, stdout) : UnknownVerb(topic, stderr);
        }

        var verb = Verbs.FirstOrDefault(v => v.Name == args[0]);
        if (verb is null)
        {
            return UnknownVerb(args[0], stderr);
        }

        if (args.Skip(1).Any(a => a is "-h" or "--help"))
        {
            return Help(verb, stdout);
        }

        if (!CommandOptions.TryParse(verb, args[1..], out var options, out var error))
        {
            stderr.WriteLine($"grad: {error}");
            stderr.WriteLine(UsageOf(verb));
            return UsageError;
        }

        if (options.File == "-")
        {
            options = options with { File = StandardInputName, StandardInput = stdin.ReadToEnd() };
        }
        else if (Directory.Exists(options.File))
        {
            if (verb.Name == "check")
            {
                return CheckCommand.ExecuteDirectory(options, stdout, stderr);
            }

            stderr.WriteLine($"grad: {options.File} is a directory; grad {verb.Name} takes one .grad file (grad check {options.File} checks every .grad file under it)");
            return UsageError;
        }
        else if (!File.Exists(options.File))
        {
            stderr.WriteLine($"grad: file not found: {options.File}");
            return UsageError;
        }
        else if (options.JsonPath is { } json and not "-" && IsSameFile(json, options.File))
        {
            stderr.WriteLine($"grad: --json {json} would overwrite the input file; give the report another name");
            return UsageError;
        }

        return verb.Execute(options, stdout, stderr);
    }

    /// <summary>The tool's version, as <c>dotnet pack</c> stamps it (without the commit suffix).</summary>
    public static string Version
    {
        get
        {
            var assembly = typeof(CommandLine).Assembly;
            var informational = assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion;
            return informational?.Split('+')[0] ?? assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        }
    }

    /// <summary>True when two paths lead to the same file, through symbolic links too.</summary>
    private static bool IsSameFile(string a, string b) =>
        string.Equals(RealPath.Of(Path.GetFullPath(a)), RealPath.Of(Path.GetFullPath(b)),
            OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    private static int UnknownVerb(string word, TextWriter stderr)
    {
        if (word.EndsWith(".grad", StringComparison.OrdinalIgnoreCase) || File.Exists(word))
        {
            // The most common first attempt: a file where the command goes.
            stderr.WriteLine($"grad: '{word}' is a file, not a command; to run it: grad run {word}");
        }
        else if (word.StartsWith('-'))
        {
            stderr.WriteLine($"grad: unknown option '{word}' (options follow the command: grad run FILE {word})");
        }
        else
        {
            stderr.WriteLine($"grad: unknown command '{word}'");
        }

        stderr.WriteLine(Usage);
        return UsageError;
    }

    private static string UsageOf(Verb verb) =>
        string.Join("\n", verb.UsageLines.Select((line, i) => (i == 0 ? "usage: " : "       ") + line));

    private static int Help(Verb verb, TextWriter stdout)
    {
        stdout.WriteLine(UsageOf(verb));
        stdout.WriteLine();
        stdout.WriteLine(verb.Summary);
        stdout.WriteLine();
        stdout.WriteLine("options:");
        var options = verb.Options.Select(CommandOptions.Option).Append(CommandOptions.HelpOption).ToList();
        var width = options.Max(o => o.Usage.Length);
        foreach (var option in options)
        {
            stdout.WriteLine($"  {option.Usage.PadRight(width)} {option.Help}".TrimEnd());
        }

        return Clean;
    }
}

/// <summary>
/// FILE and the options of a verb (<see cref="CommandLine.Verb.Options"/>): <c>--json PATH|-</c>,
/// <c>--plot DIR</c>, <c>--threads N</c> (threads for large matrix products; default: every core,
/// since any count gives the same bits), <c>--jobs N</c>, <c>--warnings-as-errors</c> (a warning,
/// such as an analysis finding, makes the exit code 1), <c>--no-analysis</c> (no GRAD05xx
/// findings), any number of <c>--limit NAME=N</c> (docs/limits.md), <c>--quiet</c>; and export's
/// <c>--to</c>, <c>--run</c>, <c>--sweep</c>, <c>--scheduler</c> and <c>-o</c>.
/// </summary>
public sealed record CommandOptions(string File, string? JsonPath, string? PlotDirectory, int Threads = 1)
{
    /// <summary><c>--quiet</c>: only errors are printed.</summary>
    public bool Quiet { get; init; }

    /// <summary>The text of FILE when it was <c>-</c> (read from standard input).</summary>
    public string? StandardInput { get; init; }

    public const int MaxThreads = 256;

    public bool WarningsAsErrors { get; init; }

    /// <summary><c>--jobs N</c>: how many sweep members run at once; default every core.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;

    public bool NoAnalysis { get; init; }

    /// <summary><c>--landscape N</c> and <c>--landscape-dirs random|pca</c>: each training run's loss landscape (docs/training.md); null: none.</summary>
    public LandscapeRequest? Landscape { get; init; }

    public ResourceLimits Limits { get; init; } = ResourceLimits.Default;

    /// <summary>export's <c>--to pytorch|dask</c>.</summary>
    public string? Target { get; init; }

    /// <summary>export's <c>--run NAME</c> (pytorch: one run instead of all).</summary>
    public string? Run { get; init; }

    /// <summary>export's <c>--sweep NAME</c> (dask).</summary>
    public string? Sweep { get; init; }

    /// <summary>export's <c>--scheduler ADDRESS</c> (dask; default a LocalCluster).</summary>
    public string? Scheduler { get; init; }

    /// <summary>export's <c>-o OUT.py</c> (default: standard output).</summary>
    public string? Output { get; init; }

    /// <summary>What the file may use: these limits, and data files anywhere the user can read (regular files only).</summary>
    public CompilationOptions CompilationOptions => new(Limits, DiskFileResolver.Anywhere) { Weights = ResultWeightsReader.Instance };

    /// <summary>
    /// An option: its name, how its usage and help show it, and what it does to the options
    /// (<c>Apply(options, value)</c>: the new options, or an error; the value is null for a flag).
    /// </summary>
    public sealed record OptionSpec(string Name, string? Value, string Help, Func<CommandOptions, string?, (CommandOptions? Options, string? Error)> Apply)
    {
        public string Usage => Value is null ? Name : $"{Name} {Value}";
    }

    public static readonly OptionSpec HelpOption = new("--help", null, "print this help", (o, _) => (o, null));

    /// <summary>Every option of every verb, once.</summary>
    public static readonly OptionSpec[] Options =
    [
        new("--json", "PATH|-", "also write the result as one JSON object (LANGUAGE.md) to PATH, or to standard output for -", (o, v) => (o with { JsonPath = v }, null)),
        new("--plot", "DIR", "write PNG and SVG charts and an index.html to DIR (prints the index page's path)", (o, v) => (o with { PlotDirectory = v }, null)),
        new("--landscape", "N", "also compute each training run's loss landscape, N points along θ0 → θT and N × N on a plane through θT (3 to 99, e.g. 41; docs/training.md)",
            (o, v) => int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var resolution)
                && resolution is >= LandscapeRequest.MinResolution and <= LandscapeRequest.MaxResolution
                ? (o with { Landscape = (o.Landscape ?? new LandscapeRequest()) with { Resolution = resolution } }, null)
                : (null, $"--landscape needs a whole number from {LandscapeRequest.MinResolution} to {LandscapeRequest.MaxResolution}, got '{v}'")),
        // --landscape-dirs alone asks for a landscape at the default resolution.
        new("--landscape-dirs", "random|pca", "the plane's directions: two filter-normalised random directions (default) or the path's top two principal directions",
            (o, v) => v is "random" or "pca"
                ? (o with { Landscape = (o.Landscape ?? new LandscapeRequest()) with { Directions = v == "pca" ? LandscapeDirections.Pca : LandscapeDirections.Random } }, null)
                : (null, $"--landscape-dirs needs random or pca, got '{v}'")),
        new("--threads", "N", "threads for large matrix products (default: every core; the results are the same)",
            (o, v) => WithCount("--threads", v, n => o with { Threads = n })),
        new("--jobs", "N", "sweep members run at once (default: every core; each member's results are the same for any N)",
            (o, v) => WithCount("--jobs", v, n => o with { Jobs = n })),
        new("--warnings-as-errors", null, "count warnings (findings) as errors: exit 1 when there is one", (o, _) => (o with { WarningsAsErrors = true }, null)),
        new("--no-analysis", null, "skip the gradient analysis (no GRAD05xx findings)", (o, _) => (o with { NoAnalysis = true }, null)),
        new("--limit", "NAME=N", "raise (or lower) a resource limit, e.g. --limit parameters=1e8 (docs/limits.md); may be repeated",
            (o, v) => o.Limits.TryWith(v!, out var limits, out var error) ? (o with { Limits = limits }, null) : (null, error)),
        new("--quiet", null, "print only errors: no warnings, summaries, tables or progress (the exit code and --json are unchanged)", (o, _) => (o with { Quiet = true }, null)),
        new("--to", "pytorch|dask", "the script to write: a PyTorch script of the runs, or a Dask script of a sweep's members", (o, v) => (o with { Target = v }, null)),
        new("--run", "NAME", "export only this run (default: every run)", (o, v) => (o with { Run = v }, null)),
        new("--sweep", "NAME", "the sweep whose members the Dask cluster trains", (o, v) => (o with { Sweep = v }, null)),
        new("--scheduler", "ADDRESS", "the Dask scheduler to submit to (default: a LocalCluster on this machine)", (o, v) => (o with { Scheduler = v }, null)),
        new("-o", "OUT.py", "write the script to OUT.py (default: standard output)", (o, v) => (o with { Output = v }, null)),
    ];

    public static OptionSpec Option(string name) => Options.First(o => o.Name == name);

    private static (CommandOptions? Options, string? Error) WithCount(string option, string? value, Func<int, CommandOptions> with) =>
        int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= MaxThreads
            ? (with(count), null)
            : (null, $"{option} needs a whole number from 1 to {MaxThreads}, got '{value}'");

    /// <summary>FILE and the options <paramref name="verb"/> accepts, then what the verb requires of them.</summary>
    public static bool TryParse(CommandLine.Verb verb, string[] args, out CommandOptions options, out string error)
    {
        options = new CommandOptions("", null, null, Environment.ProcessorCount);
        string? file = null;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg.StartsWith('-') && arg != "-")
            {
                if (!verb.Options.Contains(arg))
                {
                    error = Options.Any(o => o.Name == arg) ? $"grad {verb.Name} has no option '{arg}'" : $"unknown option '{arg}'";
                    return false;
                }

                var option = Option(arg);
                if (option.Value is not null && i + 1 >= args.Length)
                {
                    error = $"{arg} needs a value";
                    return false;
                }

                var (applied, problem) = option.Apply(options, option.Value is null ? null : args[++i]);
                if (applied is null)
                {
                    error = problem!;
                    return false;
                }

                options = applied;
            }
            else if (file is null)
            {
                file = arg;
            }
            else
            {
                error = $"unexpected argument '{arg}'";
                return false;
            }
        }

        options = options with { File = file ?? "" };
        error = file is null ? "missing FILE" : verb.Check?.Invoke(options) ?? "";
        return error.Length == 0;
    }
}
