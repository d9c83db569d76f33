namespace Grad.LanguageServer.Tests;

internal static class Samples
{
    public const string TrainFile = """
        network chain {
          input 1
          repeat 3 { dense 1 sigmoid }
          dense 1 sigmoid as out
          loss mse
        }

        data point { x: [1.0]  y: [0.5] }

        run fit {
          train chain on point
          optimizer sgd(lr = 0.1)
          epochs 10
        }
        """;
}
