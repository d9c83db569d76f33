using Newtonsoft.Json.Linq;

namespace Grad.LanguageServer.Protocol;

public sealed class InitializeParams
{
    public int? ProcessId { get; set; }

    public string? RootUri { get; set; }

    /// <summary>The workspace folders (<c>[{uri, name}]</c>); null or absent when no folder is open.</summary>
    public JArray? WorkspaceFolders { get; set; }

    public JToken? InitializationOptions { get; set; }

    public JObject? Capabilities { get; set; }

    public string? Trace { get; set; }
}

public sealed class SetTraceParams
{
    public string Value { get; set; } = "off";
}

public sealed class DidOpenTextDocumentParams
{
    public TextDocumentItem TextDocument { get; set; } = new();
}

public sealed class TextDocumentContentChangeEvent
{
    /// <summary>The range replaced; absent means the whole document is replaced.</summary>
    public Range? Range { get; set; }

    public int? RangeLength { get; set; }

    public string Text { get; set; } = "";
}

public sealed class DidChangeTextDocumentParams
{
    public VersionedTextDocumentIdentifier TextDocument { get; set; } = new();

    public TextDocumentContentChangeEvent[] ContentChanges { get; set; } = [];
}

public sealed class DidCloseTextDocumentParams
{
    public TextDocumentIdentifier TextDocument { get; set; } = new();
}

public sealed class DidSaveTextDocumentParams
{
    public TextDocumentIdentifier TextDocument { get; set; } = new();
}

public sealed class DidChangeConfigurationParams
{
    public JToken? Settings { get; set; }
}

public sealed class LogMessageParams
{
    public int Type { get; set; }

    public string Message { get; set; } = "";
}

public sealed class AnalysisStateParams
{
    public string Uri { get; set; } = "";

    /// <summary>"analysing", "ready" or "error".</summary>
    public string State { get; set; } = "";

    public int? Version { get; set; }

    public string? Message { get; set; }
}

public sealed class DidChangeWatchedFilesParams
{
    public FileEvent[] Changes { get; set; } = [];
}

public sealed class FileEvent
{
    public string Uri { get; set; } = "";

    /// <summary>1 created, 2 changed, 3 deleted.</summary>
    public int Type { get; set; }
}
