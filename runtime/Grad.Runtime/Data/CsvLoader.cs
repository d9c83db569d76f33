using System.Globalization;
using System.Text;
using Grad.Language.Resources;
using Grad.Language.Semantics;

namespace Grad.Runtime.Data;

/// <summary>
/// Reads <c>csv("path", target = "column")</c>: a header row, comma-separated fields (double
/// quotes allowed, <c>""</c> inside quotes is a quote), blank lines skipped. The target column
/// is the target; the other columns, in file order, are the features and must be numbers. A
/// non-numeric target is one-hot encoded over its distinct values in ordinal order.
/// </summary>
public static class CsvLoader
{
    /// <summary>Reads the file through the resolver that allowed it (regular files only, under the size limit, never blocking).</summary>
    public static DataLoadResult Load(CsvBoundData csv)
    {
        var read = csv.Files.ReadText(csv.File, csv.MaxBytes);
        return read.Text is { } text
            ? Parse(csv.Name, text, Path.GetFileName(csv.File.WrittenPath), csv.Target)
            : DataLoadResult.Failure(read.Error!);
    }

    /// <summary>Parses CSV text; <paramref name="fileName"/> only names the file in messages.</summary>
    public static DataLoadResult Parse(string name, string text, string fileName, string target)
    {
        fileName = FilePaths.Escape(fileName);
        var lines = new List<(int Line, List<string> Fields)>();
        var lineNumber = 0;
        using (var reader = new StringReader(text))
        {
            while (reader.ReadLine() is { } line)
            {
                lineNumber++;
                if (line.Trim().Length > 0)
                {
                    lines.Add((lineNumber, SplitFields(line)));
                }
            }
        }

        if (lines.Count == 0)
        {
            return DataLoadResult.Failure($"{fileName} is empty: expected a header row naming the columns, then one row per sample");
        }

        var header = lines[0].Fields.Select(f => f.Trim()).ToList();
        var targetColumn = header.IndexOf(target);
        if (targetColumn < 0)
        {
            return DataLoadResult.Failure($"{fileName} has no column '{FilePaths.Escape(target)}' (its columns are {Columns(header)})");
        }

        if (header.Count < 2)
        {
            return DataLoadResult.Failure($"{fileName} has no feature columns besides the target '{FilePaths.Escape(target)}'");
        }

        if (lines.Count == 1)
        {
            return DataLoadResult.Failure($"{fileName} has a header but no data rows");
        }

        var featureWidth = header.Count - 1;
        var rows = lines.Count - 1;
        var features = new double[rows * featureWidth];
        var targetTexts = new string[rows];
        for (var r = 0; r < rows; r++)
        {
            var (line, fields) = lines[r + 1];
            if (fields.Count != header.Count)
            {
                return DataLoadResult.Failure($"{fileName}:{line}: expected {header.Count} fields as in the header, found {fields.Count}");
            }

            var column = 0;
            for (var c = 0; c < fields.Count; c++)
            {
                var field = fields[c].Trim();
                if (c == targetColumn)
                {
                    targetTexts[r] = field;
                    continue;
                }

                if (!TryParseNumber(field, out var value))
                {
                    return DataLoadResult.Failure($"{fileName}:{line}: column '{FilePaths.Escape(header[c], 30)}' has the non-numeric value '{FilePaths.Escape(field, 30)}'; feature columns must be numbers");
                }

                features[r * featureWidth + column++] = value;
            }
        }

        if (targetTexts.All(t => TryParseNumber(t, out _)))
        {
            var targets = targetTexts.Select(t => TryParseNumber(t, out var v) ? v : 0).ToArray();
            return DataLoadResult.Success(new DataSet(name, features, featureWidth, targets, 1));
        }

        var classes = targetTexts.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var oneHot = new double[rows * classes.Count];
        for (var r = 0; r < rows; r++)
        {
            oneHot[r * classes.Count + classes.IndexOf(targetTexts[r])] = 1;
        }

        return DataLoadResult.Success(new DataSet(name, features, featureWidth, oneHot, classes.Count) { ClassNames = classes });
    }

    /// <summary>The header's columns for a message: short, escaped excerpts of at most the first eight.</summary>
    private static string Columns(List<string> header) =>
        string.Join(", ", header.Take(8).Select(h => $"'{FilePaths.Escape(h, 30)}'")) + (header.Count > 8 ? $", … ({header.Count} columns)" : "");

    private static bool TryParseNumber(string field, out double value) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    private static List<string> SplitFields(string line)
    {
        var fields = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    current.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        fields.Add(current.ToString());
        return fields;
    }
}
