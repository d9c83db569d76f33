using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using Grad.Language;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language.Tests;

/// <summary>
/// Writes the baselines of a golden case: the source with its diagnostics written inline under
/// the line they start on (Bicep's style), and the syntax tree with every node's span.
/// </summary>
public static class Baselines
{
    public static string Diagnostics(Compilation compilation)
    {
        var builder = new StringBuilder();
        var source = compilation.Source;
        for (var line = 0; line < source.LineCount; line++)
        {
            var text = source.GetLineText(line);
            if (line == source.LineCount - 1 && text.Length == 0)
            {
                break;
            }

            builder.Append(text).Append('\n');
            foreach (var diagnostic in compilation.Diagnostics.Where(d => source.GetLine(d.Span.Start) == line))
            {
                var range = source.GetRange(diagnostic.Span);
                var covered = source[diagnostic.Span].Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
                builder.Append(CultureInfo.InvariantCulture,
                    $"//@[{range.Start.Line}:{range.Start.Character}-{range.End.Line}:{range.End.Character}) [{diagnostic.Code} ({diagnostic.Severity})] {diagnostic.Message} |{covered}|\n");
            }
        }

        return builder.ToString();
    }

    public static string Syntax(Compilation compilation)
    {
        var builder = new StringBuilder();
        Print(compilation.Syntax, compilation.Source, builder, 0, null);
        return builder.ToString();
    }

    private static void Print(SyntaxNode node, SourceText source, StringBuilder builder, int depth, string? role)
    {
        var range = source.GetRange(node.Span);
        builder.Append(' ', depth * 2);
        if (role is not null)
        {
            builder.Append(role).Append(": ");
        }

        builder.Append(node.GetType().Name.Replace("Syntax", "", StringComparison.Ordinal));
        builder.Append(CultureInfo.InvariantCulture, $" [{range.Start.Line}:{range.Start.Character}-{range.End.Line}:{range.End.Character})");
        foreach (var property in Properties(node))
        {
            var value = property.GetValue(node);
            switch (value)
            {
                case string s:
                    builder.Append(CultureInfo.InvariantCulture, $" {property.Name}={Quote(s)}");
                    break;
                case double d:
                    builder.Append(CultureInfo.InvariantCulture, $" {property.Name}={d.ToString("R", CultureInfo.InvariantCulture)}");
                    break;
                case bool or char:
                    builder.Append(CultureInfo.InvariantCulture, $" {property.Name}={value}");
                    break;
            }
        }

        builder.Append('\n');
        foreach (var property in Properties(node))
        {
            var value = property.GetValue(node);
            if (value is SyntaxNode child)
            {
                Print(child, source, builder, depth + 1, property.Name);
            }
            else if (value is IEnumerable items and not string)
            {
                foreach (var item in items.OfType<SyntaxNode>())
                {
                    Print(item, source, builder, depth + 1, property.Name);
                }
            }
        }
    }

    private static IEnumerable<PropertyInfo> Properties(SyntaxNode node) =>
        node.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name is not ("Span" or "EqualityContract" or "Kind" or "Keyword" or "KeywordSpan" or "OperatorSpan") && p.GetIndexParameters().Length == 0)
            .OrderBy(p => p.MetadataToken);

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
