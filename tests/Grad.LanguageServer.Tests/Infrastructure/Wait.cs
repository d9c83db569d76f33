namespace Grad.LanguageServer.Tests.Infrastructure;

public static class Wait
{
    /// <summary>Polls until the condition holds; fails after the test timeout.</summary>
    public static async Task UntilAsync(Func<bool> condition, string? what = null)
    {
        var deadline = DateTime.UtcNow + TestServer.Timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what ?? "condition"} not met within the timeout");
            await Task.Delay(10);
        }
    }
}
