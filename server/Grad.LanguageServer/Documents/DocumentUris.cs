namespace Grad.LanguageServer.Documents;

public static class DocumentUris
{
    /// <summary>The local path of a <c>file:</c> URI (to resolve <c>csv("…")</c> paths); null for other schemes.</summary>
    public static string? ToFilePath(string uri)
    {
        if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile)
        {
            return parsed.LocalPath;
        }

        return null;
    }
}
