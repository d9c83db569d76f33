using System.Globalization;
using System.Text;
using Grad.Language.Resources;
using Grad.Language.Semantics;

namespace Grad.Runtime.Tests.Fuzzing;

/// <summary>
/// Programs generated from Grad.g4's rules (every declaration, item, call and expression form,
/// with the built-ins' real names and sizes chosen around the limits and the int/long
/// boundaries), and mutations of valid ones at the token level (deleted, duplicated, repeated
/// and spliced runs of tokens, extreme numbers). Seeded: a case number reproduces its input.
/// </summary>
public sealed class GrammarFuzzer(int seed)
{
    private static readonly string[] Sizes =
    [
        "0", "1", "2", "3", "8", "64", "1000", "1001", "65536", "65537", "1e6", "10000000", "10000001", "1e8",
        "2147483647", "2147483648", "4294967297", "1e18", "9223372036854775807", "1e300", "1e999", "-1", "0.5", ".5", "1e-3",
    ];

    private static readonly string[] Numbers = ["0", "1", "0.5", "2", "-3", "1e-8", "1e300", "1e-320", "1e999", "3.25", ".5", "10"];

    private static readonly string[] Paths =
    [
        "x.csv", "data/points.csv", "../outside.csv", "/dev/zero", "/dev/stdin", "/proc/self/environ", "/etc/passwd", "", ".", "..", "a\\\"b.csv", "\\\\",
    ];

    private static readonly string[] Metrics = ["change", "grad", "cost", "loss", "speed"];

    private readonly Random random = new(seed);

    /// <summary>The size of a file the tools read in full; a longer one is refused before it is lexed.</summary>
    private static readonly int MaxCharacters = (int)ResourceLimits.Default[LimitKind.SourceCharacters];

    /// <summary>
    /// Case <paramref name="index"/>: three in four generated from the grammar, one in four a mutation
    /// of a generated or example program. A mutation that grew past the source size limit is, half the
    /// time, cut to just under it (the largest file read in full), otherwise kept (a file refused at once).
    /// </summary>
    public string Case(int index, IReadOnlyList<string> examples)
    {
        if (index % 4 != 3)
        {
            return Program();
        }

        var mutated = Mutate(random.Next(2) == 0 ? examples[random.Next(examples.Count)] : Program());
        return mutated.Length > MaxCharacters && random.Next(2) == 0 ? mutated[..(MaxCharacters - random.Next(1_000))] : mutated;
    }

    public string Program()
    {
        var text = new StringBuilder();
        var declarations = random.Next(1, 9);
        for (var i = 0; i < declarations; i++)
        {
            text.Append(Pick(random.Next(12)) switch
            {
                0 => $"let {Name()} = {Expression(Depth())}",
                1 => $"cost {Name()}({string.Join(", ", Enumerable.Range(0, random.Next(0, 4)).Select(_ => Name()))}) = {Expression(Depth())}",
                2 => Network(),
                3 => Data(),
                4 => Run(),
                5 => Chain(),
                6 or 7 => Network(),
                8 or 9 => Run(),
                _ => Data(),
            });
            text.Append(random.Next(8) == 0 ? " // trailing\r\n" : "\n");
        }

        return text.ToString();
    }

    private static int Pick(int value) => value;

    private int Depth() => random.Next(10) == 0 ? random.Next(0, 60) : random.Next(0, 5);

    private string Name() => random.Next(6) switch
    {
        0 => "w",
        1 => "a",
        2 => "net",
        3 => "d",
        4 => "bowl",
        _ => "n" + random.Next(4),
    };

    private string Size() => Sizes[random.Next(Sizes.Length)];

    /// <summary>Long chains, sign runs with trivia between the signs, nested calls: around the nesting guard of 1,000 levels.</summary>
    private string Chain()
    {
        var length = random.Next(20) switch
        {
            < 10 => random.Next(2, 50),
            < 15 => random.Next(900, 1_100),
            < 18 => random.Next(1, 5_000),
            _ => random.Next(5_000, 16_000),
        };
        var op = "+-*/^"[random.Next(5)].ToString();
        return random.Next(5) switch
        {
            0 => $"cost c{random.Next(3)}(w) = " + string.Join(op, Enumerable.Repeat("w", length)),
            1 => "let s = " + string.Concat(Enumerable.Repeat(random.Next(3) switch { 0 => "-\n", 1 => "- /* c */ ", _ => "+ // c\n" }, length)) + "1",
            2 => "cost e(w) = " + string.Concat(Enumerable.Repeat("exp(", length)) + "w" + new string(')', random.Next(2) == 0 ? length : length / 2),
            3 => "data deep { x: " + new string('[', length) + "1" + new string(']', length) + " y: [1] }",
            _ => string.Concat(Enumerable.Range(0, Math.Min(length, 7_000)).Select(i => $"let l{i} = l{(random.Next(3) == 0 ? (i + 1) % Math.Min(length, 7_000) : Math.Max(0, i - 1))} + 1\n")),
        };
    }

