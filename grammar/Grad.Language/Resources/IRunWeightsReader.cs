using Grad.Language.Semantics;

namespace Grad.Language.Resources;

/// <summary>
/// The final weights of one training run in a result that <c>grad run --json</c> wrote, or why
/// there are none. <see cref="Error"/> is the end of a message in the user's terms that the binder
/// starts with the file's name: when <see cref="RunMissing"/>, what is wrong with the run ("has no
/// training run 'b'"), at the run's name, with the file's training runs in <see cref="TrainingRuns"/>;
/// otherwise why the text is not a result ("line 1: unexpected end"), at the path.
/// </summary>
public sealed record RunWeightsLookup(IReadOnlyList<LayerWeights>? Layers, string? Error, bool RunMissing, IReadOnlyList<string> TrainingRuns)
{
    public static RunWeightsLookup Found(IReadOnlyList<LayerWeights> layers) => new(layers, null, false, []);

    public static RunWeightsLookup NotAResult(string error) => new(null, error, false, []);

    public static RunWeightsLookup NoSuchRun(string error, IReadOnlyList<string> trainingRuns) => new(null, error, true, trainingRuns);
}

/// <summary>
/// Reads a run's final weights from the text of a Grad result, for <c>init from</c>. The language
/// does not parse the result format itself: the runtime's serializer implements this, and the CLI
/// and the server pass it in <see cref="CompilationOptions.Weights"/>.
/// </summary>
public interface IRunWeightsReader
{
    RunWeightsLookup Read(string resultText, string runName);
}
