using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>A CSV file edited on disk: the analysis notices it (the content keys hold its last-write time and length).</summary>
public sealed class DataFileTests : IDisposable
{
    private const string Program = """
        network net {
          input 1
          dense 1 sigmoid
          loss mse
        }

        data points = csv("points.csv", target = "y")

        run fit {
          train net on points
          optimizer sgd(lr = 0.1)
          epochs 1
        }

        """;

    private readonly string directory = Directory.CreateTempSubdirectory("grad-csv-").FullName;

    private string CsvPath => Path.Combine(directory, "points.csv");

    private string GradUri => new Uri(Path.Combine(directory, "fit.grad")).AbsoluteUri;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task A_csv_change_reported_by_the_client_reanalyses_the_documents_that_read_it()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        await OpenWithMissingColumnAsync(server);

        var seen = server.Notifications.Count;
        FixColumn();
        await server.NotifyAsync("workspace/didChangeWatchedFiles", new
        {
            changes = new[] { new { uri = new Uri(CsvPath).AbsoluteUri, type = 2 } },
        });

        var diagnostics = await DiagnosticsOfNextAnalysisAsync(server, 1, seen);
        Assert.DoesNotContain(diagnostics, d => d["code"]!.ToString() == "GRAD0400");
    }

    [Fact]
    public async Task A_csv_change_is_noticed_on_the_next_edit_even_with_the_same_text()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        await OpenWithMissingColumnAsync(server);

        var seen = server.Notifications.Count;
        FixColumn();
        await server.ChangeAsync(GradUri, 2, Program);

        var diagnostics = await DiagnosticsOfNextAnalysisAsync(server, 2, seen);
        Assert.DoesNotContain(diagnostics, d => d["code"]!.ToString() == "GRAD0400");
    }

    [Fact]
    public async Task A_change_to_another_file_keeps_the_cached_analysis()
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        await OpenWithMissingColumnAsync(server);

        var seen = server.Notifications.Count;
        await server.NotifyAsync("workspace/didChangeWatchedFiles", new
        {
            changes = new[] { new { uri = new Uri(Path.Combine(directory, "other.csv")).AbsoluteUri, type = 1 } },
        });
        await server.ChangeAsync(GradUri, 2, Program);

        // Not re-analysed for the unrelated file: the next analysis is the edit's, and the file
        // did not change, so the diagnostic stays.
        var diagnostics = await DiagnosticsOfNextAnalysisAsync(server, 2, seen);
        Assert.Contains(diagnostics, d => d["code"]!.ToString() == "GRAD0400");
        Assert.DoesNotContain(server.Notifications.Skip(seen), n => n.Method == "grad/analysisState" && (int?)n.Params["version"] == 1);
    }

    [Fact]
    public async Task The_server_asks_a_client_that_can_watch_files_to_watch_csv_files()
    {
        var capabilities = new JObject { ["workspace"] = new JObject { ["didChangeWatchedFiles"] = new JObject { ["dynamicRegistration"] = true } } };
        await using var watching = await TestServer.StartAsync(capabilities: capabilities);
        var registration = await watching.WaitForNotificationAsync("client/registerCapability", _ => true);
        var entry = Assert.Single((JArray)registration["registrations"]!);
        Assert.Equal("workspace/didChangeWatchedFiles", entry["method"]!.ToString());
        Assert.Equal("**/*.csv", entry["registerOptions"]!["watchers"]![0]!["globPattern"]!.ToString());

        // A client that cannot watch files is not asked (and nothing new is advertised).
        await using var plain = await TestServer.StartAsync();
        var uri = plain.NewUri();
        await plain.OpenAsync(uri, "let a = 1\n");
        await plain.WaitForAnalysisAsync(uri, 1);
        Assert.DoesNotContain(plain.Notifications, n => n.Method == "client/registerCapability");
    }

    private async Task OpenWithMissingColumnAsync(TestServer server)
    {
        File.WriteAllText(CsvPath, "x,target\n1,0.5\n2,1\n");
        File.SetLastWriteTimeUtc(CsvPath, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        await server.OpenAsync(GradUri, Program);
        var diagnostics = await server.WaitForDiagnosticsAsync(GradUri, 1, d => d.Any(x => x["code"]!.ToString() == "GRAD0400"));
        var missing = diagnostics.First(x => x["code"]!.ToString() == "GRAD0400");
        Assert.Contains("no column 'y'", missing["message"]!.ToString(), StringComparison.Ordinal);
        await server.WaitForAnalysisAsync(GradUri, 1);
    }

    private void FixColumn()
    {
        File.WriteAllText(CsvPath, "x,y\n1,0.5\n2,1\n");
        File.SetLastWriteTimeUtc(CsvPath, new DateTime(2026, 1, 1, 0, 0, 1, DateTimeKind.Utc));
    }

    /// <summary>The diagnostics last published before the next "ready" of this version after notification <paramref name="seen"/>.</summary>
    private async Task<JArray> DiagnosticsOfNextAnalysisAsync(TestServer server, int version, int seen)
    {
        var uri = GradUri;
        bool IsReady((string Method, JToken Params) n) =>
            n.Method == "grad/analysisState" && n.Params["uri"]?.ToString() == uri && (int?)n.Params["version"] == version && n.Params["state"]?.ToString() == "ready";
        await Wait.UntilAsync(() => server.Notifications.Skip(seen).Any(IsReady), $"analysis of v{version}");
        var after = server.Notifications.Skip(seen).ToList();
        var ready = after.FindIndex(n => IsReady(n));
        var published = after.Take(ready).Last(n => n.Method == "textDocument/publishDiagnostics" && n.Params["uri"]?.ToString() == uri);
        return (JArray)published.Params["diagnostics"]!;
    }
}
