using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Grad.Language;
using Grad.Language.Semantics;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// Cache keys made of the text an analysis depends on (the declarations involved and every
/// constant), so that an edit elsewhere in the file reuses the result.
/// </summary>
public static class ContentKeys
{
    public static string Network(Compilation compilation, BoundNetwork network)
    {
        var builder = new StringBuilder("network\n");
        builder.Append(compilation.Source[network.Syntax.Span]).Append('\n');
        // grad inspect measures a network on the data of the first run that trains it.
        var data = compilation.Program.Runs.FirstOrDefault(r => r.Network?.Name == network.Name)?.Data;
        if (data is not null)
        {
            builder.Append(compilation.Source[data.Syntax.Span]).Append('\n');
        }

        return Finish(builder, compilation);
    }

    public static string Run(Compilation compilation, BoundRun run)
    {
        var builder = new StringBuilder("run\n");
        builder.Append(compilation.Source[run.Syntax.Span]).Append('\n');
        if (run.Cost is not null)
        {
            builder.Append(compilation.Source[run.Cost.Syntax.Span]).Append('\n');
        }

        if (run.Network is not null)
        {
            builder.Append(compilation.Source[run.Network.Syntax.Span]).Append('\n');
        }

        if (run.Data is not null)
        {
            builder.Append(compilation.Source[run.Data.Syntax.Span]).Append('\n');
        }

        return Finish(builder, compilation);
    }

    public static string Cost(BoundCost cost, IReadOnlyList<double> point)
    {
        var builder = new StringBuilder("cost\n").Append(cost.Body).Append('\n');
        foreach (var value in point)
        {
            builder.Append(value.ToString("R", CultureInfo.InvariantCulture)).Append(',');
        }

        return builder.ToString();
    }

    private static string Finish(StringBuilder builder, Compilation compilation) =>
        builder.Append(Shared.GetValue(compilation, RenderShared)).ToString();

    /// <summary>
    /// Every constant (a declaration may use any of them) and the file path (csv paths are
    /// relative to it), as a SHA-256 computed once per compilation: keys stay short in a file of
    /// thousands of constants.
    /// </summary>
    private static readonly ConditionalWeakTable<Compilation, string> Shared = new();

    private static string RenderShared(Compilation compilation)
    {
        var builder = new StringBuilder();
        foreach (var constant in compilation.Program.Constants.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            builder.Append(constant.Key).Append('=').Append(constant.Value.ToString("R", CultureInfo.InvariantCulture)).Append(';');
        }

        builder.Append('\n').Append(compilation.FilePath);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }
}
