using System.Text;

namespace Grad.Language.Tests;

/// <summary>
/// Parse + bind must never throw, whatever the text: truncations, spliced tokens and random
/// bytes of every example and golden case (the cures' too: residual, norm, schedule, clip),
/// generated with a fixed seed so a failure reproduces.
/// </summary>
public class RobustnessTests
{
    private static readonly string[] Fragments =
    [
        "let", "cost", "network", "data", "run", "input", "dense", "repeat", "init", "loss", "seed", "weights", "bias", "as",
        "minimize", "from", "train", "on", "optimizer", "steps", "epochs", "batch", "until", "record", "every", "true", "false",
        "{", "}", "(", ")", "[", "]", ",", ":", "=", "<", "+", "-", "*", "/", "^", "\n", "\r\n", "\r", "\t", " ",
        "1", "0", "-1", "1e-3", ".5", "1e999", "2.5E+4", "\"", "\"a.csv\"", "\"\\x\"", "//", "/*", "*/", "😀", "\uD83D", "§",
        "sigmoid", "relu", "softmax", "sgd", "adam(lr = 0.1)", "xor(n = 4)", "csv(\"x.csv\", target = \"y\")", "x:", "y:",
        "w1", "bowl", "chain", "point", "repeat 3 { dense 1 sigmoid }", "change", "grad",
        "residual", "norm", "layer", "schedule", "then", "clip", "value", "residual { dense 4 relu  norm layer }", "norm batch",
        "repeat 2 { residual { dense 2 tanh } }", "schedule warmup(steps = 5) then cosine(period = 10)", "step(every = 3)",
        "exponential(gamma = 0.9)", "clip norm 1.0", "clip value -1",
    ];

    public static IEnumerable<string> Seeds() =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "examples"), "*.grad", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(GoldenTests.CasesDirectory, "main.grad", SearchOption.AllDirectories))
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(File.ReadAllText);

    [Fact]
    public void Ten_thousand_mutated_inputs_never_throw()
    {
        var random = new Random(20261129);
        var seeds = Seeds().ToArray();
        var checkedInputs = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var seed = seeds[random.Next(seeds.Length)];
            var input = (i % 4) switch
            {
                0 => seed[..random.Next(seed.Length + 1)],
                1 => Splice(seed, random),
                2 => RandomText(random),
                _ => Splice(Splice(seed[..random.Next(seed.Length + 1)], random), random),
            };

            var compilation = CompileWithin(input, TimeSpan.FromSeconds(20));
            Assert.All(compilation.Diagnostics, d =>
            {
                Assert.InRange(d.Span.Start, 0, input.Length);
                Assert.InRange(d.Span.End, d.Span.Start, input.Length);
            });
            checkedInputs++;
        }

        Assert.Equal(10_000, checkedInputs);
    }

    [Fact]
    public void A_file_of_random_tokens_gets_at_most_one_syntax_error_per_line()
    {
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var text = string.Join(" ", Enumerable.Range(0, 60).Select(_ => Fragments[random.Next(Fragments.Length)]));
            var compilation = CompileWithin(text, TimeSpan.FromSeconds(20));
            var syntaxErrorsPerLine = compilation.Diagnostics
                .Where(d => string.CompareOrdinal(d.Code, "GRAD0100") < 0)
                .GroupBy(d => compilation.Source.GetLine(d.Span.Start));
            Assert.All(syntaxErrorsPerLine, g => Assert.Single(g));
        }
    }

    [Fact]
    public void Deeply_nested_expressions_do_not_crash()
    {
        var text = "let a = " + new string('(', 3000) + "1" + new string(')', 3000) + "\nlet b = " + string.Concat(Enumerable.Repeat("-", 3000)) + "1";
        var compilation = Compilation.Create(text);
        Assert.NotNull(compilation);
    }

    /// <summary>Compiles on another thread so that a hang fails the test with the input, instead of hanging the run.</summary>
    private static Compilation CompileWithin(string input, TimeSpan limit)
    {
        var task = Task.Run(() => Compilation.Create(input, Path.Combine(RepoPaths.Root, "examples", "fuzz.grad")));
        Assert.True(task.Wait(limit), "compilation did not finish for input: " + Escape(input));
        return task.Result;
    }

    private static string Escape(string text) =>
        string.Concat(text.Select(c => c is >= ' ' and < (char)127 ? c.ToString() : $"\\u{(int)c:X4}"));

    private static string Splice(string text, Random random)
    {
        var builder = new StringBuilder(text);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(builder.Length + 1);
            switch (random.Next(3))
            {
                case 0:
                    builder.Insert(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                case 1 when builder.Length > 0:
                    builder.Remove(Math.Min(at, builder.Length - 1), Math.Min(random.Next(1, 12), builder.Length - Math.Min(at, builder.Length - 1)));
                    break;
                default:
                    builder.Insert(at, (char)random.Next(0, 0xFFFF));
                    break;
            }
        }

        return builder.ToString();
    }

    private static string RandomText(Random random)
    {
        var bytes = new byte[random.Next(0, 400)];
        random.NextBytes(bytes);
        return random.Next(2) == 0 ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);
    }
}
