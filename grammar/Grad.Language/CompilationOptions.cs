using Grad.Language.Resources;

namespace Grad.Language;

/// <summary>
/// What a compilation may use: the resource limits it checks and the resolver that decides which
/// data files it may read. The CLI builds one from its flags, the server from its settings.
/// </summary>
public sealed record CompilationOptions(ResourceLimits Limits, IFileResolver Files)
{
    /// <summary>Reads the weights that <c>init from "FILE.json" run RUN</c> names (the runtime's); null: such a network is an error.</summary>
    public IRunWeightsReader? Weights { get; init; }

    /// <summary>Default limits and no data files (every <c>csv("…")</c> is "not found").</summary>
    public static CompilationOptions Default { get; } = new(ResourceLimits.Default, InMemoryFileResolver.Empty);
}
