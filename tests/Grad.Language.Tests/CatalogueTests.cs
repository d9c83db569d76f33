using System.Globalization;
using Grad.Language.Diagnostics;
using Grad.Language.Semantics;
using Grad.Language.Syntax;

namespace Grad.Language.Tests;

/// <summary>
/// The one catalogue of built-ins (<see cref="Builtins"/>, <see cref="Keywords"/>) that the binder,
/// completion, signature help and hover read: the binder's effective values are the defaults the
/// catalogue documents, and the keywords are the grammar's.
/// </summary>
public class CatalogueTests
{
    /// <summary>A bound value by its parameter's name: <c>weight_decay</c> is the property <c>WeightDecay</c>.</summary>
    private static double Property(object bound, string parameter)
    {
        var name = string.Concat(parameter.Split('_').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
        var property = bound.GetType().GetProperty(name) ?? throw new InvalidOperationException($"{bound.GetType().Name} has no {name} for the catalogue's '{parameter}'");
        return Convert.ToDouble(property.GetValue(bound), CultureInfo.InvariantCulture);
    }

    private static double Default(BuiltinParameter parameter) => parameter.Default is bool flag ? (flag ? 1 : 0) : Convert.ToDouble(parameter.Default, CultureInfo.InvariantCulture);

    private static Compilation Bind(string text)
    {
        var compilation = Compilation.Create(text);
        Assert.Empty(compilation.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        return compilation;
    }

    public static TheoryData<string> Optimizers => [.. Builtins.Optimizers.Select(b => b.Name)];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void An_optimizer_given_only_lr_has_every_other_hyperparameter_at_the_catalogues_default(string name)
    {
        var optimizer = Builtins.Find(Builtins.Optimizers, name)!;
        var run = Bind($"cost f(w) = w^2\nrun r {{\n  minimize f from w = 1\n  optimizer {name}(lr = 0.5)\n}}").Program.Runs.Single();
        Assert.Equal(0.5, run.Optimizer.Lr);
        foreach (var parameter in optimizer.Parameters.Where(p => p.Name != "lr"))
        {
            Assert.Equal(Default(parameter), Property(run.Optimizer, parameter.Name));
            Assert.Equal(parameter.Default, run.Optimizer.Effective.Single(e => e.Key == parameter.Name).Value);
        }
    }

    public static TheoryData<string> Generators => [.. Builtins.Generators.Where(b => b.Name != "csv").Select(b => b.Name)];

    [Theory]
    [MemberData(nameof(Generators))]
    public void A_generator_without_arguments_has_the_catalogues_defaults(string name)
    {
        var data = Assert.IsType<GeneratedBoundData>(Bind($"data d = {name}").Program.Data.Single());
        foreach (var parameter in Builtins.Find(Builtins.Generators, name)!.Parameters)
        {
            Assert.Equal(Default(parameter), Property(data, parameter.Name));
        }
    }

    public static TheoryData<string, string> Schedules => new()
    {
        { "step", "step(every = 10)" },
        { "exponential", "exponential(gamma = 0.9)" },
        { "cosine", "cosine(period = 10)" },
        { "warmup", "warmup(steps = 10)" },
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void A_schedule_given_only_its_required_parameter_has_the_catalogues_defaults(string name, string call)
    {
        var run = Bind($"cost f(w) = w^2\nrun r {{\n  minimize f from w = 1\n  optimizer sgd(lr = 0.1)\n  schedule {call}\n  steps 20\n}}").Program.Runs.Single();
        var phase = Assert.Single(run.Schedule!.Phases);
        foreach (var parameter in Builtins.Find(Builtins.Schedules, name)!.Parameters.Where(p => !p.IsRequired))
        {
            Assert.Equal(Default(parameter), Property(phase, parameter.Name));
        }
    }

    [Theory]
    [InlineData("normal", "mean", "std")]
    [InlineData("uniform", "low", "high")]
    public void An_init_without_arguments_has_the_catalogues_defaults(string name, string first, string second)
    {
        var init = Bind($"network n {{\n  input 1\n  dense 1 linear\n  init {name}\n  loss mse\n}}").Program.Networks.Single().Init;
        var parameters = Builtins.Find(Builtins.Inits, name)!.Parameters;
        Assert.Equal([first, second], parameters.Select(p => p.Name));
        Assert.Equal((Default(parameters[0]), Default(parameters[1])), (init.A, init.B));
    }

    [Theory]
    [InlineData("leaky_relu")]
    [InlineData("elu")]
    public void An_activation_without_arguments_has_the_catalogues_default(string name)
    {
        var layer = Bind($"network n {{\n  input 1\n  dense 1 {name}\n  loss mse\n}}").Program.Networks.Single().Layers.Single();
        Assert.Equal(Default(Builtins.Find(Builtins.Activations, name)!.Parameters.Single()), layer.Activation.Parameter);
    }

    [Fact]
    public void The_defaults_that_once_drifted_are_the_binders()
    {
        // The server's old list said uniform(low = -1) and xor(n = 4); the binder has always used 0 and 100.
        Assert.Equal("uniform(low = 0, high = 1)", Builtins.Find(Builtins.Inits, "uniform")!.Signature);
        Assert.Equal("xor(n = 100, noise = 0, seed = 0)", Builtins.Find(Builtins.Generators, "xor")!.Signature);
        Assert.Equal(100, Assert.IsType<GeneratedBoundData>(Bind("data d = xor").Program.Data.Single()).N);
        Assert.Equal(0, Bind("network n {\n  input 1\n  dense 1 linear\n  init uniform\n  loss mse\n}").Program.Networks.Single().Init.A);
    }

    [Fact]
    public void Defaults_are_written_as_a_user_writes_them()
    {
        Assert.Equal("adam(lr = 0.001, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0, amsgrad = false)", Builtins.Find(Builtins.Optimizers, "adam")!.Signature);
        Assert.Equal("adagrad(lr = 0.01, eps = 1e-10, initial_accumulator = 0, weight_decay = 0)", Builtins.Find(Builtins.Optimizers, "adagrad")!.Signature);
    }

    [Fact]
    public void The_keywords_of_the_catalogue_are_the_grammars_reserved_words()
    {
        Assert.Equal(SyntaxFacts.Keywords.Order(StringComparer.Ordinal), Keywords.All.Select(k => k.Name).Order(StringComparer.Ordinal));
        Assert.Equal(Keywords.All.Length, Keywords.All.Select(k => k.Name).Distinct().Count());
    }

    [Fact]
    public void Every_built_in_and_keyword_is_documented()
    {
        Assert.All(Builtins.All, b => Assert.False(string.IsNullOrWhiteSpace(b.Documentation), $"{b.Name} ({b.Category}) has no documentation"));
        Assert.All(Keywords.All, k => Assert.False(string.IsNullOrWhiteSpace(k.Documentation), $"{k.Name} has no documentation"));
        Assert.All(Builtins.All.Where(b => b.Category != BuiltinCategory.Function).SelectMany(b => b.Parameters.Select(p => (b, p))),
            x => Assert.False(string.IsNullOrWhiteSpace(x.p.Description), $"{x.b.Name}'s {x.p.Name} has no description"));
    }

    [Theory]
    [InlineData("network n {\n  input 2\n  norm lyer\n  dense 1 linear\n  loss mse\n}", "did you mean 'layer'?")]
    [InlineData("cost f(w) = w^2\nrun r {\n  minimize f from w = 1\n  optimizer sgd(lr = 0.1)\n  clip valu 1\n}", "did you mean 'value'?")]
    [InlineData("cost f(w) = w^2\nrun r {\n  minimize f from w = 1\n  optimizer sgd(lr = 0.1)\n  until chnge < 1\n}", "did you mean 'change'?")]
    public void The_words_after_norm_clip_and_until_come_from_the_catalogue(string text, string suggestion)
    {
        var error = Assert.Single(Compilation.Create(text).Diagnostics, d => d.Code == "GRAD0104");
        Assert.Contains(suggestion, error.Message, StringComparison.Ordinal);
    }

    /// <summary>The word lists of the TextMate grammar: every group <c>(a|b|c)</c> of its match patterns.</summary>
    private static List<HashSet<string>> TextMateWordLists()
    {
        var grammar = File.ReadAllText(Path.Combine(RepoPaths.Root, "vscode-extension", "syntaxes", "grad.tmLanguage.json"));
        return [.. System.Text.RegularExpressions.Regex.Matches(grammar, @"\(([a-z_]+(?:\|[a-z_]+)*)\)")
            .Select(m => m.Groups[1].Value.Split('|').ToHashSet(StringComparer.Ordinal))];
    }

    public static TheoryData<BuiltinCategory> Categories => [.. Enum.GetValues<BuiltinCategory>()];

    [Theory]
    [MemberData(nameof(Categories))]
    public void The_TextMate_grammar_colours_each_category_with_exactly_the_catalogues_names(BuiltinCategory category)
    {
        var names = Builtins.OfCategory(category).Select(b => b.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(TextMateWordLists(), list => list.SetEquals(names));
    }

    [Fact]
    public void The_TextMate_grammar_knows_every_keyword()
    {
        var words = TextMateWordLists().SelectMany(list => list).ToHashSet(StringComparer.Ordinal);
        var missing = Keywords.All.Select(k => k.Name).Except(words).ToArray();
        Assert.True(missing.Length == 0, $"not in the TextMate grammar: {string.Join(", ", missing)}");
    }
}
