using Grad.Language;
using Grad.LanguageServer.Features.Common;
using Grad.LanguageServer.Tests.Infrastructure;

namespace Grad.LanguageServer.Tests;

public class SyntaxLocatorTests
{
    /// <summary>
    /// The hovers find the declarations at the caret by binary search; at every offset of every
    /// example, of a generated file and of declarations written without a space between them
    /// (one ends where the next starts), the answer is the walk over all declarations' answer.
    /// </summary>
    [Fact]
    public void The_declarations_at_every_offset_are_those_a_walk_over_all_declarations_finds()
    {
        var texts = Directory.GetFiles(Path.Combine(Repo.Root, "examples"), "*.grad", SearchOption.AllDirectories)
            .Select(File.ReadAllText)
            .Append(LargeFile.Generate(60))
            .Append("let a = 1\ncost c(w) = a * w^2\nrun r {\n  minimize c from w = 1\n  optimizer sgd(lr = 0.1)\n}run s {\n  minimize c from w = 2\n  optimizer sgd(lr = 0.1)\n}")
            .ToArray();
        foreach (var text in texts)
        {
            var compilation = Compilation.Create(text);
            Assert.NotEmpty(compilation.Syntax.Declarations);
            for (var offset = 0; offset <= text.Length; offset++)
            {
                var walked = compilation.Syntax.Declarations.Where(d => d.Span.Touches(offset)).ToArray();
                Assert.Equal(walked, compilation.DeclarationsTouching(offset).ToArray());
                Assert.Same(walked.FirstOrDefault(), compilation.DeclarationAt(offset));
            }
        }

        var adjacent = Compilation.Create(texts[^1]);
        var end = adjacent.Syntax.Declarations[2].Span.End;
        Assert.Equal(2, adjacent.DeclarationsTouching(end).Count());
    }
}
