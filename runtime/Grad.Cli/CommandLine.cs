namespace Grad.Cli;

/// <summary>Parses the command line and dispatches to a verb. Exit codes: 0 clean, 1 errors in the file, 2 bad usage or missing file.</summary>
public static class CommandLine
{
    public const int Clean = 0;
    public const int FileHasErrors = 1;
    public const int UsageError = 2;

    public const string Usage = """
        usage: grad check FILE [--json PATH|-] [--warnings-as-errors] [--no-analysis]
               grad run FILE [--json PATH|-] [--plot DIR] [--threads N] [--warnings-as-errors] [--no-analysis]
               grad inspect FILE [--json PATH|-] [--plot DIR]
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
/// <c>--warnings-as-errors</c> (a warning, such as an analysis finding, makes the exit code 1)
/// and <c>--no-analysis</c> (no GRAD05xx findings).
/// </summary>
public sealed record CommandOptions(string File, string? JsonPath, string? PlotDirectory, int Threads = 1)
{
    public const int MaxThreads = 256;

    public bool WarningsAsErrors { get; init; }

    public bool NoAnalysis { get; init; }

    public static bool TryParse(string[] args, out CommandOptions options, out string error)
    {
        options = new CommandOptions("", null, null);
        string? file = null, json = null, plot = null;
        var threads = Environment.ProcessorCount;
        bool warningsAsErrors = false, noAnalysis = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--json" or "--plot" or "--threads" when i + 1 >= args.Length:
                    error = $"{args[i]} needs a value";
                    return false;
                case "--json":
                    json = args[++i];
                    break;
                case "--plot":
                    plot = args[++i];
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

        options = new CommandOptions(file, json, plot, threads) { WarningsAsErrors = warningsAsErrors, NoAnalysis = noAnalysis };
        error = "";
        return true;
    }
}
