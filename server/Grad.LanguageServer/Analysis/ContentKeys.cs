using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Grad.Language;
using Grad.Language.Semantics;
using Grad.Runtime.Analysis;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// Cache keys made of the exact inputs an analysis reads (the declarations involved, the run
/// settings that choose its batch, every constant, a data file's stamp), so that an edit
/// elsewhere in the file reuses the result and an edit of any input does not.
/// </summary>
public static class ContentKeys
{
    /// <summary>The runtime's own list of what a network's judgement reads (the network, its data, the run's batch and seed), plus the data file and constants.</summary>
    public static string Network(Compilation compilation, BoundNetwork network)
    {
        var builder = new StringBuilder(Analyzer.NetworkInputs(compilation, network));
        if (NetworkAnalyzer.FirstTrainingRun(compilation.Program, network)?.Data is { } data)
        {
            AppendDataFile(builder, data);
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
            AppendDataFile(builder, run.Data);
        }

        // A sweep member (v2) is the base run with the sweep's values: the sweep's text and the member's name.
        if (run.Member is { } member && compilation.Program.Sweeps.FirstOrDefault(s => s.Name == member.Sweep) is { } sweep)
        {
            builder.Append(compilation.Source[sweep.Syntax.Span]).Append('\n').Append(run.Name).Append('\n');
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

    /// <summary>
    /// A CSV file's last-write time and length (file metadata only: nothing is read), and how many
    /// times the client reported it changed, so that editing the file on disk makes a new key.
    /// </summary>
    private static void AppendDataFile(StringBuilder builder, BoundData data)
    {
        if (data is not CsvBoundData csv)
        {
            return;
        }

        builder.Append("file ").Append(csv.Path).Append(' ');
        try
        {
            var file = new FileInfo(csv.Path);
            if (file.Exists)
            {
                builder.Append(file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append(' ')
                    .Append(file.Length.ToString(CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append("missing");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            builder.Append("unreadable");
        }

        builder.Append(" #").Append(DataFileChanges.Generation(csv.Path).ToString(CultureInfo.InvariantCulture)).Append('\n');
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
