using Grad.Language;
using Grad.Language.Resources;
using Grad.Runtime.Contracts;
using Grad.Runtime.Training;
using Grad.Runtime.Files;

namespace Grad.Cli;

/// <summary>
/// Parses the command line and dispatches to a verb. Exit codes: 0 clean, 1 errors in the file, 2
/// bad usage or missing file. The verbs are one table (<see cref="Verbs"/>); <c>grad VERB --help</c>
/// prints the verb's usage line from <see cref="Usage"/> with what each of its options does.
/// </summary>
public static class CommandLine
{
    public const int Clean = 0;
    public const int FileHasErrors = 1;
    public const int UsageError = 2;

    /// <summary>The name a file read from standard input (<c>FILE</c> = <c>-</c>) has in messages.</summary>
    public const string StandardInputName = "<stdin>";

    public const string Usage = """
        usage: grad check FILE|DIR [--json PATH|-] [--warnings-as-errors] [--no-analysis] [--limit NAME=N]… [--quiet]
               grad run FILE [--json PATH|-] [--plot DIR] [--landscape N] [--landscape-dirs random|pca] [--threads N] [--jobs N] [--warnings-as-errors] [--no-analysis] [--limit NAME=N]… [--quiet]
               grad inspect FILE [--json PATH|-] [--plot DIR] [--limit NAME=N]… [--quiet]
               grad export FILE --to pytorch [--run NAME] [-o OUT.py]
               grad help [COMMAND]   grad COMMAND --help   grad --version
        --limit raises (or lowers) a resource limit, e.g. --limit parameters=1e8 (docs/limits.md)
        """;

    internal sealed record Verb(string Name, string Summary, Func<CommandOptions, TextWriter, TextWriter, int> Execute);

    internal static readonly Verb[] Verbs =
    [
        new("check", "Print the file's diagnostics (errors, warnings) without running anything. A directory checks every .grad file under it.", CheckCommand.Execute),
        new("run", "Run every run of the file in order; each run's summary prints as soon as that run finishes.", RunCommand.Execute),
        new("inspect", "Print every network's per-layer ‖δ^l‖ and ‖∂C/∂W^l‖ at its initial weights, without training.", InspectCommand.Execute),
    ];

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
            case ["export", ..] or ["help", "export", ..]:
                // export parses its own options (--to, --run, -o), not CommandOptions.
                return args[0] == "help" ? ExportCommand.Help(stdout) : ExportCommand.Execute(args[1..], stdout, stderr);
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

        if (!CommandOptions.TryParse(args[1..], out var options, out var error))
        {
            stderr.WriteLine($"grad: {error}");
            stderr.WriteLine(Usage);
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

    private static int Help(Verb verb, TextWriter stdout)
    {
        var usage = Usage.Split('\n').Select(l => l.Trim()).Select(l => l.StartsWith("usage:", StringComparison.Ordinal) ? l["usage:".Length..].Trim() : l)
            .First(l => l.StartsWith($"grad {verb.Name} ", StringComparison.Ordinal));
        stdout.WriteLine($"usage: {usage}");
        stdout.WriteLine();
        stdout.WriteLine(verb.Summary);
        var options = System.Text.RegularExpressions.Regex.Matches(usage, "--[a-z-]+").Select(m => m.Value).Append("--help").Distinct().ToList();
        stdout.WriteLine();
        stdout.WriteLine("options:");
        foreach (var option in options)
        {
            var text = OptionHelp.FirstOrDefault(o => o.Option == option);
            stdout.WriteLine($"  {(text.Usage ?? option),-18} {text.Text}".TrimEnd());
        }

        return Clean;
    }

    private static readonly (string Option, string Usage, string Text)[] OptionHelp =
    [
        ("--json", "--json PATH|-", "also write the result as one JSON object (LANGUAGE.md) to PATH, or to standard output for -"),
        ("--plot", "--plot DIR", "write PNG and SVG charts and an index.html to DIR (prints the index page's path)"),
        ("--landscape", "--landscape N", "also compute each training run's loss landscape, N points along θ0 → θT and N × N on a plane through θT (3 to 99, e.g. 41; docs/training.md)"),
        ("--landscape-dirs", "--landscape-dirs random|pca", "the plane's directions: two filter-normalised random directions (default) or the path's top two principal directions"),
        ("--threads", "--threads N", "threads for large matrix products (default: every core; the results are the same)"),
        ("--jobs", "--jobs N", "sweep members run at once (default: every core; each member's results are the same for any N)"),
        ("--warnings-as-errors", "--warnings-as-errors", "count warnings (findings) as errors: exit 1 when there is one"),
        ("--no-analysis", "--no-analysis", "skip the gradient analysis (no GRAD05xx findings)"),
        ("--limit", "--limit NAME=N", "raise (or lower) a resource limit, e.g. --limit parameters=1e8 (docs/limits.md); may be repeated"),
        ("--quiet", "--quiet", "print only errors: no warnings, summaries, tables or progress (the exit code and --json are unchanged)"),
        ("--help", "--help", "print this help"),
    ];
}

/// <summary>
/// FILE plus <c>--json PATH|-</c>, <c>--plot DIR</c>, <c>--threads N</c> (threads for large
/// matrix products; default: every core, since any count gives the same bits),
/// <c>--warnings-as-errors</c> (a warning, such as an analysis finding, makes the exit code 1),
/// <c>--no-analysis</c> (no GRAD05xx findings) and any number of <c>--limit NAME=N</c> (docs/limits.md).
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

