using System.Globalization;
using Grad.Language.Diagnostics;
using Grad.Language.Text;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// The server's own bounds on what one document may cost it, beyond the binder's resource
/// limits: every analysis within the time budget (data loading, the initial analysis and result
/// conversion included), traces of a fixed size, hovers and messages of a bounded length
/// (docs/limits.md, "The editor").
/// </summary>
public static class AnalysisLimits
{
    /// <summary>Points kept of a run's trace in the editor, whatever <c>record every</c> says (evenly spaced, first and last kept).</summary>
    public const int TracePoints = 2_000;

    /// <summary>Characters of a hover's markdown; longer text is cut with a note.</summary>
    public const int HoverCharacters = 20_000;

    /// <summary>Characters of a diagnostic's message (and of each related message).</summary>
    public const int MessageCharacters = 2_000;

    /// <summary>How long past the time budget the scheduler waits for work that does not check for cancellation.</summary>
    public static readonly TimeSpan Overrun = TimeSpan.FromSeconds(1);

    /// <summary>The text, or its first <paramref name="max"/> characters and a note saying it was cut.</summary>
    public static string Cap(string text, int max, string what)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
        return string.Concat(text.AsSpan(0, cut), string.Create(CultureInfo.InvariantCulture, $"\n\n… ({what} cut at {max:N0} of {text.Length:N0} characters)"));
    }

    /// <summary>GRAD0510: the analysis used up its time budget; the compiler's diagnostics still apply.</summary>
    public static Diagnostic TimeLimit(TimeSpan budget) =>
        Diagnostic.Create(DiagnosticCatalog.AnalysisSkipped, new TextSpan(0, 0),
            string.Create(CultureInfo.InvariantCulture, $"The gradient analysis stopped at its time limit of {budget.TotalSeconds:0.##} s (data loading, the analysis at the initial weights and the minimize runs together); syntax and name checks still apply. Raise `grad.analysis.budgetSeconds` to allow more, or make the file ask for less (fewer samples, steps or layers)."));

    /// <summary>GRAD0510: the analysis ran out of memory or stack; the compiler's diagnostics still apply.</summary>
    public static Diagnostic ResourceLimit(Exception exception) =>
        Diagnostic.Create(DiagnosticCatalog.AnalysisSkipped, new TextSpan(0, 0),
            $"The gradient analysis stopped: the file asks for more {(exception is OutOfMemoryException ? "memory" : "nesting")} than the server can give it; syntax and name checks still apply. Make the file ask for less (fewer samples, units, layers or steps); the limits are listed in docs/limits.md.");

    /// <summary>Exceptions that mean "the file asks for too much", not "Grad has a bug" (GRAD0510, not GRAD0504).</summary>
    public static bool IsResourceExhaustion(Exception exception) =>
        exception is OutOfMemoryException or InsufficientExecutionStackException
        || (exception is AggregateException aggregate && aggregate.InnerExceptions.All(IsResourceExhaustion));

    /// <summary>
    /// Runs work on a thread of its own (<see cref="DedicatedThreads"/>), never on the thread pool: work
    /// that blocks (a file that never ends) or runs long cannot starve the requests and the other
    /// documents. Inside, <see cref="TaskScheduler.Current"/> is the default one (HideScheduler).
    /// </summary>
    public static Task<T> OnOwnThread<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach | TaskCreationOptions.HideScheduler, DedicatedThreads.Instance);
}
