namespace Grad.Cli;

internal static class RunCommand
{
    public static int Execute(CommandOptions options, TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine("grad: 'run' is not implemented yet");
        return CommandLine.UsageError;
    }
}
