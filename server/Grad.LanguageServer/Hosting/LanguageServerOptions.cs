using Grad.LanguageServer.Analysis;

namespace Grad.LanguageServer.Hosting;

/// <summary>How a host is built: production uses the defaults; tests substitute the analysis and the log.</summary>
public sealed class LanguageServerOptions
{
    public IAnalysisService? AnalysisService { get; init; }

    /// <summary>Where log lines go when no client can be sent them as window/logMessage (see <see cref="ServerLog"/>). Never stdout.</summary>
    public TextWriter Log { get; init; } = Console.Error;

    public ServerSettings Settings { get; init; } = new();
}
