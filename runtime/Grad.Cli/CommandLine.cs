using Grad.Language;
using Grad.Language.Resources;
using Grad.Runtime.Files;

namespace Grad.Cli;

/// <summary>Parses the command line and dispatches to a verb. Exit codes: 0 clean, 1 errors in the file, 2 bad usage or missing file.</summary>
public static class CommandLine
{
    public const int Clean = 0;
    public const int FileHasErrors = 1;
    public const int UsageError = 2;

    public const string Usage = """
        usage: grad check FILE [--json PATH|-] [--warnings-as-errors] [--no-analysis] [--limit NAME=N]…
               grad run FILE [--json PATH|-] [--plot DIR] [--threads N] [--warnings-as-errors] [--no-analysis] [--limit NAME=N]…
               grad inspect FILE [--json PATH|-] [--plot DIR] [--limit NAME=N]…
        --limit raises (or lowers) a resource limit, e.g. --limit parameters=1e8 (docs/limits.md)
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
            return args.Length == 0 ? UsageError : Clean;
        }

        if (!CommandOptions.TryParse(args[1..], out var options, out var error))
        {
            stderr.WriteLine($"grad: {error}");
            stderr.WriteLine(Usage);
            return UsageError;
        }

        if (!File.Exists(options.File))
        {
            stderr.WriteLine($"grad: file not found: {options.File}");
            return UsageError;
        }

        return args[0] switch
        {
            "check" => CheckCommand.Execute(options, stdout, stderr),
            "run" => RunCommand.Execute(options, stdout, stderr),
            "inspect" => InspectCommand.Execute(options, stdout, stderr),
            _ => UnknownVerb(args[0], stderr),
        };
    }

    private static int UnknownVerb(string verb, TextWriter stderr)
    {
        stderr.WriteLine($"grad: unknown command '{verb}'");
        stderr.WriteLine(Usage);
        return UsageError;
    }
}

/// <summary>
/// FILE plus <c>--json PATH|-</c>, <c>--plot DIR</c>, <c>--threads N</c> (threads for large
/// matrix products; default: every core, since any count gives the same bits),
/// <c>--warnings-as-errors</c> (a warning, such as an analysis finding, makes the exit code 1),
/// <c>--no-analysis</c> (no GRAD05xx findings) and any number of <c>--limit NAME=N</c> (docs/limits.md).
/// </summary>
public sealed record CommandOptions(string File, string? JsonPath, string? PlotDirectory, int Threads = 1)
{
    public const int MaxThreads = 256;

    public bool WarningsAsErrors { get; init; }

    public bool NoAnalysis { get; init; }

    public ResourceLimits Limits { get; init; } = ResourceLimits.Default;

    /// <summary>What the file may use: these limits, and data files anywhere the user can read (regular files only).</summary>
    public CompilationOptions CompilationOptions => new(Limits, DiskFileResolver.Anywhere);

    public static bool TryParse(string[] args, out CommandOptions options, out string error)
    {
        options = new CommandOptions("", null, null);
        string? file = null, json = null, plot = null;
        var threads = Environment.ProcessorCount;
        bool warningsAsErrors = false, noAnalysis = false;
        var limits = ResourceLimits.Default;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json" or "--plot" or "--threads" or "--limit" when i + 1 >= args.Length:
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

        options = new CommandOptions(file, json, plot, threads) { WarningsAsErrors = warningsAsErrors, NoAnalysis = noAnalysis, Limits = limits };
        error = "";
        return true;
    }
}
