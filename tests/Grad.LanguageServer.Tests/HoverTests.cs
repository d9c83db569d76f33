using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

public sealed class HoverTests
{
    [Fact]
    public async Task Hover_on_a_layer_shows_index_shape_norms_ratio_and_the_chain_rule()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            network chain {
              input 1
              dense 1 sigmoid
              dense 1 sig|moid
              dense 1 sigmoid
              dense 1 sigmoid as out
              loss mse
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        var hover = Cells(await server.HoverAsync(uri, markup.Position));
        // The fake runtime: ‖δˡ‖ = 0.1·0.25^(4−l), w = 1, σ' = 0.25.
        Assert.Contains("**layer 2 of 4** in `chain` · 1 → 1 units · `sigmoid`", hover, StringComparison.Ordinal);
        Assert.Contains("| ‖δ²‖ | 0.00625 |", hover, StringComparison.Ordinal);
        Assert.Contains("| ‖∂C/∂W²‖ | 0.00313 |", hover, StringComparison.Ordinal);
        Assert.Contains("| ‖δ²‖/‖δ⁴‖ | 0.0625 |", hover, StringComparison.Ordinal);
        Assert.Contains("δ² = w³·σ'(z²)·δ³ = 1 × 0.25 × 0.025 = 0.00625", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_tables_pad_every_column_but_the_last_so_columns_do_not_run_together()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            network chain {
              input 1
              dense 1 sig|moid
              dense 1 sigmoid
              loss mse
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        var hover = await server.HoverAsync(uri, markup.Position);
        Assert.Contains("| ‖δ¹‖&nbsp;&nbsp;&nbsp; | 0.025 |", hover, StringComparison.Ordinal);
        Assert.Contains("| ‖δ¹‖/‖δ²‖&nbsp;&nbsp;&nbsp; | 0.25 |", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_on_the_output_layer_has_no_trivial_ratio_row()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            network chain {
              input 1
              dense 1 sigmoid
              dense 1 sig|moid as out
              loss mse
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        var hover = Cells(await server.HoverAsync(uri, markup.Position));
        Assert.Contains("**layer 2 of 2**", hover, StringComparison.Ordinal);
        Assert.Contains("| ‖δ²‖ | 0.1 |", hover, StringComparison.Ordinal);
        Assert.DoesNotContain("‖δ²‖/‖δ²‖", hover, StringComparison.Ordinal);
        Assert.Contains("δ² = ∂C/∂a²·σ'(z²) = 0.4 × 0.25 = 0.1", hover, StringComparison.Ordinal);
    }

    /// <summary>The hover's table text without the padding between columns.</summary>
    private static string Cells(string? hover)
    {
        Assert.NotNull(hover);
        return hover.Replace("&nbsp;", "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_on_a_repeat_line_has_one_row_per_layer()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            network chain {
              input 1
              re|peat 3 {
                dense 1 sigmoid
              }
              dense 1 sigmoid
              loss mse
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        var hover = Cells(await server.HoverAsync(uri, markup.Position));
        Assert.Contains("layers 1–3 of 4", hover, StringComparison.Ordinal);
        Assert.Contains("| 1 | 1 → 1 | sigmoid |", hover, StringComparison.Ordinal);
        Assert.Contains("| 3 | 1 → 1 | sigmoid |", hover, StringComparison.Ordinal);

        // The numbers first: the title, then the table, then what a repeat is.
        var lines = hover.Split('\n');
        Assert.StartsWith("**repeat · layers 1–3 of 4**", lines[0], StringComparison.Ordinal);
        Assert.Equal("| l | shape | activation | ‖δˡ‖ | ‖∂C/∂Wˡ‖ | ‖δˡ‖/‖δᴸ‖ | δ multiplied by |", lines[2]);
        Assert.True(
            hover.IndexOf("| 3 | 1 → 1 | sigmoid |", StringComparison.Ordinal) < hover.IndexOf("**repeat 3** — 3 copies", StringComparison.Ordinal),
            hover);
    }

    [Fact]
    public async Task Hover_on_a_repeat_that_ends_the_network_leaves_the_output_ratio_empty()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            network chain {
              input 1
              re|peat 2 { dense 1 sigmoid }
              loss mse
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        var hover = Cells(await server.HoverAsync(uri, markup.Position));
        Assert.Contains("| 1 | 1 → 1 | sigmoid | 0.025 | 0.0125 | 0.25 | 0.25 |", hover, StringComparison.Ordinal);
        Assert.Contains("| 2 | 1 → 1 | sigmoid | 0.1 | 0.05 |  |  |", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_on_a_layer_shows_after_training_once_its_run_has_run()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, Samples.TrainFile);
        await server.RequestAsync<JObject>("workspace/executeCommand", new { command = "grad.run", arguments = new object[] { uri, "fit" } });
        var hover = Cells(await server.HoverAsync(uri, new(3, 4)));
        Assert.Contains("after `fit`", hover, StringComparison.Ordinal);
        Assert.Contains("| ‖δ⁴‖ | 0.1 | 0.02 |", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_on_a_cost_shows_symbolic_gradient_and_eigenvalues_at_the_start_point()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            cost bo|wl(w1, w2) = 0.001 * w1^2 + w2^2
            run plain {
              minimize bowl from w1 = 1, w2 = 1
              optimizer sgd(lr = 0.5)
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        var hover = await server.HoverAsync(uri, markup.Position);
        Assert.NotNull(hover);
        Assert.Contains("∂bowl/∂w1 = `0.002*w1`", hover, StringComparison.Ordinal);
        Assert.Contains("**at w1 = 1, w2 = 1** (start of `plain`)", hover, StringComparison.Ordinal);
        Assert.Contains("- Hessian eigenvalues: 0.002, 2", hover, StringComparison.Ordinal);
        Assert.Contains("- condition number: 1000", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_on_an_optimizer_shows_the_update_rule_and_effective_defaults()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            cost f(w) = w^2
            run r {
              minimize f from w = 1
              optimizer ad|am(lr = 0.1)
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        var hover = Cells(await server.HoverAsync(uri, markup.Position));
        Assert.Contains("update rule: m ← β₁m", hover, StringComparison.Ordinal);
        Assert.Contains("| lr | 0.1 | given |", hover, StringComparison.Ordinal);
        Assert.Contains("| beta2 | 0.999 | default |", hover, StringComparison.Ordinal);
        Assert.Contains("| eps | 1e-8 | default |", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_on_a_run_shows_its_last_result()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            cost f(w) = w^2
            run pl|ain {
              minimize f from w = 1
              optimizer sgd(lr = 0.1)
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        await server.WaitForAnalysisAsync(uri, 1);
        var hover = Cells(await server.HoverAsync(uri, markup.Position));
        Assert.Contains("**last result:** 1000 steps, cost 0.5", hover, StringComparison.Ordinal);
        Assert.Contains("| w | 0.25 | 0.001 |", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_on_a_name_shows_its_declaration()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("""
            network chain {
              input 1
              dense 1 sigmoid
              loss mse
            }
            data point { x: [1.0]  y: [0.5] }
            run fit {
              train chain on po|int
              optimizer sgd(lr = 0.1)
            }
            """);
        await server.OpenAsync(uri, markup.Text);
        var hover = await server.HoverAsync(uri, markup.Position);
        Assert.NotNull(hover);
        Assert.Contains("(data set) `point`", hover, StringComparison.Ordinal);
        Assert.Contains("data point { x: [1.0]  y: [0.5] }", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hover_on_whitespace_is_empty()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, "let a = 1\n\n\n");
        Assert.Null(await server.HoverAsync(uri, new(2, 0)));
    }
}
