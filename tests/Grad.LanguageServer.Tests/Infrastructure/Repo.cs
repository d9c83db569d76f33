namespace Grad.LanguageServer.Tests.Infrastructure;

public static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string SeedPath => Path.Combine(Root, "examples", "seed.grad");

    public static string SeedText => File.ReadAllText(SeedPath);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Dsl.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Dsl.sln not found above " + AppContext.BaseDirectory);
    }
}
