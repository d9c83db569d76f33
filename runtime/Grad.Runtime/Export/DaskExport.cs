using System.Text;
using Grad.Language.Semantics;
using Grad.Runtime.Data;
using Newtonsoft.Json.Linq;

namespace Grad.Runtime.Export;

/// <summary>
/// <c>grad export FILE --to dask --sweep NAME [--scheduler ADDRESS]</c>: one Python script whose
/// <c>train(config) -> dict</c> trains one member of the sweep exactly as the PyTorch export does
/// (the same core, Export/Python/core.py) and whose main submits every member to a Dask
/// distributed cluster (a <c>LocalCluster</c> by default) and writes Grad's JSON of the sweep.
/// </summary>
public static class DaskExport
{
    public static ExportResult Generate(BoundProgram program, string sourcePath, string sweepName, string? scheduler, Func<BoundData, DataLoadResult>? loadData = null)
    {
        if (program.Sweeps.FirstOrDefault(s => s.Name == sweepName) is not { } sweep)
        {
            return ExportResult.Failure(program.Sweeps.IsEmpty
                ? $"the file has no sweep '{sweepName}' (it has no sweeps)"
                : $"the file has no sweep '{sweepName}' (its sweeps are {string.Join(", ", program.Sweeps.Select(s => s.Name))})");
        }

        var exported = new ExportedRuns(loadData ?? DataLoader.Load);
        foreach (var member in sweep.Members)
        {
            if (exported.Add(member) is { } error)
            {
                return ExportResult.Failure($"sweep {sweep.Name}, member {member.Name}: {error}");
            }
        }

        var configs = new JArray(sweep.Members.Select(m => new JObject(m.Member!.Config.Select(c => new JProperty(c.Key, c.Value)))));
        var script = new StringBuilder()
            .Append(Header(sourcePath, sweep))
            .Append(PyTorchExport.Resource("core.py"))
            .Append(PyTorchExport.Resource("dask_main.py"))
            .Append(exported.Section(sourcePath))
            .Append("\nSWEEP = ").Append(PythonLiteral.String(sweep.Name)).Append('\n')
            .Append("SCHEDULER = ").Append(scheduler is null ? "None" : PythonLiteral.String(scheduler)).Append('\n')
            .Append("VARIED = ").Append(PythonLiteral.Write(new JArray(sweep.Varied))).Append('\n')
            .Append("CONFIGS = ").Append(PythonLiteral.Write(configs)).Append('\n')
            .Append("MEMBERS = {member_key(config): i for i, config in enumerate(CONFIGS)}  # the member's index in RUNS\n")
            .Append("\n\nif __name__ == \"__main__\":\n    sys.exit(main())\n");
        return new ExportResult(script.ToString(), null);
    }

    private static string Header(string sourcePath, BoundSweep sweep)
    {
        var file = Path.GetFileName(sourcePath);
        var script = Path.ChangeExtension(file, ".py");
        return $$""""
            #!/usr/bin/env python3
            """{{file}}'s sweep {{sweep.Name}} ({{sweep.Members.Length}} members of run {{sweep.Base.Name}}, varying {{string.Join(", ", sweep.Varied)}}) on a Dask cluster,
            written by `grad export {{file}} --to dask --sweep {{sweep.Name}}`.

            train(config) -> dict trains one member in float64 with torch alone, as Grad does (the initial
            weights, data and batch orders are Grad's, embedded at the end), and returns its entry of
            Grad's JSON. The main submits every member of CONFIGS to a Dask distributed cluster.

              python3 {{script}} --json out.json                          a LocalCluster, one worker per core
              python3 {{script}} --scheduler tcp://HOST:8786 --json out.json   an existing cluster
              python3 {{script}} --check grad.json                        compare with `grad run {{file}} --json grad.json`
            """

            """".Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
