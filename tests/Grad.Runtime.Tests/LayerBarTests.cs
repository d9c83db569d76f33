using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Tests;

/// <summary>The log-scale bars of the CLI's layer tables: one fixed decade scale, so tables of different networks compare.</summary>
public sealed class LayerBarTests() : CliScratch("grad-bars-")
{
    private static readonly string[] Eighths = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];

    [Fact]
    public void Every_bar_is_a_block_per_decade_above_1e_minus_20_whatever_the_network()
    {
        // A vanishing chain (‖δ‖ from about 1e-9 to 0.1) and a healthy one (about 0.1 to 1): the
        // same ‖δ‖ would get the same bar in both tables.
        var path = Write("two.grad", """
            network vanishing {
              input 3
              repeat 10 { dense 4 sigmoid }
              dense 1 sigmoid
              init normal(mean = 0, std = 0.5)
              loss mse
            }
            network healthy {
              input 3
              repeat 3 { dense 8 tanh }
              dense 1 linear
              init xavier_normal
              loss mse
              seed 2
            }
            """);
        var (exit, output, _) = Grad("inspect", path);
        Assert.Equal(0, exit);
        var (jsonExit, json, _) = Grad("inspect", path, "--json", "-");
        Assert.Equal(0, jsonExit);

        var lines = output.Split('\n');
        Assert.Equal(2, lines.Count(l => l.Contains("log ‖δ‖ (█ = one decade from 1e-20)", StringComparison.Ordinal)));
        var checkedBars = 0;
        foreach (var network in (JArray)JObject.Parse(json)["networks"]!)
        {
            var header = Array.FindIndex(lines, l => l.StartsWith($"network {network["name"]}:", StringComparison.Ordinal));
            var table = Array.FindIndex(lines, header, l => l.Contains("log ‖δ‖", StringComparison.Ordinal));
            var layers = (JArray)network["layers"]!;
            for (var i = 0; i < layers.Count; i++)
            {
                var delta = (double)layers[i]["deltaNorm"]!;
                var expected = (int)Math.Round((Math.Log10(delta) + 20) * 8);
                Assert.Equal(expected, Measure(lines[table + 1 + i]));
                checkedBars++;
            }
        }

        Assert.Equal(11 + 4, checkedBars);
    }

    /// <summary>The bar at the end of a table row, in eighths of a block.</summary>
    private static int Measure(string row)
    {
        var bar = row.TrimEnd()[(row.TrimEnd().LastIndexOf("  ", StringComparison.Ordinal) + 2)..];
        var full = bar.Count(c => c == '█');
        var partial = bar.Length > full ? Array.IndexOf(Eighths, bar[full..]) : 0;
        Assert.True(partial >= 0, $"not a bar: '{bar}' in '{row}'");
        return (full * 8) + partial;
    }
}
