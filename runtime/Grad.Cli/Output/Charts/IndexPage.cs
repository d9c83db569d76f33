using Grad.Runtime;
using System.Net;
using System.Text;
using Grad.Runtime.Analysis;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;

namespace Grad.Cli.Output.Charts;

/// <summary>One chart in the index: its file stem (NAME.svg and NAME.png exist) and a caption.</summary>
internal sealed record ChartEntry(string Section, string Stem, string Caption);

/// <summary>
/// <c>index.html</c>: every chart (the SVG, linking to the PNG) under a heading per section, after
/// a table of the run summaries or the network analyses. Self-contained: relative links, no
/// scripts, nothing fetched from the network.
/// </summary>
internal static class IndexPage
{
    public static string Render(string fileName, string verb, IReadOnlyList<RunResult> runs, IReadOnlyList<NetworkAnalysis> networks, IReadOnlyList<ChartEntry> charts)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\">");
        html.AppendLine("<head>");
        html.AppendLine("<meta charset=\"utf-8\">");
        html.AppendLine($"<title>grad {verb} {Text(fileName)}</title>");
        html.AppendLine("""
            <style>
              body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
              table { border-collapse: collapse; margin-bottom: 2em; }
              th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
              td.number { font-variant-numeric: tabular-nums; }
              figure { display: inline-block; margin: 0 1em 2em 0; }
              img { max-width: 100%; width: 900px; border: 1px solid #eee; }
              figcaption { font-size: 0.9em; color: #555; }
            </style>
            """);
        html.AppendLine("</head>");
        html.AppendLine("<body>");
        html.AppendLine($"<h1>grad {verb} {Text(fileName)}</h1>");

        if (runs.Count > 0)
        {
            html.AppendLine("<h2>Runs</h2>");
            html.AppendLine("<table>");
            html.AppendLine("<tr><th>run</th><th>what</th><th>optimizer</th><th>steps</th><th>stopped by</th><th>final</th><th>parameters / gradient flow</th></tr>");
            foreach (var run in runs)
            {
                html.AppendLine(RunRow(run));
            }

            html.AppendLine("</table>");
        }

        if (networks.Count > 0)
        {
            html.AppendLine("<h2>Networks at their initial weights</h2>");
            html.AppendLine("<table>");
            html.AppendLine("<tr><th>network</th><th>batch</th><th>loss</th><th>‖δ<sup>1</sup>‖/‖δ<sup>L</sup>‖</th><th>verdict</th></tr>");
            foreach (var network in networks)
            {
                var batch = network.DataName is { } data ? $"first batch of run {network.RunName} on {data} ({network.SampleCount})" : "one seeded standard-normal sample";
                html.AppendLine($"<tr><td>{Text(network.NetworkName)}</td><td>{Text(batch)}</td><td class=\"number\">{Numbers.Format(network.Loss, Numbers.TableDigits)}</td><td class=\"number\">{Numbers.Format(network.Ratio, 3)}</td><td>{network.Verdict.ToString().ToLowerInvariant()}</td></tr>");
            }

            html.AppendLine("</table>");
        }

        foreach (var section in charts.GroupBy(c => c.Section))
        {
            html.AppendLine($"<h2>{Text(section.Key)}</h2>");
            foreach (var chart in section)
            {
                var stem = Uri.EscapeDataString(chart.Stem);
                html.AppendLine($"<figure><a href=\"{stem}.png\"><img src=\"{stem}.svg\" alt=\"{Text(chart.Caption)}\"></a><figcaption>{Text(chart.Caption)} (<a href=\"{stem}.png\">PNG</a>, <a href=\"{stem}.svg\">SVG</a>)</figcaption></figure>");
            }
        }

        html.AppendLine("</body>");
        html.AppendLine("</html>");
        return html.ToString();
    }

    private static string RunRow(RunResult run)
    {
        string[] cells = run switch
        {
            MinimizeResult m =>
            [
                m.Name, $"minimize {m.CostName}", Runtime.Charts.LineChart.OptimizerText(m.Optimizer), $"{m.StepsTaken}", ResultSerializer.StopReasonName(m.StopReason),
                $"cost {Numbers.Format(m.FinalCost, Numbers.TableDigits)}",
                string.Join(", ", m.ParameterNames.Select((name, i) => $"{name} = {Numbers.Format(m.FinalParameters[i], Numbers.TableDigits)}")),
            ],
            TrainResult t =>
            [
                t.Name, $"train {t.NetworkName} on {t.DataName}", Runtime.Charts.LineChart.OptimizerText(t.Optimizer), $"{t.StepsTaken}", ResultSerializer.StopReasonName(t.StopReason),
                $"loss {Numbers.Format(t.InitialLoss, Numbers.TableDigits)} → {Numbers.Format(t.FinalLoss, Numbers.TableDigits)}",
                $"‖δ^1‖/‖δ^L‖ {Numbers.Format(t.Layers[0].DeltaNorm.Initial / t.Layers[^1].DeltaNorm.Initial, 3)} → {Numbers.Format(t.Layers[0].DeltaNorm.Final / t.Layers[^1].DeltaNorm.Final, 3)}",
            ],
            FailedRunResult f => [f.Name, f.Kind.ToString().ToLowerInvariant(), Runtime.Charts.LineChart.OptimizerText(f.Optimizer), "", "not run", f.Error, ""],
            _ => [run.Name, "", "", "", "", "", ""],
        };
        return "<tr>" + string.Concat(cells.Select((cell, i) => i is 3 or 5 or 6 ? $"<td class=\"number\">{Text(cell)}</td>" : $"<td>{Text(cell)}</td>")) + "</tr>";
    }

    private static string Text(string text) => WebUtility.HtmlEncode(text);
}
