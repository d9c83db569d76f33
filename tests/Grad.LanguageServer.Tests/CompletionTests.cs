using Grad.Language.Semantics;
using Grad.Language.Text;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>Completion in context (issue 15): what is offered at each kind of place, from the one catalogue.</summary>
public sealed class CompletionTests
{
    private static async Task<JToken[]> ItemsAsync(string marked, int index = 0)
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse(marked);
        await server.OpenAsync(uri, markup.Text);
        var list = await server.RequestAsync<JObject>("textDocument/completion", new { textDocument = new { uri }, position = TestServer.ToLsp(markup.Positions[index]) });
        return [.. list["items"]!];
    }

    private static async Task<string[]> LabelsAsync(string marked, int index = 0) =>
        [.. (await ItemsAsync(marked, index)).Select(i => i["label"]!.ToString())];

    /// <summary>The labels in the order a client shows them (by sortText, then label).</summary>
    private static async Task<string[]> OrderedAsync(string marked) =>
        [.. (await ItemsAsync(marked)).OrderBy(i => i["sortText"]?.ToString() ?? i["label"]!.ToString(), StringComparer.Ordinal).Select(i => i["label"]!.ToString())];

    private static string[] Names(BuiltinCategory category) => [.. Builtins.OfCategory(category).Select(b => b.Name)];

    private const string Run = "cost f(w) = w^2\nrun r {\n  minimize f from w = 1\n  optimizer sgd(lr = 0.1)\n  ";

    [Fact]
    public async Task At_the_start_of_a_top_level_line_the_declaration_keywords_come_first()
    {
        var items = await ItemsAsync("let a = 1\n|\n");
        Assert.Equal(["network", "data", "run", "cost", "let", "sweep"], items.OrderBy(i => i["sortText"]!.ToString(), StringComparer.Ordinal).Select(i => i["label"]!.ToString()));
        Assert.All(items, i => Assert.StartsWith("0", i["sortText"]!.ToString(), StringComparison.Ordinal));
        Assert.True((bool)items.Single(i => i["label"]!.ToString() == "network")["preselect"]!);
        Assert.Contains("input ${2:1}", items.Single(i => i["label"]!.ToString() == "network")["insertText"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_a_declarations_name_nothing_is_offered()
    {
        Assert.Empty(await LabelsAsync("run r |"));
        Assert.Empty(await LabelsAsync("network |"));
    }

    [Fact]
    public async Task After_optimizer_only_optimizers_with_their_defaults_as_snippets()
    {
        var items = await ItemsAsync(Run + "optimizer |\n}");
        Assert.Equal(Names(BuiltinCategory.Optimizer), items.Select(i => i["label"]!.ToString()));
        var adam = items.Single(i => i["label"]!.ToString() == "adam");
        Assert.Equal("adam(lr = ${1:0.001}, beta1 = ${2:0.9}, beta2 = ${3:0.999}, eps = ${4:1e-8}, weight_decay = ${5:0}, amsgrad = ${6:false})", adam["insertText"]!.ToString());
        Assert.Contains("update rule: m ← β₁m", adam["documentation"]!["value"]!.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("network n {\n  input 1\n  dense 4 |\n}", BuiltinCategory.Activation)]
    [InlineData("let k = 4\nnetwork n {\n  input 1\n  dense 2 * k |\n}", BuiltinCategory.Activation)]
    [InlineData("network n {\n  input 1\n  loss |\n}", BuiltinCategory.Loss)]
    [InlineData("network n {\n  input 4\n  norm |\n}", BuiltinCategory.Norm)]
    [InlineData("network n {\n  input 4\n  repeat 2 { residual { dense 4 relu  norm | } }\n}", BuiltinCategory.Norm)]
    [InlineData("data d = |", BuiltinCategory.Generator)]
    [InlineData(Run + "schedule |\n}", BuiltinCategory.Schedule)]
    [InlineData(Run + "schedule warmup(steps = 10) then |\n}", BuiltinCategory.Schedule)]
    [InlineData(Run + "clip |\n}", BuiltinCategory.Clip)]
    [InlineData(Run + "until |\n}", BuiltinCategory.Metric)]
    public async Task After_a_keyword_only_what_fits(string marked, BuiltinCategory category)
    {
        Assert.Equal(Names(category), await LabelsAsync(marked));
    }

    [Fact]
    public async Task After_init_the_inits_and_from_then_run_after_the_file()
    {
        var labels = await LabelsAsync("network n {\n  input 1\n  init |\n}");
        Assert.Equal(Names(BuiltinCategory.Init).Append("from"), labels);
        Assert.Equal(["run"], await LabelsAsync("network n {\n  input 1\n  init from \"a.json\" |\n}"));
    }

    [Fact]
    public async Task After_clip_norm_and_until_loss_no_norm_kinds_or_losses()
    {
        Assert.Empty(await LabelsAsync(Run + "clip norm |\n}"));
        Assert.Empty(await LabelsAsync(Run + "until loss |\n}"));
    }

    [Fact]
    public async Task Inside_a_call_its_parameters_not_yet_given_and_nothing_else()
    {
        Assert.Equal(["lr", "momentum", "dampening", "nesterov", "weight_decay"], await LabelsAsync(Run + "optimizer sgd(|)\n}"));
        Assert.Equal(["beta1", "beta2", "eps", "weight_decay", "amsgrad"], await LabelsAsync(Run + "optimizer adam(lr = 0.1, |)\n}"));
        Assert.Equal(["every", "gamma"], await LabelsAsync(Run + "schedule step(|)\n}"));
        Assert.Equal(["period", "min_lr"], await LabelsAsync(Run + "schedule warmup(steps = 5) then cosine(|)\n}"));
        // `linear` is an activation after `dense N` and a generator after `data … =`.
        Assert.Equal(["n", "slope", "intercept", "noise", "seed"], await LabelsAsync("data d = linear(|)"));
        Assert.Equal(["slope"], await LabelsAsync("network n {\n  input 1\n  dense 1 leaky_relu(|)\n}"));
        var required = (await ItemsAsync(Run + "schedule cosine(|)\n}")).First();
        Assert.Equal(("period", "required"), (required["label"]!.ToString(), required["detail"]!.ToString()));
    }

    [Fact]
    public async Task No_declaration_snippets_inside_a_call_or_a_run()
    {
        string[] declarations = ["network", "data", "run", "cost", "let"];
        Assert.DoesNotContain(await LabelsAsync("data d = spirals(|)"), declarations.Contains);
        Assert.DoesNotContain(await LabelsAsync(Run + "|\n}"), declarations.Contains);
        Assert.DoesNotContain(await LabelsAsync(Run + "steps 10 |\n}"), declarations.Contains);
    }

    [Fact]
    public async Task At_the_start_of_an_item_the_keywords_of_the_block()
    {
        Assert.Equal(["input", "dense", "residual", "norm", "repeat", "init", "loss", "seed"], await OrderedAsync("network n {\n  |\n}"));
        Assert.Equal(["dense", "residual", "norm"], await OrderedAsync("network n {\n  input 2\n  repeat 3 { | }\n}"));
        Assert.Equal(["dense", "residual", "norm"], await OrderedAsync("network n {\n  input 2\n  residual {\n    |\n  }\n}"));
        Assert.Equal(["minimize", "train", "optimizer", "schedule", "clip", "steps", "epochs", "batch", "until", "record", "seed"], await OrderedAsync(Run + "|\n}"));
    }

    [Fact]
    public async Task The_words_that_continue_an_item()
    {
        Assert.Equal(["weights", "bias", "as"], await LabelsAsync("network n {\n  input 1\n  dense 1 relu |\n}"));
        Assert.Equal(["from"], await LabelsAsync("cost f(w) = w^2\nrun r {\n  minimize f |\n}"));
        Assert.Equal(["f"], await LabelsAsync("cost f(w) = w^2\nrun r {\n  minimize |\n}"));
        Assert.Equal(["every"], await LabelsAsync(Run + "record |\n}"));
        Assert.Equal(["then"], await LabelsAsync(Run + "schedule warmup(steps = 10) |\n}"));
        Assert.Empty(await LabelsAsync(Run + "schedule cosine(period = 10) |\n}"));
    }

    [Fact]
    public async Task In_a_cost_expression_parameters_constants_and_math_functions()
    {
        var labels = await LabelsAsync("let a = 2\ncost bowl(w1, w2) = a * w1 + |");
        Assert.Equal(["w1", "w2", "a", .. Names(BuiltinCategory.Function)], labels);
    }
}
