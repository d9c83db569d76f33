namespace Grad.Cli;

internal static class CheckCommand
{
    public static int Execute(CommandOptions options, TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine("grad: 'check' is not implemented yet");
        return CommandLine.UsageError;
    }
}
