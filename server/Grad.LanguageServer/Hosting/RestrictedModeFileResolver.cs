using Grad.Language.Resources;

namespace Grad.LanguageServer.Hosting;

/// <summary>
/// The resolver of an untrusted workspace (VS Code's Restricted Mode): no data file is read, and
/// each <c>csv("…")</c> says why (the file's existence is not checked either).
/// </summary>
public sealed class RestrictedModeFileResolver : IFileResolver
{
    public static RestrictedModeFileResolver Instance { get; } = new();

    public static string Message(string path) =>
        $"'{path}' is not read in Restricted Mode: trust the workspace to let Grad read its data files";

    public FileResolution Resolve(string? gradFilePath, string path) => FileResolution.Failure(Message(path));

    public FileText ReadText(DataFile file, long maxBytes) => FileText.Failure(Message(file.WrittenPath));
}
