using Grad.Language.Resources;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Hosting;

/// <summary>
/// The user's settings, from initializationOptions <c>{analysis: {debounceMs, autoRun, budgetSeconds}}</c>
/// and later <c>workspace/didChangeConfiguration</c> (<c>{grad: {analysis: …}}</c> or the same shape).
/// </summary>
public sealed record ServerSettings(int DebounceMs = 250, bool AutoRun = false, double BudgetSeconds = 10, bool AllowDataOutsideWorkspace = false)
{
    /// <summary>The resource limits documents are checked against (docs/limits.md).</summary>
    public ResourceLimits Limits { get; init; } = ResourceLimits.Default;

    public TimeSpan Budget => TimeSpan.FromSeconds(BudgetSeconds);

    /// <summary>The settings with whatever the JSON gives; missing or ill-typed values keep their current value.</summary>
    public ServerSettings With(JToken? settings)
    {
        if (settings is not JObject root)
        {
            return this;
        }

        var result = this;
        var data = (root["grad"] as JObject)?["data"] as JObject ?? root["data"] as JObject;
        if (data?["allowOutsideWorkspace"] is JValue { Type: JTokenType.Boolean } outside)
        {
            result = result with { AllowDataOutsideWorkspace = outside.Value<bool>() };
        }

        var analysis = (root["grad"] as JObject)?["analysis"] as JObject ?? root["analysis"] as JObject;
        if (analysis is null)
        {
            return result;
        }

        if (analysis["debounceMs"] is JValue { Type: JTokenType.Integer or JTokenType.Float } debounce)
        {
            result = result with { DebounceMs = Math.Clamp((int)debounce.Value<double>(), 0, 60_000) };
        }

        if (analysis["autoRun"] is JValue { Type: JTokenType.Boolean } autoRun)
        {
            result = result with { AutoRun = autoRun.Value<bool>() };
        }

        if (analysis["budgetSeconds"] is JValue { Type: JTokenType.Integer or JTokenType.Float } budget)
        {
            result = result with { BudgetSeconds = Math.Clamp(budget.Value<double>(), 0.1, 3600) };
        }

        return result;
    }
}
