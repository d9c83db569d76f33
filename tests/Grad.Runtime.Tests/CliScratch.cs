using Grad.Cli;

namespace Grad.Runtime.Tests;

/// <summary>A scratch folder for CLI tests (deleted afterwards), files written into it, and the CLI run in process.</summary>
public abstract class CliScratch(string prefix) : IDisposable
{
    protected readonly string directory = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        Directory.Delete(directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    protected static (int Exit, string Out, string Error) Grad(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = CommandLine.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    protected string Write(string name, string text)
    {
        var path = Path.Combine(directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
