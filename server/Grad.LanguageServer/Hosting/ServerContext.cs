using System.Collections.Immutable;
using Grad.Language;
using Grad.Language.Resources;
using Grad.LanguageServer.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Files;
using Grad.LanguageServer.Documents;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace Grad.LanguageServer.Hosting;

/// <summary>What every feature shares: the documents, the analysis, the settings and the connection.</summary>
public sealed class ServerContext
{
    private ServerSettings settings;

    public ServerContext(JsonRpc rpc, ServerLog log, IAnalysisService analysisService, ServerSettings initialSettings, IClientNotifier notifier)
    {
        Rpc = rpc;
        Notifier = notifier;
        Log = log;
        settings = initialSettings;
        Documents = new DocumentStore(() => CompilationOptions);
        RunResults = new RunResultStore();
        Analyzer = new DocumentAnalyzer(analysisService, RunResults, () => Settings);
        Scheduler = new AnalysisScheduler(Analyzer, notifier, () => Settings, log);
    }

    public JsonRpc Rpc { get; }

    public ServerLog Log { get; }

    public IClientNotifier Notifier { get; }

    public DocumentStore Documents { get; }

    public RunResultStore RunResults { get; }

    public DocumentAnalyzer Analyzer { get; }

    public AnalysisScheduler Scheduler { get; }

    /// <summary>Returns memory to the system after documents close.</summary>
    public MemoryReclaimer Memory { get; } = new();

    public ServerSettings Settings
    {
        get => Volatile.Read(ref settings);
        set => Volatile.Write(ref settings, value);
    }

    /// <summary>The workspace folders from initialize (their paths): data files are read only inside them, unless the settings allow more.</summary>
    public ImmutableArray<string> WorkspaceFolders { get; set; } = [];

    /// <summary>
    /// What documents are compiled with: the limits, and a resolver that reads data files only
    /// inside the workspace folders (or, with none open, the document's own folder) unless
    /// <c>grad.data.allowOutsideWorkspace</c> is set.
    /// </summary>
    public CompilationOptions CompilationOptions
    {
        get
        {
            var (folders, settings) = (WorkspaceFolders, Settings);
            if (cachedOptions is { } cached && cached.Folders == folders && cached.Settings == settings)
            {
                return cached.Options;
            }

            IFileResolver resolver = !settings.Trusted ? RestrictedModeFileResolver.Instance
                : new DiskFileResolver(settings.AllowDataOutsideWorkspace ? null : folders);
            var options = new CompilationOptions(settings.Limits, resolver) { Weights = ResultWeightsReader.Instance };
            cachedOptions = (folders, settings, options);
            return options;
        }
    }

    private (ImmutableArray<string> Folders, ServerSettings Settings, CompilationOptions Options)? cachedOptions;

    /// <summary>The client's capabilities from initialize (empty before).</summary>
    public JObject ClientCapabilities { get; set; } = [];

    public bool ClientSupports(string path) =>
        ClientCapabilities.SelectToken(path) is JValue { Type: JTokenType.Boolean } value && value.Value<bool>();
}
