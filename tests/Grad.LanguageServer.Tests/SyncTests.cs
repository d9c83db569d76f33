using Grad.Language.Text;
using Grad.LanguageServer.Tests.Infrastructure;

namespace Grad.LanguageServer.Tests;

public sealed class SyncTests
{
    [Fact]
    public async Task Incremental_changes_apply_in_order_with_utf16_columns_emoji_crlf_and_tabs()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        // The emoji is two UTF-16 code units; the tab one; lines end in CRLF.
        await server.OpenAsync(uri, "// 😀 seed\r\nlet\ta = 1\r\nlet b = 2\r\n");
        await server.ChangeRangeAsync(uri, 2, new LineRange(new(0, 6), new(0, 10)), "grad");
        await server.ChangeRangeAsync(uri, 3, new LineRange(new(1, 8), new(1, 9)), "42");
        await server.ChangeRangeAsync(uri, 4, new LineRange(new(2, 4), new(2, 5)), "b😀c".Replace("😀", "_", StringComparison.Ordinal));
        await Wait.UntilAsync(() => server.Host.Context.Documents.TryGet(uri)?.Version == 4);
        Assert.Equal("// 😀 grad\r\nlet\ta = 42\r\nlet b_c = 2\r\n", server.Host.Context.Documents.TryGet(uri)!.Text);
    }

    [Fact]
    public async Task Several_changes_in_one_notification_apply_in_order()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, "let a = 1\n");
        await server.NotifyAsync("textDocument/didChange", new
        {
            textDocument = new { uri, version = 2 },
            contentChanges = new object[]
            {
                new { range = TestServer.ToLsp(new LineRange(new(0, 8), new(0, 9))), text = "2" },
                new { range = TestServer.ToLsp(new LineRange(new(1, 0), new(1, 0))), text = "let b = a\n" },
                new { range = TestServer.ToLsp(new LineRange(new(1, 4), new(1, 5))), text = "c" },
            },
        });
        Assert.Contains("(constant) `a` = 2", await server.HoverAsync(uri, new(1, 8)), StringComparison.Ordinal);
        Assert.Equal("let a = 2\nlet c = a\n", server.Host.Context.Documents.TryGet(uri)!.Text);
    }

    [Fact]
    public async Task Change_then_immediate_hover_sees_the_new_text()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        await server.OpenAsync(uri, "let a = 1\n");
        await server.ChangeAsync(uri, 2, "let alpha = 1\nlet b = alpha\n");
        var hover = await server.HoverAsync(uri, new(1, 9));
        Assert.NotNull(hover);
        Assert.Contains("alpha", hover, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_syntax_error_on_one_line_leaves_hover_working_on_the_others()
    {
        await using var server = await TestServer.StartAsync();
        var uri = server.NewUri();
        var markup = Markup.Parse("let a = 0.001\ncost bowl(w1, w2) = a * w1^2 + +* w2^2\nlet b = |a\n");
        await server.OpenAsync(uri, markup.Text);
        Assert.NotEmpty(await server.WaitForDiagnosticsAsync(uri, 1));
        var hover = await server.HoverAsync(uri, markup.Position);
        Assert.NotNull(hover);
        Assert.Contains("(constant) `a` = 0.001", hover, StringComparison.Ordinal);
    }
}
