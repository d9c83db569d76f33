using Grad.Language.Text;

namespace Grad.Language.Tests;

public class RecoveryTests
{
    [Fact]
    public void A_network_recovered_without_layers_trained_on_data_of_another_width_is_reported_not_thrown()
    {
        // Found by the fuzzer (seed 1001, case 193495): the width-mismatch diagnostic pointed at the last layer of a
        // network that error recovery had left without one, and the binder threw IndexOutOfRangeException.
        var compilation = Compilation.Create("""
            data n3 { x : [ [ 1e300 ] , [ 0 ] ] y : [ [ 1e - 320 ] , [ 3.25 ] ] } 
             let s = - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             - 
             1 
             run d { 
             optimizer sgd ( lr = ( n2 ) , dampening = a ^ .5 - + 10 , weight_decay = - 3 ) 
             until loss < 1e300 
             train net on a 
             schedule exponential ( gamma = 10 ) 
             batch 2 
             } 
             run d { 
             minimize d from w = + 3.25 , n0 = 1 ^ - 3 
             optimizer adam ( beta1 = - 0.5 ^ 1 , weight_decay = 1e999 , amsgrad = false data deep { x: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]] y: [1] } ) 
             steps 4294967297 
             } 
             data a = moons ( n = 37 , noise = 0 , seed = 24 ) 
             network net 
             input 2 
             init uniform ( low = 1e - 8 ) 
             loss bce 
             } 
            """);

        Assert.Contains(compilation.Diagnostics, d => d.Code == "GRAD0001");
    }

    [Fact]
    public void A_network_recovered_without_layers_is_not_bound_so_nothing_downstream_judges_it()
    {
        // The same fuzz case reduced: the missing `{` silences GRAD0317, and the analysis of the bound, layerless
        // network threw IndexOutOfRangeException (reported as GRAD0504, "a bug in Grad").
        var compilation = Compilation.Create("network net\n input 2\n loss bce\n");

        var expectedBrace = compilation.Diagnostics.First(d => d.Code == "GRAD0001");
        Assert.Equal(new LinePosition(0, 8), compilation.Source.GetRange(expectedBrace.Span).Start); // on `net`
        Assert.DoesNotContain(compilation.Diagnostics, d => d.Code == "GRAD0317");
        Assert.Empty(compilation.Program.Networks);
    }

    [Fact]
    public void A_syntax_error_on_line_3_still_reports_an_undefined_name_on_line_20()
    {
        var lines = new string[22];
        Array.Fill(lines, "");
        lines[0] = "let a = 1";
        lines[2] = "cost c(w) = w^2 + * a";
        lines[19] = "let b = a + undefined_name";
        var compilation = Compilation.Create(string.Join("\n", lines));

        Assert.Collection(
            compilation.Diagnostics,
            d => Assert.Equal(("GRAD0001", 2), (d.Code, compilation.Source.GetLine(d.Span.Start))),
            d => Assert.Equal(("GRAD0100", 19), (d.Code, compilation.Source.GetLine(d.Span.Start))));
    }

    [Fact]
    public void A_misspelt_first_item_of_a_run_leaves_its_other_items_bound()
    {
        var compilation = Compilation.Create("""
            cost c(w) = w^2
            run r {
              minimise c from w = 1
              optimizer sgd(lr = -1)
            }
            """);
        Assert.Equal(["GRAD0001", "GRAD0300"], compilation.Diagnostics.Select(d => d.Code));
    }

    [Fact]
    public void Declarations_after_an_unfinished_line_are_kept()
    {
        var compilation = Compilation.Create("let a = 1 +\nlet b = 2\nlet c = b");
        Assert.Equal("GRAD0001", Assert.Single(compilation.Diagnostics).Code);
        Assert.Equal(2, compilation.Program.Constants["c"]);
    }

    [Fact]
    public void The_seed_binds_every_declaration()
    {
        var path = Path.Combine(RepoPaths.Root, "examples", "seed.grad");
        var compilation = Compilation.Create(File.ReadAllText(path), path);

        Assert.Empty(compilation.Diagnostics);
        var program = compilation.Program;
        Assert.Equal(["plain", "early", "adaptive", "deep"], program.Runs.Select(r => r.Name));
        Assert.Equal(0.001, program.Constants["a"]);
        var chain = Assert.Single(program.Networks);
        Assert.Equal(9, chain.Layers.Length);
        Assert.Equal("out", chain.Layers[^1].Label);
        Assert.Equal(new Semantics.InitSpec(Semantics.InitKind.Normal, 0, 1), chain.Init);
        var early = program.Runs[1];
        Assert.Equal([1.0, 1.0], early.Start.ToArray());
        Assert.Equal(new Semantics.StopCondition(Semantics.StopMetric.Change, 1e-3), Assert.Single(early.Until));
        Assert.Equal(0.5, early.Optimizer.Lr);
        Assert.Equal(1e-10, program.Runs[2].Optimizer.Eps);
        Assert.Equal((100, 7L), (program.Runs[3].Epochs!.Value, program.Runs[3].Seed));
    }
}
