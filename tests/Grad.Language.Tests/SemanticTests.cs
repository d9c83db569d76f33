using Grad.Language.Semantics;

namespace Grad.Language.Tests;

public class SemanticTests
{
    [Fact]
    public void A_cycle_is_named_from_where_it_closes()
    {
        var compilation = Compilation.Create("let z = a\nlet a = b\nlet b = c\nlet c = a");
        var cycle = Assert.Single(compilation.Diagnostics);
        Assert.Equal("GRAD0102", cycle.Code);
        Assert.Equal("constants depend on each other in a cycle: a → b → c → a", cycle.Message);
    }

    [Fact]
    public void Constants_fold_in_any_order()
    {
        var compilation = Compilation.Create("let b = 2 * a ^ 2\nlet a = -3\ncost c(w) = b * w");
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(18, compilation.Program.Constants["b"]);
        var cost = Assert.Single(compilation.Program.Costs);
        Assert.Equal(new BoundBinary(BinaryOperator.Multiply, new BoundNumber(18), new BoundParameter(0, "w")), cost.Body);
    }

    [Theory]
    [InlineData("let x = 1e308 * 10", "the constant `x` is Infinity, not a finite number; a constant must be finite")]
    [InlineData("let x = -1e308 * 10", "the constant `x` is -Infinity, not a finite number; a constant must be finite")]
    [InlineData("let x = 0 / 0", "the constant `x` is NaN, not a finite number; a constant must be finite")]
    public void A_constant_that_leaves_the_doubles_is_an_error_like_the_literal_1e999(string text, string message)
    {
        var compilation = Compilation.Create(text);
        var error = Assert.Single(compilation.Diagnostics);
        Assert.Equal(("GRAD0300", message), (error.Code, error.Message));
        Assert.Equal(text.IndexOf('=', StringComparison.Ordinal) + 2, error.Span.Start);
        Assert.Equal(text.Length, error.Span.End);
    }

