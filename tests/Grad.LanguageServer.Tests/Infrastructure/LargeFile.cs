using System.Globalization;
using System.Text;

namespace Grad.LanguageServer.Tests.Infrastructure;

/// <summary>A generated file of costs, runs, networks and data, about the given number of lines (for robustness tests and the benchmark).</summary>
public static class LargeFile
{
    public static string Generate(int lines)
    {
        var text = new StringBuilder();
        var count = 0;
        for (var i = 0; count < lines; i++)
        {
            var c = (0.001 * (i + 1)).ToString(CultureInfo.InvariantCulture);
            var block = $$"""
                // block {{i}}
                let a{{i}} = {{c}}
                cost bowl{{i}}(w1, w2) = a{{i}} * w1^2 + w2^2
                run plain{{i}} {
                  minimize bowl{{i}} from w1 = 1, w2 = 1
                  optimizer sgd(lr = 0.5)
                  steps 50
                }
                network net{{i}} {
                  input 2
                  dense 3 tanh
                  dense 1 sigmoid as out
                  loss mse
                }
                data d{{i}} { x: [[1.0, 2.0]]  y: [0.5] }

                """;
            text.Append(block.Replace("\r\n", "\n", StringComparison.Ordinal));
            count += block.Count(ch => ch == '\n');
        }

        return text.ToString();
    }
}
