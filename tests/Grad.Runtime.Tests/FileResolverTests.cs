using System.Collections.Immutable;
using System.Diagnostics;
using Grad.Language;
using Grad.Language.Resources;
using Grad.Runtime.Data;
using Grad.Runtime.Files;

namespace Grad.Runtime.Tests;

/// <summary>The one resolver of data files: relative to the .grad file, regular files only, under the size limit, never blocking, inside the allowed folders.</summary>
public sealed class FileResolverTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("grad-files-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private string GradFile => Path.Combine(root, "project", "main.grad");

    [Fact]
    public void A_path_is_relative_to_the_grad_file_not_the_working_directory()
    {
        Write("project/data/points.csv", "x,y\n1,2\n");
        var resolution = DiskFileResolver.Anywhere.Resolve(GradFile, "data/points.csv");
        Assert.Equal(Path.Combine(root, "project", "data", "points.csv"), resolution.File!.FullPath);
        Assert.Equal("x,y\n1,2\n", DiskFileResolver.Anywhere.ReadText(resolution.File, 1000).Text);

        Assert.Equal("no file 'points.csv' next to this .grad file", DiskFileResolver.Anywhere.Resolve(GradFile, "points.csv").Error);
        Assert.Equal("cannot find 'data/points.csv': a file's path is relative to the .grad file, and this file is not saved yet",
            DiskFileResolver.Anywhere.Resolve(null, "data/points.csv").Error);
    }

    [Fact]
    public void Inside_allowed_folders_only_even_through_dot_dot_or_a_symbolic_link()
    {
        Write("project/in.csv", "x,y\n1,2\n");
        var secret = Write("outside/secret.csv", "x,y\n1,2\n");
        File.CreateSymbolicLink(Path.Combine(root, "project", "link.csv"), secret);
        Directory.CreateSymbolicLink(Path.Combine(root, "project", "linkdir"), Path.Combine(root, "outside"));
        var workspace = new DiskFileResolver([Path.Combine(root, "project")]);

        Assert.NotNull(workspace.Resolve(GradFile, "in.csv").File);
        foreach (var path in new[] { "../outside/secret.csv", secret, "link.csv", "linkdir/secret.csv", "/etc/passwd" })
        {
            var error = workspace.Resolve(GradFile, path).Error;
            Assert.NotNull(error);
            Assert.Contains("is outside the workspace folders", error, StringComparison.Ordinal);
        }

        // With no workspace folder, the .grad file's own folder is the one allowed.
        var noFolders = new DiskFileResolver([]);
        Assert.NotNull(noFolders.Resolve(GradFile, "in.csv").File);
        Assert.Contains("outside the workspace folders", noFolders.Resolve(GradFile, "link.csv").Error, StringComparison.Ordinal);

        // The CLI follows the link to the real file.
        Assert.Equal(secret, DiskFileResolver.Anywhere.Resolve(GradFile, "link.csv").File!.FullPath);
    }

    [Fact]
    public async Task Devices_folders_and_pipes_are_refused_without_waiting()
    {
        Directory.CreateDirectory(Path.Combine(root, "project", "folder.csv"));
        Assert.Equal("'folder.csv' is a folder, not a csv file", DiskFileResolver.Anywhere.Resolve(GradFile, "folder.csv").Error);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        // (/dev/stdin is whatever this process's input is; the server's is a pipe, like the FIFO below.)
        foreach (var device in new[] { "/dev/zero", "/dev/urandom" })
        {
            Assert.Contains("is not a regular file", DiskFileResolver.Anywhere.Resolve(GradFile, device).Error, StringComparison.Ordinal);
            Assert.Contains("is not a regular file", DiskFileResolver.Anywhere.ReadText(new DataFile(device, device), 1000).Error, StringComparison.Ordinal);
        }

        var fifo = Path.Combine(root, "project", "fifo.csv");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            mkfifo.WaitForExit();
        }

        Assert.Contains("is not a regular file", DiskFileResolver.Anywhere.Resolve(GradFile, "fifo.csv").Error, StringComparison.Ordinal);
        var read = await Task.Run(() => DiskFileResolver.Anywhere.ReadText(new DataFile(fifo, "fifo.csv"), 1000)).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("is not a regular file", read.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_before_reading_it()
    {
        var big = Write("project/big.csv", "x,y\n" + string.Concat(Enumerable.Repeat("1,2\n", 1000)));
        var file = DiskFileResolver.Anywhere.Resolve(GradFile, "big.csv").File!;
        Assert.NotNull(DiskFileResolver.Anywhere.ReadText(file, new FileInfo(big).Length).Text);
        var error = DiskFileResolver.Anywhere.ReadText(file, 100).Error;
        Assert.Equal("'big.csv' is larger than 100 bytes, the limit for a data file; raise it with `--limit dataFileBytes=N` (grad CLI) or the `grad.limits.dataFileBytes` setting (editor)", error);
    }

    [Fact]
    public void The_binder_and_the_loader_use_the_injected_resolver()
    {
        Write("project/points.csv", "x,y\n1,2\n3,4\n");
        var options = new CompilationOptions(ResourceLimits.Default, new DiskFileResolver([Path.Combine(root, "project")]));
        var compilation = Compilation.Create("data d = csv(\"points.csv\", target = \"y\")\ndata e = csv(\"../outside.csv\", target = \"y\")", GradFile, options);
        var refused = Assert.Single(compilation.Diagnostics);
        Assert.Equal("GRAD0323", refused.Code);
        Assert.StartsWith("'../outside.csv' is outside the workspace folders", refused.Message, StringComparison.Ordinal);
        var loaded = DataLoader.Load(Assert.Single(compilation.Program.Data));
        Assert.Equal(2, loaded.Data!.Count);

        // Without a resolver that may read the disk, no file is read at all.
        Assert.Equal("no file 'points.csv' next to this .grad file", Assert.Single(Compilation.Create("data d = csv(\"points.csv\", target = \"y\")", GradFile).Diagnostics).Message);
    }

    [Fact]
    public void Messages_show_only_a_short_escaped_excerpt_of_a_file()
    {
        var line = "root:x\u001b[31m:0:0:root:/root:/bin/bash" + new string('A', 200);
        var result = CsvLoader.Parse("d", line + "\n1\n", "passwd", "y");
        Assert.DoesNotContain("\u001b", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('A', 40), result.Error, StringComparison.Ordinal);
        Assert.Contains("\\u001B", result.Error, StringComparison.Ordinal);

        var field = CsvLoader.Parse("d", "a,y\n" + new string('B', 500) + "\u0007,1\n", "f.csv", "y").Error!;
        Assert.True(field.Length < 200, field);
        Assert.DoesNotContain("\u0007", field, StringComparison.Ordinal);
    }

    [Fact]
    public void In_memory_files_resolve_like_the_disk()
    {
        var files = new InMemoryFileResolver(ImmutableDictionary<string, string>.Empty.Add(Path.Combine(root, "project", "a.csv"), "x,y\n1,2\n"));
        var file = files.Resolve(GradFile, "a.csv").File!;
        Assert.Equal("x,y\n1,2\n", files.ReadText(file, 100).Text);
        Assert.StartsWith("'a.csv' is larger than 3 bytes", files.ReadText(file, 3).Error, StringComparison.Ordinal);
    }
}
