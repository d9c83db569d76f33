using Grad.Runtime.Export;

namespace Grad.Cli;

/// <summary>
/// <c>grad export FILE --to pytorch [--run NAME] [-o OUT.py]</c>: writes a standalone PyTorch
/// script that reproduces the file's runs (all of them, or the one named), to OUT.py or stdout;
/// <c>--to dask --sweep NAME [--scheduler ADDRESS]</c>: a script that trains the sweep's members
/// on a Dask cluster. A file with errors prints its diagnostics as <c>grad check</c> does (exit 1);
/// a run that cannot be exported (unknown name, data that does not load) is an error too (exit 1).
/// Its options are parsed by the one parser of the verb table (<see cref="CommandLine.Verbs"/>).
/// </summary>
internal static class ExportCommand
{
    public const string Summary = """
        Write a standalone PyTorch script (float64, torch only) that reproduces the file's runs, writes Grad's JSON
        and checks itself against grad run --json; it also trains data-parallel and on a GPU. With --to dask, a script
        whose train(config) -> dict trains one member of the sweep, run on a Dask cluster. See docs/scale-out.md.
        """;

    /// <summary>What export requires of its options beyond their syntax: a target, and the options of that target only.</summary>
    public static string? Check(CommandOptions options) => options switch
    {
        { Target: null } => "missing --to pytorch (or --to dask --sweep NAME)",
        { Target: not ("pytorch" or "dask") } => $"cannot export to '{options.Target}': the targets are pytorch and dask",
        { Target: "dask", Sweep: null } => "--to dask needs --sweep NAME: the sweep whose members the cluster trains",
        { Target: "dask", Run: not null } => "--run is for --to pytorch; --to dask exports a sweep (--sweep NAME)",
        { Target: "pytorch", Sweep: not null } => "--sweep is for --to dask",
        { Target: "pytorch", Scheduler: not null } => "--scheduler is for --to dask",
        _ => null,
    };

    public static int Execute(CommandOptions options, TextWriter stdout, TextWriter stderr)
    {
        var compilation = CheckCommand.Compile(options);
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