    private string Expression(int depth)
    {
        if (depth <= 0)
        {
            return random.Next(3) == 0 ? Name() : Numbers[random.Next(Numbers.Length)];
        }

        return random.Next(7) switch
        {
            0 => $"{Expression(depth - 1)} {"+-*/^"[random.Next(5)]} {Expression(depth - 1)}",
            1 => $"-{Expression(depth - 1)}",
            2 => $"({Expression(depth - 1)})",
            3 => $"{Builtins.Functions[random.Next(Builtins.Functions.Length)].Name}({Expression(depth - 1)})",
            4 => $"{Expression(depth - 1)}^{Expression(depth - 1)}",
            5 => $"+{Expression(depth - 1)}",
            _ => Expression(0),
        };
    }

    private string Call(System.Collections.Immutable.ImmutableArray<Builtin> catalogue)
    {
        var builtin = catalogue[random.Next(catalogue.Length)];
        if (builtin.Parameters.IsEmpty || random.Next(4) == 0)
        {
            return random.Next(10) == 0 ? builtin.Name + "()" : builtin.Name;
        }

        var arguments = builtin.Parameters.Where(_ => random.Next(3) > 0).Select(p => $"{p.Name} = {Argument(p)}");
        return $"{builtin.Name}({string.Join(", ", arguments)})";
    }

    private string Argument(BuiltinParameter parameter) => parameter.Kind switch
    {
        ArgumentKind.Boolean => random.Next(2) == 0 ? "true" : "false",
        ArgumentKind.String => $"\"{(parameter.Name == "path" ? Paths[random.Next(Paths.Length)] : "y")}\"",
        ArgumentKind.Integer => random.Next(3) == 0 ? Size() : random.Next(1, 200).ToString(CultureInfo.InvariantCulture),
        _ => random.Next(4) == 0 ? Expression(2) : Numbers[random.Next(Numbers.Length)],
    };

    private string Layer() => random.Next(8) switch
    {
        0 => $"norm {(random.Next(2) == 0 ? "layer" : "batch")}",
        1 => $"residual {{ {string.Join(" ", Enumerable.Range(0, random.Next(0, 3)).Select(_ => Dense()))} }}",
        _ => Dense(),
    };

    private string Dense()
    {
        var units = random.Next(3) == 0 ? Size() : random.Next(1, 6).ToString(CultureInfo.InvariantCulture);
        var text = $"dense {units} {Call(Builtins.Activations)}";
        if (random.Next(6) == 0)
        {
            text += " weights " + List(random.Next(1, 3), random.Next(1, 4));
        }

        if (random.Next(6) == 0)
        {
            text += " bias " + List(1, random.Next(1, 4));
        }

        return random.Next(8) == 0 ? text + " as out" : text;
    }

    private string List(int rows, int columns)
    {
        string Row() => "[" + string.Join(", ", Enumerable.Range(0, columns).Select(_ => Numbers[random.Next(Numbers.Length)])) + "]";
        return rows == 1 ? Row() : "[" + string.Join(", ", Enumerable.Range(0, rows).Select(_ => Row())) + "]";
    }

    private string Network()
    {
        var items = new List<string>();
        if (random.Next(8) > 0)
        {
            items.Add($"input {(random.Next(3) == 0 ? Size() : "2")}");
        }

        for (var i = random.Next(0, 5); i > 0; i--)
        {
            items.Add(random.Next(5) == 0 ? $"repeat {Size()} {{ {Layer()} {(random.Next(2) == 0 ? Layer() : "")} }}" : Layer());
        }

        if (random.Next(3) == 0)
        {
            items.Add(random.Next(5) == 0 ? $"init from \"{Paths[random.Next(Paths.Length)]}\" run r" : "init " + Call(Builtins.Inits));
        }

        if (random.Next(8) > 0)
        {
            items.Add("loss " + Builtins.Losses[random.Next(Builtins.Losses.Length)].Name);
        }

        if (random.Next(4) == 0)
        {
            items.Add("seed " + Size());
        }

        return $"network {Name()} {{\n  {string.Join("\n  ", items)}\n}}";
    }

