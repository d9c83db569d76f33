using Grad.Language.Semantics;

namespace Grad.Language.Tests;

/// <summary>Sweeps (v2): members are the base run with the varied items replaced, as if written out by hand.</summary>
public class SweepTests
{
    private const string Base = """
        let width = 8
        network net {
          input 2
          dense width tanh
          dense 1 sigmoid
          loss bce
        }
        data moons = moons(n = 64, noise = 0.1, seed = 2)
        run base {
          train net on moons
          optimizer sgd(0.1, momentum = 0.5)
          epochs 2
        }

        """;

    [Fact]
    public void Members_are_the_product_of_the_lists_the_first_varying_slowest()
    {
        var compilation = Compilation.Create(Base + "sweep lrs {\n  run base\n  vary lr in [0.01, 1]\n  vary init in [normal(mean = 0, std = 2), he_normal]\n}");
        Assert.Empty(compilation.Diagnostics);
        var sweep = Assert.Single(compilation.Program.Sweeps);
        Assert.Equal(["lr", "init"], sweep.Varied.AsEnumerable());
        Assert.Equal(
            ["lrs[lr=0.01,init=normal(mean=0,std=2)]", "lrs[lr=0.01,init=he_normal]", "lrs[lr=1,init=normal(mean=0,std=2)]", "lrs[lr=1,init=he_normal]"],
            sweep.Members.Select(m => m.Name));
        var first = sweep.Members[0];
        Assert.Equal((0.01, 0.5), (first.Optimizer.Lr, first.Optimizer.Momentum));
        Assert.Equal(new InitSpec(InitKind.Normal, 0, 2), first.Network!.Init);
        Assert.Equal(InitKind.HeNormal, sweep.Members[1].Network!.Init.Kind);
        Assert.Equal("lrs", first.Member!.Sweep);
        Assert.Equal([KeyValuePair.Create("lr", (object)0.01), KeyValuePair.Create("init", (object)"normal(mean=0,std=2)")], first.Member.Config.AsEnumerable());

        // The file's own run is unchanged, and is not a member.
        var run = Assert.Single(compilation.Program.Runs);
        Assert.Equal((0.1, InitKind.XavierUniform, (SweepMember?)null), (run.Optimizer.Lr, run.Network!.Init.Kind, run.Member));
    }

    [Fact]
    public void A_member_equals_the_run_written_out_by_hand()
    {
        var swept = Compilation.Create(Base + "sweep s {\n  run base\n  vary optimizer in [adam(lr = 0.3)]\n  vary batch in [16]\n  vary seed in [5]\n  vary width in [2 * width]\n  vary eps in [1e-6]\n}");
        Assert.Empty(swept.Diagnostics);
        var member = Assert.Single(Assert.Single(swept.Program.Sweeps).Members);

        var byHand = Compilation.Create(Base.Replace("let width = 8", "let width = 16", StringComparison.Ordinal)
            .Replace("optimizer sgd(0.1, momentum = 0.5)", "optimizer adam(lr = 0.3, eps = 1e-6)  batch 16  seed 5", StringComparison.Ordinal));
        Assert.Empty(byHand.Diagnostics);
        var run = Assert.Single(byHand.Program.Runs);

        Assert.Equal("s[optimizer=adam(lr=0.3),batch=16,seed=5,width=2*width,eps=1e-6]", member.Name);
        Assert.Equal(run.Optimizer.Effective.AsEnumerable(), member.Optimizer.Effective.AsEnumerable());
        Assert.Equal((run.Batch, run.Seed, run.Epochs), (member.Batch, member.Seed, member.Epochs));
        Assert.Equal(run.Network!.Layers.Select(l => l.Units), member.Network!.Layers.Select(l => l.Units));
        Assert.Equal(["adam(lr=0.3)", 16.0, 5.0, 16.0, 1e-6], member.Member!.Config.Select(c => c.Value));
    }

    [Fact]
    public void A_sweep_of_more_than_the_limit_is_an_error_before_any_member_is_bound()
    {
        var values = string.Join(", ", Enumerable.Range(1, 40).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var compilation = Compilation.Create(Base + $"sweep big {{\n  run base\n  vary seed in [{values}]\n  vary batch in [{values}]\n}}");
        var error = Assert.Single(compilation.Diagnostics);
        Assert.Equal("GRAD0340", error.Code);
        Assert.Equal("sweep big has 1,600 members (40 × 40), more than 1,000; split it into smaller sweeps", error.Message);
        Assert.Empty(compilation.Program.Sweeps);
    }
}
