using System.Diagnostics;
using Xunit.Abstractions;

namespace Grad.Runtime.Tests;

/// <summary>
/// Runs exported scripts with Debian's /usr/bin/python3. Where a module they need (torch,
/// distributed) is missing the test says so: a line on its output and in the file that
/// GRAD_SKIPPED_LOG names, and it passes, unless GRAD_REQUIRE_PYTORCH=1 makes a missing module a failure.
/// </summary>
internal static class PythonScripts
{
    public const string Python = "/usr/bin/python3";

    private static readonly Dictionary<string, bool> Probed = [];

    /// <summary>True when the modules import; otherwise reports the skip (or fails) and returns false.</summary>
    public static bool Available(ITestOutputHelper output, string test, params string[] modules)
    {
        var missing = modules.Where(module => !Importable(module)).ToList();
        if (missing.Count == 0)
        {
            return true;
        }

        var line = $"skipped {test}: {Python} cannot import {string.Join(", ", missing)} (apt-get install python3-torch python3-distributed)";
        if (Environment.GetEnvironmentVariable("GRAD_REQUIRE_PYTORCH") == "1")
        {
            Assert.Fail(line + "; GRAD_REQUIRE_PYTORCH=1 requires it");
        }

        output.WriteLine(line);
        if (Environment.GetEnvironmentVariable("GRAD_SKIPPED_LOG") is { Length: > 0 } log)
        {
            lock (Probed)
            {
                File.AppendAllText(log, line + Environment.NewLine);
            }
        }

        return false;
    }

    /// <summary>Runs a script with arguments in its folder; kills it after the timeout.</summary>
    public static (int Exit, string Out, string Error) Run(string script, params string[] args)
    {
        var start = new ProcessStartInfo(Python)
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(script)} {string.Join(' ', args)} did not finish in 3 minutes");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static bool Importable(string module)
    {
        lock (Probed)
        {
            if (!Probed.TryGetValue(module, out var importable))
            {
                try
                {
                    var start = new ProcessStartInfo(Python, ["-c", $"import {module}"]) { RedirectStandardError = true, RedirectStandardOutput = true };
                    using var process = Process.Start(start)!;
                    process.StandardError.ReadToEnd();
                    importable = process.WaitForExit(TimeSpan.FromMinutes(1)) && process.ExitCode == 0;
                }
                catch (System.ComponentModel.Win32Exception)
                {
                    importable = false;
                }

                Probed[module] = importable;
            }

            return importable;
        }
    }
}
