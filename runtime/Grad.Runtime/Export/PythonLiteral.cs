using System.Globalization;
using System.Text;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Export;

/// <summary>
/// Writes a JSON value as Python source: dicts and lists one item per line unless they hold only scalars,
/// None/True/False, and every double in its shortest round-trip form, which Python's float()
/// reads back to the same bits.
/// </summary>
internal static class PythonLiteral
{
    public static string Write(JToken value, int indent = 0)
    {
        var text = new StringBuilder();
        Append(text, value, indent);
        return text.ToString();
    }

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "math.inf",
        double.NegativeInfinity => "-math.inf",
        _ when double.IsNaN(value) => "math.nan",
        _ when value == Math.Floor(value) && Math.Abs(value) < 1e15 => value.ToString("F1", CultureInfo.InvariantCulture),
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>A double-quoted Python string; unpaired surrogates become U+FFFD.</summary>
    public static string String(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var rune in value.EnumerateRunes())
        {
            text.Append(rune.Value switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < 0x20 or 0x7f => $"\\x{rune.Value:x2}",
                _ => rune.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    private static void Append(StringBuilder text, JToken value, int indent)
    {
        switch (value)
        {
            case JObject dictionary when dictionary.Properties().All(p => p.Value is JValue):
                text.Append('{').AppendJoin(", ", dictionary.Properties().Select(p => $"{String(p.Name)}: {Write(p.Value)}")).Append('}');
                return;
            case JObject dictionary:

                text.Append("{\n");
                foreach (var property in dictionary.Properties())
                {
                    text.Append(' ', indent + 4).Append(String(property.Name)).Append(": ");
                    Append(text, property.Value, indent + 4);
                    text.Append(",\n");
                }

                text.Append(' ', indent).Append('}');
                return;
            case JArray list when list.All(item => item is JValue):
                text.Append('[').AppendJoin(", ", list.Select(item => Write(item))).Append(']');
                return;
            case JArray list:
                text.Append("[\n");
                foreach (var item in list)
                {
                    text.Append(' ', indent + 4);
                    Append(text, item, indent + 4);
                    text.Append(",\n");
                }

                text.Append(' ', indent).Append(']');
                return;
            case JValue { Value: null }:
                text.Append("None");
                return;
            case JValue { Type: JTokenType.Boolean } flag:
                text.Append((bool)flag ? "True" : "False");
                return;
            case JValue { Type: JTokenType.Integer } integer:
                text.Append(((long)integer).ToString(CultureInfo.InvariantCulture));
                return;
            case JValue { Type: JTokenType.Float } number:
                text.Append(Number((double)number));
                return;
            case JValue { Type: JTokenType.String } str:
                text.Append(String((string)str!));
                return;
            default:
                throw new ArgumentException($"no Python literal for {value.Type}", nameof(value));
        }
    }
}
