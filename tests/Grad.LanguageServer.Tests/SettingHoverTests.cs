using Grad.LanguageServer.Tests.Infrastructure;

namespace Grad.LanguageServer.Tests;

/// <summary>Hover on run and network settings: what each does, with its effective value and default.</summary>
public sealed class SettingHoverTests
{
    private const string Network = """
        network net {
          input 2
          dense 3 tanh
          dense 1 sigmoid
          loss bce
        }

        data four { x: [[0, 0], [0, 1], [1, 0], [1, 1]]  y: [0, 1, 1, 0] }

        """;

    private static async Task<string> HoverAsync(string marked)
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse(marked);
        await server.OpenAsync(uri, markup.Text);
        var hover = await server.HoverAsync(uri, markup.Position);
        Assert.True(hover is not null, $"no hover; log:\n{server.Log}");
        return hover;
    }

    [Fact]
    public async Task Steps_says_how_many_updates_and_that_until_may_stop_first()
    {
        var hover = await HoverAsync("""
            cost bowl(w1, w2) = 0.001 * w1^2 + w2^2
            run plain {
              minimize bowl from w1 = 1, w2 = 1
              optimizer sgd(lr = 0.5)
              ste|ps 1000
              until change < 1e-6
            }
            """);
        Assert.Contains("**steps 1000** — parameter updates; this run stops after 1000 updates unless an `until` condition holds first", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Epochs_batch_and_seed_of_a_training_run_show_updates_the_default_batch_and_the_shuffling()
    {
        var run = Network + """
            run fit {
              train net on four
              optimizer sgd(lr = 0.1)
              {0}epochs 10
              {1}batch 3
              {2}seed 7
            }
            """;
        var epochs = await HoverAsync(run.Replace("{0}", "|", StringComparison.Ordinal).Replace("{1}", "", StringComparison.Ordinal).Replace("{2}", "", StringComparison.Ordinal));
        Assert.Contains("**epochs 10** — passes over the whole data set: `four` has 4 samples and the batch is 3, so one epoch is 2 updates and this run stops after 20 updates", epochs, StringComparison.Ordinal);

        var batch = await HoverAsync(run.Replace("{0}", "", StringComparison.Ordinal).Replace("{1}", "|", StringComparison.Ordinal).Replace("{2}", "", StringComparison.Ordinal));
        Assert.Contains("**batch 3** — samples per update, shuffled each epoch with the run's seed (7)", batch, StringComparison.Ordinal);
        Assert.Contains("Default: the whole data set (4 samples).", batch, StringComparison.Ordinal);

        var seed = await HoverAsync(run.Replace("{0}", "", StringComparison.Ordinal).Replace("{1}", "", StringComparison.Ordinal).Replace("{2}", "|", StringComparison.Ordinal));
        Assert.Contains("**seed 7** — shuffling seed", seed, StringComparison.Ordinal);
        Assert.Contains("the same seed gives bit-identical runs", seed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Until_explains_the_metric_with_its_threshold_on_the_keyword_and_on_the_metric()
    {
        const string Run = """
            let eps = 0.001
            cost bowl(w1, w2) = 0.001 * w1^2 + w2^2
            run early {
              minimize bowl from w1 = 1, w2 = 1
              optimizer sgd(lr = 0.5)
              steps 1000
              {0}until {1}change < 1e-6
              until grad < eps
            }
            """;
        foreach (var marked in new[] { Run.Replace("{0}", "|", StringComparison.Ordinal).Replace("{1}", "", StringComparison.Ordinal), Run.Replace("{0}", "", StringComparison.Ordinal).Replace("{1}change", "cha|nge", StringComparison.Ordinal) })
        {
            var hover = await HoverAsync(marked);
            Assert.Contains("**until change < 1e-6** — stops when no parameter moved more than 1e-6 in the last step", hover, StringComparison.Ordinal);
            Assert.Contains("A small step is not a minimum", hover, StringComparison.Ordinal);
            Assert.Contains("Otherwise the run ends after 1000 steps.", hover, StringComparison.Ordinal);
        }

        var grad = await HoverAsync(Run.Replace("{0}", "", StringComparison.Ordinal).Replace("{1}", "", StringComparison.Ordinal).Replace("until grad", "until gr|ad", StringComparison.Ordinal));
        Assert.Contains("**until grad < 0.001** (`eps` = 0.001) — stops when every gradient component is smaller than 0.001", grad, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Record_every_shows_the_sampling_and_the_default()
    {
        var hover = await HoverAsync("""
            cost bowl(w1, w2) = 0.001 * w1^2 + w2^2
            run plain {
              minimize bowl from w1 = 1, w2 = 1
              optimizer sgd(lr = 0.5)
              steps 1000
              record ev|ery 5
            }
            """);
        Assert.Contains("**record every 5** — which steps go into the trace", hover, StringComparison.Ordinal);
        Assert.Contains("every 5th step", hover, StringComparison.Ordinal);
        Assert.Contains("Default: every step up to 10,000 steps", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Network_settings_show_their_effective_values()
    {
        const string Text = """
            network chain {
              {0}input 1
              {1}repeat 3 { dense 1 sigmoid }
              dense 1 sigmoid as out
              {2}init normal(mean = 0, std = 1)
              {3}loss mse
              {4}seed 5
            }
            """;
        string At(int index) => Enumerable.Range(0, 5).Aggregate(Text, (text, i) => text.Replace($"{{{i}}}", i == index ? "i|" : "", StringComparison.Ordinal))
            .Replace("i|input", "in|put", StringComparison.Ordinal).Replace("i|repeat", "rep|eat", StringComparison.Ordinal)
            .Replace("i|init", "in|it", StringComparison.Ordinal).Replace("i|loss", "lo|ss", StringComparison.Ordinal).Replace("i|seed", "se|ed", StringComparison.Ordinal);

        Assert.Contains("**input 1** — the input width: each sample has 1 feature", await HoverAsync(At(0)), StringComparison.Ordinal);

        var repeat = await HoverAsync(At(1));
        Assert.Contains("**repeat 3** — 3 copies of the 1 layer inside", repeat, StringComparison.Ordinal);
        Assert.Contains("| 1 | 1 → 1 | sigmoid |", repeat.Replace("&nbsp;", "", StringComparison.Ordinal), StringComparison.Ordinal); // with the layer table

        var init = await HoverAsync(At(2));
        Assert.Contains("**init normal(mean = 0, std = 1)** — how the weights start (biases start at 0), drawn with the network's seed (5)", init, StringComparison.Ordinal);
        Assert.Contains("Default: `xavier_uniform`", init, StringComparison.Ordinal);

        Assert.Contains("**loss mse** — ℓ = ½‖aᴸ − y‖² per sample, averaged over the batch", await HoverAsync(At(3)), StringComparison.Ordinal);

        var seed = await HoverAsync(At(4));
        Assert.Contains("**seed 5** — the seed of the initial weights", seed, StringComparison.Ordinal);
        Assert.Contains("Default: 0.", seed, StringComparison.Ordinal);
    }
}
