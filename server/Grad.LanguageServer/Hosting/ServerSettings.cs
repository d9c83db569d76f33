using Grad.Language.Resources;
using Grad.Runtime.Contracts;
using Grad.Runtime.Training;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Hosting;

/// <summary>
/// The user's settings, from initializationOptions <c>{analysis: {debounceMs, autoRun, budgetSeconds},
/// limits: {parameters, …}, data: {allowOutsideWorkspace}, landscape: {resolution, directions}, trusted}</c> and later
/// <c>workspace/didChangeConfiguration</c> (<c>{grad: {analysis: …, limits: …}}</c> or the same shape).
/// <see cref="Trusted"/> is false in VS Code's Restricted Mode: no data file is read and no run runs.
/// </summary>
public sealed record ServerSettings(int DebounceMs = 250, bool AutoRun = false, double BudgetSeconds = 10, bool AllowDataOutsideWorkspace = false, bool Trusted = true)
{
    /// <summary>The resource limits documents are checked against (docs/limits.md).</summary>
    public ResourceLimits Limits { get; init; } = ResourceLimits.Default;

    public TimeSpan Budget => TimeSpan.FromSeconds(BudgetSeconds);

    /// <summary>The editor's default landscape resolution: 21 + 21² = 462 forward passes over the data (docs/training.md).</summary>
    public const int DefaultLandscapeResolution = 21;

    /// <summary><c>grad.landscape.resolution</c>: points along the line and per side of the plane; 0, no landscape.</summary>
    public int LandscapeResolution { get; init; } = DefaultLandscapeResolution;

    /// <summary><c>grad.landscape.directions</c>: the plane's directions.</summary>
    public LandscapeDirections LandscapeDirections { get; init; } = LandscapeDirections.Random;

    /// <summary>
    /// The loss landscape a training run started from the editor computes, or null (resolution 0): the request of
    /// <c>grad run --landscape N --landscape-dirs D</c> (docs/training.md), its resolution lowered to fit the analysis budget.
    /// </summary>
    public LandscapeRequest? Landscape => LandscapeResolution == 0 ? null
        : new LandscapeRequest(LandscapeResolution, LandscapeDirections) { TimeBudget = Budget };

    /// <summary>The settings with whatever the JSON gives; missing or ill-typed values keep their current value.</summary>
    public ServerSettings With(JToken? settings)
    {
        if (settings is not JObject root)
        {
            return this;
        }

        var result = this;
        if (root["trusted"] is JValue { Type: JTokenType.Boolean } trusted)
        {
            result = result with { Trusted = trusted.Value<bool>() };
        }

        var limits = (root["grad"] as JObject)?["limits"] as JObject ?? root["limits"] as JObject;
        foreach (var info in ResourceLimits.All)
        {
            // A whole number ≥ 1 (as `--limit NAME=N` takes); anything else keeps the current value.
            if (limits?[info.Name] is JValue { Type: JTokenType.Integer or JTokenType.Float } value
                && value.Value<double>() is var number && number >= 1 && number <= long.MaxValue && Math.Floor(number) == number)
            {
                result = result with { Limits = result.Limits.With(info.Kind, (long)number) };
            }
        }

        var data = (root["grad"] as JObject)?["data"] as JObject ?? root["data"] as JObject;
        if (data?["allowOutsideWorkspace"] is JValue { Type: JTokenType.Boolean } outside)
        {
            result = result with { AllowDataOutsideWorkspace = outside.Value<bool>() };
        }

        var landscape = (root["grad"] as JObject)?["landscape"] as JObject ?? root["landscape"] as JObject;
        // 0 turns landscapes off; otherwise a whole number that --landscape takes (3 … 99); anything else keeps the current value.
        if (landscape?["resolution"] is JValue { Type: JTokenType.Integer or JTokenType.Float } resolutionValue
            && resolutionValue.Value<double>() is var resolution && Math.Floor(resolution) == resolution
            && (resolution == 0 || resolution is >= LandscapeRequest.MinResolution and <= LandscapeRequest.MaxResolution))
        {
            result = result with { LandscapeResolution = (int)resolution };
        }

        if (landscape?["directions"] is JValue { Type: JTokenType.String } directions && directions.Value<string>() is "random" or "pca")
        {
            result = result with { LandscapeDirections = directions.Value<string>() == "pca" ? LandscapeDirections.Pca : LandscapeDirections.Random };
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
