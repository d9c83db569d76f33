namespace Grad.Cli;

internal static class InspectCommand
{
    public static int Execute(CommandOptions options, TextWriter stdout, TextWriter stderr)
    {
        stderr.WriteLine("grad: 'inspect' is not implemented yet");
        return CommandLine.UsageError;
    }
}
