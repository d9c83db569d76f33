using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language.Semantics;

public static class Binder
{
    public static SemanticModel Bind(GradFileSyntax syntax, SourceText source, string? filePath) =>
        new(BoundProgram.Empty, [], [], ImmutableArray<Diagnostic>.Empty);
}
