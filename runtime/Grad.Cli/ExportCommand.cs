using Grad.Language;
using Grad.Runtime.Export;

namespace Grad.Cli;

/// <summary>
/// <c>grad export FILE --to pytorch [--run NAME] [-o OUT.py]</c>: writes a standalone PyTorch
/// script that reproduces the file's runs (all of them, or the one named), to OUT.py or stdout.
/// A file with errors prints its diagnostics as <c>grad check</c> does (exit 1); a run that
/// cannot be exported (unknown name, data that does not load) is an error too (exit 1).
/// </summary>
internal static class ExportCommand
{
    public const string Usage = "grad export FILE --to pytorch [--run NAME] [-o OUT.py]\n       grad export FILE --to dask --sweep NAME [--scheduler ADDRESS] [-o OUT.py]";

    public static int Help(TextWriter stdout)
    {
        stdout.WriteLine($"usage: {Usage}");
        stdout.WriteLine();
        stdout.WriteLine("Write a standalone PyTorch script (float64, torch only) that reproduces the file's runs, writes Grad's JSON");
        stdout.WriteLine("and checks itself against grad run --json; it also trains data-parallel and on a GPU. With --to dask, a script");
        stdout.WriteLine("whose train(config) -> dict trains one member of the sweep, run on a Dask cluster. See docs/scale-out.md.");
        return CommandLine.Clean;
    }

    public static int Execute(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            return Help(stdout);
        }

        if (!ExportOptions.TryParse(args, out var options, out var error))
        {
            stderr.WriteLine($"grad: {error}");
            stderr.WriteLine($"usage: {Usage}");
            return CommandLine.UsageError;
        }

        if (!File.Exists(options.File))
        {
            stderr.WriteLine($"grad: file not found: {options.File}");
            return CommandLine.UsageError;
        }

        var compilation = Compilation.Create(File.ReadAllText(options.File), options.File, new CommandOptions(options.File, null, null).CompilationOptions);
        if (compilation.HasErrors)
        {
            DiagnosticPrinter.Print(compilation, compilation.Diagnostics, options.File, stdout);
            return CommandLine.FileHasErrors;
        }

        var result = options.Target == "dask"
            ? DaskExport.Generate(compilation.Program, options.File, options.Sweep!, options.Scheduler)
            : PyTorchExport.Generate(compilation.Program, options.File, options.Run);
        if (result.Script is not { } script)
        {
            stderr.WriteLine($"grad: cannot export {options.File}: {result.Error}");
            return CommandLine.FileHasErrors;
        }

        if (options.Output is null or "-")
        {
            stdout.Write(script);
            return CommandLine.Clean;
        }

        // Written next to its final name, then renamed: a reader never sees half a script.
        var temporary = options.Output + ".tmp";
        File.WriteAllText(temporary, script);
        File.Move(temporary, options.Output, overwrite: true);
        stderr.WriteLine($"grad: wrote {options.Output}");
        return CommandLine.Clean;
    }
}

/// <summary>FILE, <c>--to pytorch</c> with <c>--run NAME</c> or <c>--to dask</c> with <c>--sweep NAME</c> and <c>--scheduler ADDRESS</c>, and <c>-o OUT.py</c>.</summary>
internal sealed record ExportOptions(string File, string Target, string? Run, string? Output)
{
    public string? Sweep { get; init; }

    public string? Scheduler { get; init; }

    public static bool TryParse(string[] args, out ExportOptions options, out string error)
    {
        options = new ExportOptions("", "", null, null);
        string? file = null, target = null, run = null, output = null, sweep = null, scheduler = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--to" or "--run" or "--sweep" or "--scheduler" or "-o" when i + 1 >= args.Length:
                    error = $"{args[i]} needs a value";
                    return false;
                case "--to":
                    target = args[++i];
                    break;
                case "--run":
                    run = args[++i];
                    break;
                case "--sweep":
                    sweep = args[++i];
                    break;
                case "--scheduler":
                    scheduler = args[++i];
                    break;
                case "-o":
                    output = args[++i];
                    break;
                case var flag when flag.StartsWith('-') && flag != "-":
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

        error = (file, target) switch
        {
            (null, _) => "missing FILE",
            (_, null) => "missing --to pytorch (or --to dask --sweep NAME)",
            (_, not ("pytorch" or "dask")) => $"cannot export to '{target}': the targets are pytorch and dask",
            (_, "dask") when sweep is null => "--to dask needs --sweep NAME: the sweep whose members the cluster trains",
            (_, "dask") when run is not null => "--run is for --to pytorch; --to dask exports a sweep (--sweep NAME)",
            (_, "pytorch") when sweep is not null || scheduler is not null => $"{(sweep is not null ? "--sweep" : "--scheduler")} is for --to dask",
            _ => "",
        };
        options = new ExportOptions(file ?? "", target ?? "", run, output) { Sweep = sweep, Scheduler = scheduler };
        return error.Length == 0;
    }
}
