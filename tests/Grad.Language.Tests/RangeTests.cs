using Grad.Language.Text;

namespace Grad.Language.Tests;

/// <summary>Positions are 0-based lines and UTF-16 columns, through a line-start table that knows \n, \r\n and \r.</summary>
public class RangeTests
{
    [Theory]
    [InlineData("a\nb\r\nc\rd", new[] { 0, 2, 5, 7 })]
    [InlineData("", new[] { 0 })]
    [InlineData("\r\n\r\n", new[] { 0, 2, 4 })]
    [InlineData("x\r", new[] { 0, 2 })]
    public void Line_starts_know_every_line_break(string text, int[] expected) =>
        Assert.Equal(expected, new SourceText(text).LineStarts);

    [Fact]
    public void An_emoji_is_two_columns_and_a_tab_one()
    {
        const string text = "let a = 1 // 😀\r\n\tcost f(w) = 😀 zz";
        var compilation = Compilation.Create(text);

        var emoji = Assert.Single(compilation.Diagnostics, d => d.Code == "GRAD0002");
        Assert.Equal(new LineRange(new LinePosition(1, 13), new LinePosition(1, 15)), compilation.Source.GetRange(emoji.Span));

        var zz = Assert.Single(compilation.Diagnostics, d => d.Code == "GRAD0100");
        Assert.Equal(new LineRange(new LinePosition(1, 16), new LinePosition(1, 18)), compilation.Source.GetRange(zz.Span));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Ranges_are_the_same_whatever_the_line_break(string lineBreak)
    {
        var text = string.Join(lineBreak, "let a = 1", "", "cost c(w) = w^2 + nope", "let b = 2");
        var compilation = Compilation.Create(text);
        var diagnostic = Assert.Single(compilation.Diagnostics);
        Assert.Equal(new LineRange(new LinePosition(2, 18), new LinePosition(2, 22)), compilation.Source.GetRange(diagnostic.Span));
    }

    [Fact]
    public void Offsets_and_positions_round_trip()
    {
        var source = new SourceText("ab😀\r\n\tc\rd\n");
        for (var offset = 0; offset <= source.Length; offset++)
        {
            var position = source.GetPosition(offset);
            if (offset < source.Length && source.Text[offset] == '\n' && offset > 0 && source.Text[offset - 1] == '\r')
            {
                continue; // the middle of a \r\n is not a position an editor can name
            }

            Assert.Equal(offset, source.GetOffset(position));
        }
    }

    [Fact]
    public void Columns_past_the_end_of_a_line_clamp_to_it()
    {
        var source = new SourceText("abc\r\nde");
        Assert.Equal(3, source.GetOffset(new LinePosition(0, 99)));
        Assert.Equal(7, source.GetOffset(new LinePosition(5, 0)));
    }

    [Fact]
    public void A_syntax_error_at_the_end_of_the_file_is_anchored_to_the_last_token()
    {
        var compilation = Compilation.Create("let a = 1\nlet b =");
        var diagnostic = Assert.Single(compilation.Diagnostics);
        Assert.Equal("GRAD0001", diagnostic.Code);
        Assert.Equal(new LineRange(new LinePosition(1, 6), new LinePosition(1, 7)), compilation.Source.GetRange(diagnostic.Span));
    }
}
