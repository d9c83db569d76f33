using Grad.Language.Semantics;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Documents;
using Grad.LanguageServer.Hosting;
using Grad.LanguageServer.Protocol;
using Newtonsoft.Json.Linq;
using StreamJsonRpc;

namespace Grad.LanguageServer.Features.Sync;

/// <summary>
/// CSV files changed on disk: the server asks the client to watch <c>**/*.csv</c> (when it supports
/// dynamic registration; nothing new is advertised in the capabilities) and, on
/// <c>workspace/didChangeWatchedFiles</c>, re-analyses the open documents whose <c>csv("…")</c>
/// names a changed file. The content keys include each CSV file's last-write time and length,
/// so the new analysis reads the file again while an unchanged file keeps its cached results.
/// </summary>
public sealed class DataFileWatchFeature
{
    public const string RegistrationId = "grad-csv-watcher";

    private readonly ServerContext context;

    public DataFileWatchFeature(ServerContext context)
    {
        this.context = context;
    }

    /// <summary>Registers the CSV watcher if the client can watch files for us (called on <c>initialized</c>).</summary>
    public static async Task RegisterAsync(ServerContext context)
    {
        if (!context.ClientSupports("workspace.didChangeWatchedFiles.dynamicRegistration"))
        {
            return;
        }

        var registration = new JObject
        {
            ["registrations"] = new JArray
            {
                new JObject
                {
                    ["id"] = RegistrationId,
                    ["method"] = "workspace/didChangeWatchedFiles",
                    ["registerOptions"] = new JObject
                    {
                        ["watchers"] = new JArray { new JObject { ["globPattern"] = "**/*.csv" } },
                    },
                },
            },
        };
        try
        {
            await context.Rpc.InvokeWithParameterObjectAsync<JToken?>("client/registerCapability", registration).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RemoteInvocationException or ConnectionLostException or ObjectDisposedException or RemoteMethodNotFoundException)
        {
            context.Log.Verbose($"client/registerCapability (CSV watcher) failed: {exception.Message}");
        }
    }

    [JsonRpcMethod("workspace/didChangeWatchedFiles", UseSingleObjectParameterDeserialization = true)]
    public void DidChangeWatchedFiles(DidChangeWatchedFilesParams request)
    {
        var changed = new HashSet<string>(DataFileChanges.PathComparer);
        foreach (var change in request.Changes ?? [])
        {
            if (change?.Uri is { } uri && DocumentUris.ToFilePath(uri) is { } path
                && path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            {
                var full = DataFileChanges.Normalize(path);
                DataFileChanges.Changed(full);
                changed.Add(full);
            }
        }

        if (changed.Count == 0)
        {
            return;
        }

        foreach (var document in context.Documents.All)
        {
            if (document.Compilation.Program.Data.OfType<CsvBoundData>().Any(csv => changed.Contains(DataFileChanges.Normalize(csv.Path))))
            {
                context.Scheduler.Schedule(document);
            }
        }
    }
}