    /// <summary>What the file may use: these limits, and data files anywhere the user can read (regular files only).</summary>
    public CompilationOptions CompilationOptions => new(Limits, DiskFileResolver.Anywhere) { Weights = ResultWeightsReader.Instance };

    public static bool TryParse(string[] args, out CommandOptions options, out string error)
    {
        options = new CommandOptions("", null, null);
        string? file = null, json = null, plot = null;
        var quiet = false;
        var threads = Environment.ProcessorCount;
        var jobs = Environment.ProcessorCount;
        bool warningsAsErrors = false, noAnalysis = false;
        LandscapeRequest? landscape = null;
        LandscapeDirections? directions = null;
        var limits = ResourceLimits.Default;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json" or "--plot" or "--threads" or "--jobs" or "--limit" or "--landscape" or "--landscape-dirs" when i + 1 >= args.Length:
                    error = $"{args[i]} needs a value";
                    return false;
                case "--json":
                    json = args[++i];
                    break;
                case "--plot":
                    plot = args[++i];
                    break;
                case "--limit":
                    if (!limits.TryWith(args[++i], out limits, out error))
                    {
                        return false;
                    }

                    break;
                case "--warnings-as-errors":
                    warningsAsErrors = true;
                    break;
                case "--no-analysis":
                    noAnalysis = true;
                    break;
                case "--threads":
                    if (!int.TryParse(args[++i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out threads) || threads is < 1 or > MaxThreads)
                    {
                        error = $"--threads needs a whole number from 1 to {MaxThreads}, got '{args[i]}'";
                        return false;
                    }

                    break;
                case "--jobs":
                    if (!int.TryParse(args[++i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out jobs) || jobs is < 1 or > MaxThreads)
                    {
                        error = $"--jobs needs a whole number from 1 to {MaxThreads}, got '{args[i]}'";
                        return false;
                    }

                    break;
                case "--quiet":
                    quiet = true;
                    break;
                case "--landscape":
                    if (!int.TryParse(args[++i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var resolution)
                        || resolution is < LandscapeRequest.MinResolution or > LandscapeRequest.MaxResolution)
                    {
                        error = $"--landscape needs a whole number from {LandscapeRequest.MinResolution} to {LandscapeRequest.MaxResolution}, got '{args[i]}'";
                        return false;
                    }

                    landscape = (landscape ?? new LandscapeRequest()) with { Resolution = resolution };
                    break;
                case "--landscape-dirs":
                    if (args[++i] is not ("random" or "pca"))
                    {
                        error = $"--landscape-dirs needs random or pca, got '{args[i]}'";
                        return false;
                    }

                    directions = args[i] == "pca" ? LandscapeDirections.Pca : LandscapeDirections.Random;
                    break;
                case var flag when flag.StartsWith("--", StringComparison.Ordinal):
                    error = $"unknown option '{flag}'";
                    return false;
                case var path when file is null:
                    file = path;
                    break;
                default:
                    error = $"unexpected argument '{args[i]}'";
                    return false;
            }
        }

        if (file is null)
        {
            error = "missing FILE";
            return false;
        }

        if (directions is { } chosen)
        {
            // --landscape-dirs alone asks for a landscape at the default resolution.
            landscape = (landscape ?? new LandscapeRequest()) with { Directions = chosen };
        }

        options = new CommandOptions(file, json, plot, threads) { WarningsAsErrors = warningsAsErrors, NoAnalysis = noAnalysis, Limits = limits, Quiet = quiet, Jobs = jobs, Landscape = landscape };
        error = "";
        return true;
    }
}
