using Grad.Language;
using Grad.LanguageServer.Analysis;
using Grad.LanguageServer.Tests.Infrastructure;
using Grad.Runtime;
using Grad.Runtime.Analysis;
using Grad.Runtime.Optimizers;

namespace Grad.LanguageServer.Tests;

/// <summary>
/// Hovers for the cures (issue 12): a layer whose output enters a residual block shows the chain
/// rule with the identity term, the block shows the split of δ between the skip and its layers,
/// a schedule its formula and a sparkline of the lr. The numbers are the runtime's (the real
/// analysis service), so the test compares the hover with what the runtime computes.
/// </summary>
public sealed class CureHoverTests
{
    private const string Skips = """
        network skip {
          input 1
          dense 1 sigmoid
          residual {
            dense 1 sig|moid
          }
          resid|ual {
            dense 1 sigmoid
          }
          dense 1 sigmoid
          init normal(mean = 0, std = 1)
          loss mse
          seed 3
        }
        data point { x: [0.7]  y: [0.2] }
        run r {
          train skip on point
          optimizer sgd(lr = 0.1)
          epochs 5
        }
        """;

    private static string Cells(string? hover) => (hover ?? "").Replace("&nbsp;", "", StringComparison.Ordinal);

    private static async Task<string> HoverAsync(string marked, int index)
    {
        await using var server = await TestServer.StartAsync(new RuntimeAnalysisService());
        var uri = server.NewUri();
        var markup = Markup.Parse(marked);
        await server.OpenAsync(uri, markup.Text);
        return Cells(await server.HoverAsync(uri, markup.Positions[index]));
    }

    private static NetworkAnalysis Runtime(string marked)
    {
        var compilation = Compilation.Create(Markup.Parse(marked).Text);
        return NetworkAnalyzer.AnalyzeInitial(compilation.Program, compilation.Program.Networks.Single())!;
    }

    [Fact]
    public async Task A_layer_whose_output_enters_a_residual_block_shows_the_chain_rule_with_the_identity_term_and_the_runtimes_numbers()
    {
        var hover = await HoverAsync(Skips, 0);
        var split = Runtime(Skips).Layers[1].Identity!;
        Assert.Contains("**layer 2 of 4** in `skip` · 1 → 1 units · `sigmoid` · in the residual block of layers 2–2", hover, StringComparison.Ordinal);
        Assert.Contains(
            $"δ² = (∂C/∂aᵒᵘᵗ + W³ᵀδ³) ⊙ σ'(z²) = ({Numbers.Format(split.Skip!.Value)} {(split.Layers!.Value < 0 ? "−" : "+")} {Numbers.Format(Math.Abs(split.Layers.Value))}) × {Numbers.Format(split.ActivationDerivative!.Value)} = {Numbers.Format(split.Delta!.Value)}",
            hover, StringComparison.Ordinal);
        Assert.Contains($"| ∂C/∂aᵒᵘᵗ (identity path) | {Numbers.Format(split.SkipNorm)} |", hover, StringComparison.Ordinal);
        Assert.Contains($"| W³ᵀδ³ (through layers 3–3) | {Numbers.Format(split.LayersNorm)} |", hover, StringComparison.Ordinal);
        Assert.Contains("of it arrives through the skip", hover, StringComparison.Ordinal);
        Assert.DoesNotContain("+ -", hover, StringComparison.Ordinal); // a negative term is written "− 0.00173"
    }

    [Fact]
    public async Task A_residual_block_shows_how_much_of_delta_arrives_through_the_skip_and_through_its_layers()
    {
        var hover = await HoverAsync(Skips, 1);
        var split = Runtime(Skips).Layers[1].Identity!;
        Assert.StartsWith("**residual block** · aᵒᵘᵗ = a + f(a) · layers 3–3 of 4 in `skip`", hover, StringComparison.Ordinal);
        Assert.Contains($"| 3–3 | a² | {Numbers.Format(split.SkipNorm)} | {Numbers.Format(split.LayersNorm)} | {Percent(split.SkipShare)} |", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_repeated_residual_block_has_one_row_per_copy_and_the_first_block_says_delta_ends_at_the_data()
    {
        const string repeated = """
            network deep {
              input 2
              repeat 3 {
                resid|ual { dense 2 tanh  dense 2 linear }
              }
              dense 1 linear
              loss mse
            }
            """;
        var hover = await HoverAsync(repeated, 0);
        var runtime = Runtime(repeated);
        Assert.Contains("3 copies of 7 in `deep`", hover, StringComparison.Ordinal);
        Assert.Contains("| 1–2 | a⁰ (the data) |", hover, StringComparison.Ordinal);
        foreach (var first in new[] { 3, 5 })
        {
            var split = runtime.Layers[first - 2].Identity!;
            Assert.Contains($"| {first}–{first + 1} | a{Numbers.Superscript(first - 1)} | {Numbers.Format(split.SkipNorm)} | {Numbers.Format(split.LayersNorm)} |", hover, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_schedule_shows_its_formula_and_a_sparkline_of_the_runs_learning_rate()
    {
        const string scheduled = """
            cost f(w) = w^2
            run r {
              minimize f from w = 1
              optimizer sgd(lr = 0.1)
              sche|dule warmup(steps = 10, start = 0.1) then cosine(period = 90)
              steps 100
            }
            """;
        var hover = await HoverAsync(scheduled, 0);
        var compilation = Compilation.Create(Markup.Parse(scheduled).Text);
        var lr = LearningRateSchedule.Trajectory(compilation.Program.Runs.Single().Schedule!, 0.1, 100);
        Assert.StartsWith("**schedule warmup(steps = 10, start = 0.1) then cosine(period = 90)** · lr₀ = 0.1 · 100 updates", hover, StringComparison.Ordinal);
        var sparkline = hover.Split('`')[1];
        Assert.Equal(40, sparkline.Length);
        // Bucket i shows update ⌊i·99/39⌋ + 1: the warmup rises to lr₀ at update 11 (bucket 4), the cosine falls to ≈ 0.
        Assert.True(sparkline[0] < sparkline[3] && sparkline[3] < sparkline[4], sparkline);
        Assert.Equal('█', sparkline[4]);
        Assert.Equal('▁', sparkline[^1]);
        Assert.True(sparkline[4..].Zip(sparkline[5..]).All(p => p.First >= p.Second), sparkline);
        Assert.Contains($"| 1 | {Numbers.Format(lr[0])} |", hover, StringComparison.Ordinal);
        Assert.Contains($"| 11 | {Numbers.Format(lr[10])} |", hover, StringComparison.Ordinal);
        Assert.Contains($"| 100 | {Numbers.Format(lr[99])} |", hover, StringComparison.Ordinal);
        Assert.Contains("`warmup` (updates 1–10): lr = lr₀·(start + (1 − start)·min(t, steps)/steps)", hover, StringComparison.Ordinal);
        Assert.Contains("`cosine` (from update 11, t counted from there): lr = min_lr + (lr₀ − min_lr)·(1 + cos(π·t/period))/2", hover, StringComparison.Ordinal);
    }

    private static string Percent(double share) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{share * 100:0.#} %");
}