    private string Data() => random.Next(3) switch
    {
        0 => $"data {Name()} {{ x: {List(random.Next(1, 4), random.Next(1, 3))}  y: {List(random.Next(1, 4), 1)} }}",
        _ => $"data {Name()} = {Call(Builtins.Generators)}",
    };

    private string Run()
    {
        var items = new List<string>
        {
            random.Next(2) == 0
                ? $"minimize {Name()} from {string.Join(", ", Enumerable.Range(0, random.Next(1, 3)).Select(_ => $"{Name()} = {Expression(1)}"))}"
                : $"train {Name()} on {Name()}",
        };
        if (random.Next(6) > 0)
        {
            items.Add("optimizer " + Call(Builtins.Optimizers));
        }

        foreach (var setting in new[] { "steps", "epochs", "batch", "record every", "seed" })
        {
            if (random.Next(3) == 0)
            {
                items.Add($"{setting} {(random.Next(2) == 0 ? Size() : random.Next(1, 50).ToString(CultureInfo.InvariantCulture))}");
            }
        }

        if (random.Next(3) == 0)
        {
            items.Add($"until {Metrics[random.Next(Metrics.Length)]} < {Numbers[random.Next(Numbers.Length)]}");
        }

        if (random.Next(5) == 0)
        {
            items.Add("schedule " + Call(Builtins.Schedules) + (random.Next(2) == 0 ? " then " + Call(Builtins.Schedules) : ""));
        }

        if (random.Next(5) == 0)
        {
            items.Add($"clip {(random.Next(2) == 0 ? "norm" : "value")} {Numbers[random.Next(Numbers.Length)]}");
        }

        return $"run {Name()} {{\n  {string.Join("\n  ", items.OrderBy(_ => random.Next()))}\n}}";
    }

    /// <summary>Token-level mutations: delete, duplicate, repeat a run of tokens many times, insert a random token, replace a number by an extreme one.</summary>
    public string Mutate(string text)
    {
        var tokens = Tokenize(text);
        for (var edits = random.Next(1, 5); edits > 0 && tokens.Count > 0; edits--)
        {
            var at = random.Next(tokens.Count);
            var length = Math.Min(tokens.Count - at, random.Next(1, 6));
            switch (random.Next(6))
            {
                case 0:
                    tokens.RemoveRange(at, length);
                    break;
                case 1:
                    tokens.InsertRange(at, tokens.GetRange(at, length));
                    break;
                case 2:
                    var run = tokens.GetRange(at, length);
                    var copies = random.Next(4) > 0 ? random.Next(2, 50) : random.Next(500, 3_000);
                    tokens.InsertRange(at, Enumerable.Repeat(run, copies).SelectMany(r => r));
                    break;
                case 3:
                    tokens.Insert(at, random.Next(4) switch { 0 => "{", 1 => "(", 2 => "\"", _ => Size() });
                    break;
                case 4:
                    var number = tokens.FindIndex(at, t => t.Length > 0 && char.IsAsciiDigit(t[0]));
                    if (number >= 0)
                    {
                        tokens[number] = Size();
                    }

                    break;
                default:
                    tokens.Insert(at, Chain());
                    break;
            }
        }

        return string.Join(" ", tokens);
    }

    /// <summary>Words, numbers, strings, comments and single characters, enough to mutate at token boundaries.</summary>
    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var start = i;
            if (char.IsWhiteSpace(c))
            {
                i++;
                if (c == '\n')
                {
                    tokens.Add("\n");
                }

                continue;
            }

            if (c == '/' && i + 1 < text.Length && text[i + 1] == '/')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '"')
            {
                i++;
                while (i < text.Length && text[i] != '"' && text[i] != '\n')
                {
                    i++;
                }

                i = Math.Min(text.Length, i + 1);
            }
            else if (char.IsAsciiLetterOrDigit(c) || c is '_' or '.')
            {
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '.'))
                {
                    i++;
                }
            }
            else
            {
                i++;
            }

            tokens.Add(text[start..i]);
        }

        return tokens;
    }
}
