using System.Diagnostics;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>What a document may read: csv files inside the workspace folders only (unless the setting allows more), regular files only, never waiting on a pipe.</summary>
public sealed class DataFileAccessTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("grad-access-").FullName;

    public DataFileAccessTests()
    {
        Directory.CreateDirectory(Path.Combine(directory, "project"));
        Directory.CreateDirectory(Path.Combine(directory, "outside"));
        File.WriteAllText(Path.Combine(directory, "project", "in.csv"), "a,y\n0,0\n1,1\n");
        File.WriteAllText(Path.Combine(directory, "outside", "secret.csv"), "a,y\n0,0\n1,1\n");
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Uri(string relative) => new Uri(Path.Combine(directory, relative)).AbsoluteUri;

    private async Task<TestServer> StartInWorkspaceAsync(bool allowOutside = false)
    {
        var server = await TestServer.StartAsync(new RuntimeAnalysisService(), initialize: false);
        await server.RequestAsync<JObject>("initialize", new
        {
            processId = (int?)null,
            rootUri = Uri("project"),
            workspaceFolders = new[] { new { uri = Uri("project"), name = "project" } },
            capabilities = new JObject(),
            initializationOptions = new JObject
            {
                ["analysis"] = new JObject { ["debounceMs"] = 0 },
                ["data"] = new JObject { ["allowOutsideWorkspace"] = allowOutside },
            },
        });
        await server.NotifyAsync("initialized", new { });
        return server;
    }

    [Fact]
    public async Task A_csv_outside_the_workspace_folders_is_not_read_unless_the_setting_allows_it()
    {
        const string text = "data inside = csv(\"in.csv\", target = \"y\")\ndata secret = csv(\"../outside/secret.csv\", target = \"y\")\n";
        await using (var server = await StartInWorkspaceAsync())
        {
            var uri = Uri("project/a.grad");
            await server.OpenAsync(uri, text);
            var diagnostics = await server.WaitForDiagnosticsAsync(uri, 1);
            var refused = Assert.Single(diagnostics);
            Assert.Equal("GRAD0323", refused["code"]!.ToString());
            Assert.Equal(1, (int)refused["range"]!["start"]!["line"]!);
            Assert.StartsWith("'../outside/secret.csv' is outside the workspace folders", refused["message"]!.ToString(), StringComparison.Ordinal);
        }

        await using (var server = await StartInWorkspaceAsync(allowOutside: true))
        {
            var uri = Uri("project/b.grad");
            await server.OpenAsync(uri, text);
            Assert.Empty(await server.WaitForDiagnosticsAsync(uri, 1));
        }
    }

    [Fact]
    public async Task A_fifo_named_as_data_is_refused_at_once_and_another_document_is_served()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fifo = Path.Combine(directory, "project", "pipe.csv");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }

        await using var server = await StartInWorkspaceAsync();
        var hostile = Uri("project/hostile.grad");
        await server.OpenAsync(hostile, "network n {\n input 1\n dense 1 sigmoid\n loss mse\n}\ndata d = csv(\"pipe.csv\", target = \"y\")\nrun r {\n train n on d\n optimizer sgd(lr = 0.1)\n}\n");
        var normal = Uri("project/normal.grad");
        await server.OpenAsync(normal, "let a = 1\nlet a = 2\n");

        var normalDiagnostics = await server.WaitForDiagnosticsAsync(normal, 1);
        Assert.Equal("GRAD0101", Assert.Single(normalDiagnostics)["code"]!.ToString());
        var refused = Assert.Single(await server.WaitForDiagnosticsAsync(hostile, 1));
        Assert.Equal("'pipe.csv' is not a regular file (a device, pipe or socket); Grad reads data only from ordinary files", refused["message"]!.ToString());
        Assert.NotNull(await server.HoverAsync(normal, new(0, 4)));
    }
}
