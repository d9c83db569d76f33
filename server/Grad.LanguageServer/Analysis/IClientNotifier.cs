using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.LanguageServer.Documents;

namespace Grad.LanguageServer.Analysis;

/// <summary>What the analysis tells the client. The host implements it over JSON-RPC.</summary>
public interface IClientNotifier
{
    /// <summary>Publishes the compiler's and the analysis' diagnostics if the snapshot is still the document's current version.</summary>
    Task PublishAsync(DocumentSnapshot snapshot, ImmutableArray<Diagnostic> analysisDiagnostics);

    /// <summary>Clears a closed document's diagnostics.</summary>
    Task ClearAsync(string uri);

    Task AnalysisStateAsync(DocumentSnapshot snapshot, string state, string? message = null);

    /// <summary>Asks the client to re-query code lenses, inlay hints and semantic tokens (when it supports it).</summary>
    Task RefreshViewsAsync();
}
