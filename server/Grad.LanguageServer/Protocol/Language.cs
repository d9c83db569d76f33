using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Protocol;

public sealed class Hover
{
    public MarkupContent Contents { get; set; } = new();

    public Range? Range { get; set; }
}

public sealed class InlayHintParams
{
    public TextDocumentIdentifier TextDocument { get; set; } = new();

    public Range Range { get; set; } = new();
}

public sealed class InlayHint
{
    public Position Position { get; set; } = new();

    public string Label { get; set; } = "";

    public bool? PaddingLeft { get; set; }

    public MarkupContent? Tooltip { get; set; }
}

public sealed class CompletionParams : TextDocumentPositionParams
{
    public JObject? Context { get; set; }
}

public sealed class CompletionList
{
    public bool IsIncomplete { get; set; }

    public CompletionItem[] Items { get; set; } = [];
}

public sealed class CompletionItem
{
    public string Label { get; set; } = "";

    /// <summary>LSP CompletionItemKind.</summary>
    public int Kind { get; set; }

    public string? Detail { get; set; }

    public MarkupContent? Documentation { get; set; }

    public string? InsertText { get; set; }

    /// <summary>1 = plain text, 2 = snippet.</summary>
    public int? InsertTextFormat { get; set; }

    public string? SortText { get; set; }

    /// <summary>Select this item first (the declaration keyword at the start of a top-level line).</summary>
    public bool? Preselect { get; set; }
}

public sealed class SignatureHelp
{
    public SignatureInformation[] Signatures { get; set; } = [];

    public int ActiveSignature { get; set; }

    public int ActiveParameter { get; set; }
}

public sealed class SignatureInformation
{
    public string Label { get; set; } = "";

    public MarkupContent? Documentation { get; set; }

    public ParameterInformation[] Parameters { get; set; } = [];
}

public sealed class ParameterInformation
{
    /// <summary>[start, end) offsets into the signature label.</summary>
    public int[] Label { get; set; } = [];

    public MarkupContent? Documentation { get; set; }
}

public sealed class DocumentSymbol
{
    public string Name { get; set; } = "";

    public string? Detail { get; set; }

    /// <summary>LSP SymbolKind.</summary>
    public int Kind { get; set; }

    public Range Range { get; set; } = new();

    public Range SelectionRange { get; set; } = new();

    public DocumentSymbol[]? Children { get; set; }
}

public sealed class ReferenceParams : TextDocumentPositionParams
{
    public ReferenceContext Context { get; set; } = new();
}

public sealed class ReferenceContext
{
    public bool IncludeDeclaration { get; set; }
}

public sealed class RenameParams : TextDocumentPositionParams
{
    public string NewName { get; set; } = "";
}

public sealed class PrepareRenameResult
{
    public Range Range { get; set; } = new();

    public string Placeholder { get; set; } = "";
}

public sealed class SemanticTokens
{
    public int[] Data { get; set; } = [];
}

public sealed class FoldingRange
{
    public int StartLine { get; set; }

    public int EndLine { get; set; }

    public string? Kind { get; set; }
}

public sealed class DocumentFormattingParams
{
    public TextDocumentIdentifier TextDocument { get; set; } = new();

    public JObject? Options { get; set; }
}

public sealed class CodeLens
{
    public Range Range { get; set; } = new();

    public Command? Command { get; set; }
}

public sealed class ExecuteCommandParams
{
    public string Command { get; set; } = "";

    public JArray? Arguments { get; set; }
}

public sealed class RunResultsParams
{
    public string Uri { get; set; } = "";
}
