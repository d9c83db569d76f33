using Grad.Language.Semantics;
using Grad.LanguageServer.Tests.Infrastructure;
using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Tests;

/// <summary>Signature help for every built-in with parameters, read from the one catalogue.</summary>
public sealed class SignatureHelpTests
{
    private const string Run = "cost f(w) = w^2\nrun r {\n  minimize f from w = 1\n  optimizer sgd(lr = 0.1)\n  ";

    private static string Context(Builtin builtin) => builtin.Category switch
    {
        BuiltinCategory.Activation => $"network n {{\n  input 1\n  dense 1 {builtin.Name}(|)\n  loss mse\n}}",
        BuiltinCategory.Init => $"network n {{\n  input 1\n  dense 1 relu\n  init {builtin.Name}(|)\n  loss mse\n}}",
        BuiltinCategory.Optimizer => $"cost f(w) = w^2\nrun r {{\n  minimize f from w = 1\n  optimizer {builtin.Name}(|)\n}}",
        BuiltinCategory.Schedule => Run + $"schedule {builtin.Name}(|)\n}}",
        BuiltinCategory.Generator => $"data d = {builtin.Name}(|)",
        _ => $"cost c(w) = {builtin.Name}(|)",
    };

    public static TheoryData<string, string> WithParameters()
    {
        var data = new TheoryData<string, string>();
        foreach (var builtin in Builtins.All.Where(b => !b.Parameters.IsEmpty))
        {
            data.Add(builtin.Category.ToString(), builtin.Name);
        }

        return data;
    }

    private static async Task<JObject?> HelpAsync(string marked)
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse(marked);
        await server.OpenAsync(uri, markup.Text);
        return await server.RequestAsync<JObject?>("textDocument/signatureHelp", new { textDocument = new { uri }, position = TestServer.ToLsp(markup.Position) });
    }

    [Theory]
    [MemberData(nameof(WithParameters))]
    public async Task Every_built_in_with_parameters_has_signature_help_from_the_catalogue(string category, string name)
    {
        var builtin = Builtins.Find(Enum.Parse<BuiltinCategory>(category), name)!;
        var help = await HelpAsync(Context(builtin));
        Assert.NotNull(help);
        var signature = help["signatures"]!.Single();
        var label = signature["label"]!.ToString();
        Assert.Equal(builtin.Signature, label);
        var parameters = signature["parameters"]!.Select(p => p["label"]!.Select(v => (int)v).ToArray()).Select(r => label[r[0]..r[1]]).ToArray();
        Assert.Equal(builtin.Parameters.Select(p => p.WrittenDefault is { } written ? $"{p.Name} = {written}" : p.Name), parameters);
        Assert.Contains(builtin.Summary, signature["documentation"]!["value"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_schedule_after_then_and_the_active_parameter_by_name()
    {
        var help = await HelpAsync(Run + "schedule warmup(steps = 10) then cosine(min_lr = |)\n}");
        Assert.Equal("cosine(period, min_lr = 0)", help!["signatures"]![0]!["label"]!.ToString());
        Assert.Equal(1, (int)help["activeParameter"]!);
        Assert.Equal("the lowest learning rate (eta_min) (≥ 0)", help["signatures"]![0]!["parameters"]![1]!["documentation"]!["value"]!.ToString());
    }

    [Fact]
    public async Task The_defaults_that_once_drifted_are_shown_as_the_binder_uses_them()
    {
        Assert.Equal("uniform(low = 0, high = 1)", (await HelpAsync("network n {\n  input 1\n  dense 1 relu\n  init uniform(|)\n  loss mse\n}"))!["signatures"]![0]!["label"]!.ToString());
        Assert.Equal("xor(n = 100, noise = 0, seed = 0)", (await HelpAsync("data d = xor(|)"))!["signatures"]![0]!["label"]!.ToString());
    }

    [Fact]
    public async Task No_signature_help_outside_a_built_in_call()
    {
        Assert.Null(await HelpAsync("cost f(|w) = w^2"));
    }
}
