using Grad.Language;
using Grad.Language.Resources;
using Grad.Language.Semantics;
using Grad.Runtime.Contracts;
using Grad.Runtime.Runs;
using Grad.Runtime.WhatIf;

namespace Grad.Runtime.Tests;

/// <summary>
/// <see cref="WhatIfRun.Apply"/> changes the bound model into the one the binder makes of the file with the
/// values written in: the same layers (numbering, widths, residual inputs, activations) and the same run, bit for bit.
/// </summary>
public sealed class WhatIfRunTests
{
    private static string Residual(int count, string activation = "relu") => $$"""
        network net {
          input 2
          dense 4 {{activation}}
          repeat {{count}} { residual { dense 4 {{activation}}  dense 4 linear }  norm layer }
          residual { dense 4 {{activation}}  dense 4 linear }
          dense 1 sigmoid
          init he_normal
          loss bce
          seed 4
        }
        data points = circles(n = 24, noise = 0.1, seed = 2)
        run fit {
          train net on points
          optimizer sgd(lr = 0.05)
          steps 12
        }
        """;

    private static BoundRun Bind(string text)
    {
        var compilation = Compilation.Create(text, "whatif.grad");
        Assert.False(compilation.HasErrors, string.Join("\n", compilation.Diagnostics.Select(d => d.Message)));
        return compilation.Program.Runs.Single();
    }

    private static object Shape(BoundLayer l) => (l.Index, l.Units, l.InputUnits, l.Kind, l.Activation, l.ResidualFrom);

    [Theory]
    [InlineData(1, 3)]
    [InlineData(3, 1)]
    [InlineData(2, 5)]
    [InlineData(1, 1)]
    public void A_depth_is_the_networks_layers_with_that_repeat_count_written_in(int from, int to)
    {
        var changed = WhatIfRun.Apply(Bind(Residual(from)), new WhatIfOverrides(Depth: to), ResourceLimits.Default);
        var written = Bind(Residual(to));
        Assert.Equal(written.Network!.Layers.Select(Shape), changed.Network!.Layers.Select(Shape));

        var a = (TrainResult)Runner.Execute(changed);
        var b = (TrainResult)Runner.Execute(written);
        Assert.Equal(b.Trace.Select(t => t.Loss), a.Trace.Select(t => t.Loss));
    }

    [Fact]
    public void The_hidden_activation_is_every_hidden_dense_layers_and_never_the_output_layers()
    {
        var changed = WhatIfRun.Apply(Bind(Residual(2)), new WhatIfOverrides(Activation: "tanh"), ResourceLimits.Default);
        var written = Bind(Residual(2, "tanh"));
        Assert.Equal(written.Network!.Layers.Select(Shape), changed.Network!.Layers.Select(Shape));
        Assert.Equal(ActivationKind.Sigmoid, changed.Network.Layers[^1].Activation.Kind);
    }

    [Fact]
    public void A_first_copy_of_another_width_gives_later_copies_their_own_input_width()
    {
        // repeat 1 { dense 5 tanh } after dense 2: the second copy takes 5 inputs, not 2.
        const string text = """
            network n {
              input 2
              dense 2 tanh
              repeat 1 { dense 5 tanh }
              dense 1 sigmoid
              loss bce
            }
            data d = xor(n = 8, seed = 1)
            run r { train n on d  optimizer sgd(lr = 0.1)  steps 3 }
            """;
        var changed = WhatIfRun.Apply(Bind(text), new WhatIfOverrides(Depth: 3), ResourceLimits.Default);
        Assert.Equal(Bind(text.Replace("repeat 1", "repeat 3", StringComparison.Ordinal)).Network!.Layers.Select(Shape), changed.Network!.Layers.Select(Shape));
    }

    [Fact]
    public void Edits_leave_values_equal_to_the_files_alone()
    {
        var run = Bind(Residual(2));
        var edits = WhatIfRun.Edits(run, new WhatIfOverrides(Lr: 0.05, Depth: 2, Activation: "relu", InitScale: 1), ResourceLimits.Default);
        Assert.Empty(edits.Edits);
        Assert.Empty(edits.NotWritten);
    }
}