    [Theory]
    [InlineData("2147483648", "the seed must be at most 2147483647, not 2147483648")]
    [InlineData("1e15", "the seed must be at most 2147483647, not 1000000000000000")]
    [InlineData("2.5", "the seed must be a whole number, not 2.5")]
    [InlineData("0.1 + 0.2", "the seed must be a whole number, not 0.30000000000000004")]
    public void Numbers_in_messages_are_printed_exactly(string seed, string message)
    {
        var compilation = Compilation.Create($"network n {{\n  input 1\n  dense 1 sigmoid\n  loss mse\n  seed {seed}\n}}");
        var error = Assert.Single(compilation.Diagnostics);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void The_largest_documented_seed_is_accepted()
    {
        var compilation = Compilation.Create("network n {\n  input 1\n  dense 1 sigmoid\n  loss mse\n  seed 2147483647\n}");
        Assert.Empty(compilation.Diagnostics);
        Assert.Equal(2147483647, compilation.Program.Networks[0].Seed);
    }

    [Fact]
    public void Power_binds_tighter_than_unary_minus_and_is_right_associative()
    {
        var compilation = Compilation.Create("let a = -2^2\nlet b = 2^3^2\nlet c = 2^-1");
        Assert.Equal((-4.0, 512.0, 0.5), (compilation.Program.Constants["a"], compilation.Program.Constants["b"], compilation.Program.Constants["c"]));
    }

    [Fact]
    public void Optimizer_defaults_are_torch_optim_s()
    {
        var compilation = Compilation.Create("""
            cost c(w) = w^2
            run a { minimize c from w = 1  optimizer adam }
            run b { minimize c from w = 1  optimizer rmsprop(lr = 0.1, centered = true) }
            run d { minimize c from w = 1  optimizer adadelta }
            run e { minimize c from w = 1  optimizer adamw(0.01) }
            """);
        Assert.Empty(compilation.Diagnostics);
        var runs = compilation.Program.Runs;
        Assert.Equal((0.001, 0.9, 0.999, 1e-8, 0.0), (runs[0].Optimizer.Lr, runs[0].Optimizer.Beta1, runs[0].Optimizer.Beta2, runs[0].Optimizer.Eps, runs[0].Optimizer.WeightDecay));
        Assert.Equal((0.1, 0.99, 1e-8, true), (runs[1].Optimizer.Lr, runs[1].Optimizer.Alpha, runs[1].Optimizer.Eps, runs[1].Optimizer.Centered));
        Assert.Equal((1.0, 0.9, 1e-6), (runs[2].Optimizer.Lr, runs[2].Optimizer.Rho, runs[2].Optimizer.Eps));
        Assert.Equal((0.01, 0.01), (runs[3].Optimizer.Lr, runs[3].Optimizer.WeightDecay));
        Assert.Equal(1000, runs[0].Steps);
        Assert.Equal(["lr=0.1", "centered=True"], runs[1].Optimizer.Arguments.Select(a => $"{a.Key}={a.Value}"));
    }

    [Fact]
    public void Repeat_copies_its_layers_and_reports_a_typo_inside_once()
    {
        var good = Compilation.Create("network n {\n input 2\n repeat 3 { dense 4 relu dense 2 tanh }\n dense 1 sigmoid\n loss bce\n}");
        Assert.Empty(good.Diagnostics);
        var network = Assert.Single(good.Program.Networks);
        Assert.Equal([4, 2, 4, 2, 4, 2, 1], network.Layers.Select(l => l.Units));
        Assert.Equal([2, 4, 2, 4, 2, 4, 2], network.Layers.Select(l => l.InputUnits));

        var typo = Compilation.Create("network n {\n input 1\n repeat 8 { dense 1 sigmod }\n loss mse\n}");
        Assert.Equal("GRAD0104", Assert.Single(typo.Diagnostics).Code);
    }

    [Fact]
    public void Names_resolve_for_navigation()
    {
        const string text = "let rate = 0.1\ncost c(w) = rate * w^2\nrun r { minimize c from w = 1  optimizer sgd(lr = rate) }";
        var compilation = Compilation.Create(text);
        var rate = compilation.Semantics.Lookup("rate")!;
        Assert.Equal(3, compilation.Semantics.FindReferences(rate, includeDeclaration: true).Count());
        var w = compilation.Semantics.FindSymbolAt(text.IndexOf("w = 1", StringComparison.Ordinal))!;
        Assert.Equal((SymbolKind.Parameter, "c"), (w.Kind, w.Container!.Name));
    }
}

public class ReferenceLookupTests
{
    /// <summary>
    /// FindReferenceAt finds the reference by binary search; at every offset of every example
    /// (and of a file with a repeat, whose labels are bound once per copy) it answers what a walk
    /// over all references answers: the first that contains the offset, else the first that touches it.
    /// </summary>
    [Fact]
    public void The_reference_at_every_offset_is_the_one_a_walk_over_all_references_finds()
    {
        var texts = Directory.GetFiles(Path.Combine(RepoPaths.Root, "examples"), "*.grad", SearchOption.AllDirectories)
            .Select(File.ReadAllText)
            .Append("network n {\n  input 2\n  repeat 3 {\n    dense 4 tanh as h\n  }\n  dense 1 sigmoid as out\n  loss mse\n}\nlet a = 1\ncost c(w1, w2) = a * w1^2 + w2\n")
            .ToArray();
        Assert.True(texts.Length >= 5);
        foreach (var text in texts)
        {
            var semantics = Compilation.Create(text).Semantics;
            Assert.NotEmpty(semantics.References);
            for (var offset = 0; offset <= text.Length; offset++)
            {
                var walked = semantics.References.FirstOrDefault(r => r.Span.Contains(offset)) ?? semantics.References.FirstOrDefault(r => r.Span.Touches(offset));
                Assert.Same(walked, semantics.FindReferenceAt(offset));
            }
        }
    }
}
