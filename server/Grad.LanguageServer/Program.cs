using Grad.LanguageServer.Hosting;

namespace Grad.LanguageServer;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Any(a => a is "--help" or "-h"))
        {
            await Console.Error.WriteLineAsync("usage: Grad.LanguageServer [--stdio]   (LSP 3.17 over stdin/stdout; logs go to the client as window/logMessage, to stderr only without a client)").ConfigureAwait(false);
            return 0;
        }

        var unknown = args.Where(a => a != "--stdio" && !a.StartsWith("--clientProcessId", StringComparison.Ordinal)).ToArray();
        if (unknown.Length > 0)
        {
            await Console.Error.WriteLineAsync($"Grad.LanguageServer: unknown argument {unknown[0]}; only --stdio is supported").ConfigureAwait(false);
            return 2;
        }

        // stdout is the protocol channel: any stray console output goes to stderr instead.
        var input = Console.OpenStandardInput();
        var output = Console.OpenStandardOutput();
        Console.SetOut(Console.Error);

        using var host = new LanguageServerHost(input, output, new LanguageServerOptions { Log = Console.Error });
        return await host.RunAsync().ConfigureAwait(false);
    }
}
