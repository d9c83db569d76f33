using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Protocol;

public sealed class LspDiagnostic
{
    public Range Range { get; set; } = new();

    public int Severity { get; set; }

    public string? Code { get; set; }

    public string Source { get; set; } = "grad";

    public string Message { get; set; } = "";

    public DiagnosticRelatedInformation[]? RelatedInformation { get; set; }

    /// <summary>Facts for quick fixes (the language diagnostic's properties), sent back in codeAction requests.</summary>
    public JObject? Data { get; set; }
}

public sealed class DiagnosticRelatedInformation
{
    public Location Location { get; set; } = new();

    public string Message { get; set; } = "";
}

public sealed class PublishDiagnosticsParams
{
    public string Uri { get; set; } = "";

    public int? Version { get; set; }

    public LspDiagnostic[] Diagnostics { get; set; } = [];
}

public sealed class CodeActionParams
{
    public TextDocumentIdentifier TextDocument { get; set; } = new();

    public Range Range { get; set; } = new();

    public CodeActionContext Context { get; set; } = new();
}

public sealed class CodeActionContext
{
    public LspDiagnostic[] Diagnostics { get; set; } = [];

    public string[]? Only { get; set; }
}

public sealed class CodeAction
{
    public string Title { get; set; } = "";

    public string? Kind { get; set; }

    public LspDiagnostic[]? Diagnostics { get; set; }

    public bool? IsPreferred { get; set; }

    public WorkspaceEdit? Edit { get; set; }
}

public sealed class WorkspaceEdit
{
    public Dictionary<string, TextEdit[]> Changes { get; set; } = [];
}
