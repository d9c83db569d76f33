using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

public sealed class SchedulingTests
{
    private static JObject Options(bool autoRun, double budgetSeconds = 7) =>
        new() { ["analysis"] = new JObject { ["debounceMs"] = 0, ["autoRun"] = autoRun, ["budgetSeconds"] = budgetSeconds } };

    [Fact]
    public async Task Training_runs_only_when_asked()
    {
        var analysis = new FakeAnalysisService();
        await using var server = await TestServer.StartAsync(analysis);
        var uri = server.NewUri();
        await server.OpenAsync(uri, Samples.TrainFile);
        await server.WaitForAnalysisAsync(uri, 1);
        Assert.Equal(0, analysis.RunCalls);
        Assert.DoesNotContain("after `fit`", await server.HoverAsync(uri, new(3, 4)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_autoRun_training_runs_in_the_background_within_the_budget()
    {
        var analysis = new FakeAnalysisService();
        await using var server = await TestServer.StartAsync(analysis, initializationOptions: Options(autoRun: true));
        var uri = server.NewUri();
        await server.OpenAsync(uri, Samples.TrainFile);
        await Wait.UntilAsync(() => analysis.RunCalls == 1, "the training run");
        Assert.Equal(TimeSpan.FromSeconds(7), analysis.LastBudget!.Time);
        await Wait.UntilAsync(() => server.Host.Context.Scheduler.BusyDocuments == 0);
        Assert.Contains("after `fit`", await server.HoverAsync(uri, new(3, 4)), StringComparison.Ordinal);

        // Cached by content: an edit elsewhere does not train again.
        await server.ChangeAsync(uri, 2, Samples.TrainFile + "\n// a comment\n");
        await server.WaitForAnalysisAsync(uri, 2);
        await Wait.UntilAsync(() => server.Host.Context.Scheduler.BusyDocuments == 0);
        Assert.Equal(1, analysis.RunCalls);
    }

    [Fact]
    public async Task A_newer_version_cancels_a_background_training_run()
    {
        var analysis = new FakeAnalysisService { RunBlocksUntilCancelled = true };
        await using var server = await TestServer.StartAsync(analysis, initializationOptions: Options(autoRun: true));
        var uri = server.NewUri();
        await server.OpenAsync(uri, Samples.TrainFile);
        await analysis.RunStarted.Task.WaitAsync(TestServer.Timeout);
        await server.ChangeAsync(uri, 2, Samples.TrainFile.Replace("epochs 10", "epochs 20", StringComparison.Ordinal));
        await analysis.RunCancelled.Task.WaitAsync(TestServer.Timeout);
    }

    [Fact]
    public async Task Results_are_cached_by_content()
    {
        var analysis = new FakeAnalysisService();
        await using var server = await TestServer.StartAsync(analysis);
        var uri = server.NewUri();
        await server.OpenAsync(uri, Samples.TrainFile);
        await server.WaitForAnalysisAsync(uri, 1);
        var calls = analysis.NetworkCalls;
        await server.ChangeAsync(uri, 2, "// edited\n" + Samples.TrainFile);
        await server.WaitForAnalysisAsync(uri, 2);
        Assert.Equal(calls, analysis.NetworkCalls);
        await server.ChangeAsync(uri, 3, Samples.TrainFile.Replace("repeat 3", "repeat 4", StringComparison.Ordinal));
        await server.WaitForAnalysisAsync(uri, 3);
        Assert.Equal(calls + 1, analysis.NetworkCalls);
    }

    [Fact]
    public async Task Debounce_setting_delays_the_analysis()
    {
        var analysis = new FakeAnalysisService();
        await using var server = await TestServer.StartAsync(analysis);
        await server.NotifyAsync("workspace/didChangeConfiguration", new { settings = new { grad = new { analysis = new { debounceMs = 400 } } } });
        await Wait.UntilAsync(() => server.Host.Context.Settings.DebounceMs == 400);
        var uri = server.NewUri();
        var opened = DateTime.UtcNow;
        await server.OpenAsync(uri, Samples.TrainFile);
        await server.WaitForAnalysisAsync(uri, 1);
        Assert.True(DateTime.UtcNow - opened >= TimeSpan.FromMilliseconds(350));
    }
}
