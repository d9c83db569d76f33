namespace Grad.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] is "run" or "check" or "inspect")
        {
            // The step's and the analysis' optimised methods compile on the second core while this one reads the file.
            Runtime.StartupCompilation.Begin();
        }

        return CommandLine.Run(args, Console.Out, Console.Error);
    }
}
