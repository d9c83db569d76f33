using System.Reflection;
using System.Runtime.CompilerServices;

namespace Grad.Runtime.Tests;

/// <summary>
/// The start-up compilation (<see cref="StartupCompilation"/>) lists every method of the runtime that skips ReadyToRun
/// and tiering (<see cref="MethodImplOptions.AggressiveOptimization"/>), the chain path's generic step once per layer
/// kind, and each one can be compiled ahead of its first call.
/// </summary>
public sealed class StartupCompilationTests
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;

    [Fact]
    public void Every_optimised_method_of_the_runtime_is_listed_in_the_order_a_run_meets_them()
    {
        var listed = StartupCompilation.Methods();
        var everywhere = typeof(StartupCompilation).Assembly.GetTypes()
            .Where(t => !t.ContainsGenericParameters)
            .SelectMany(t => t.GetMethods(Declared).Cast<MethodBase>().Concat(t.GetConstructors(Declared)))
            .Where(StartupCompilation.Optimised)
            .ToList();
        Assert.True(everywhere.Count > 50, $"only {everywhere.Count} optimised methods found");
        var missing = everywhere.Where(m => !listed.Any(l => Same(l, m))).Select(m => $"{m.DeclaringType!.FullName}.{m.Name}").ToList();
        Assert.True(missing.Count == 0, "not compiled at start-up: " + string.Join(", ", missing));

        // The chain path's step once per layer kind, first; the large-matrix kernels last.
        var chain = listed.Where(m => m.Name == "RunChain").ToList();
        Assert.Equal(["AnyLayer", "ReluLayer", "SigmoidLayer", "TanhLayer"], chain.Select(m => m.GetGenericArguments()[0].Name).Order());
        Assert.Equal("RunChain", listed[0].Name);
        Assert.Equal(typeof(Numerics.Gemm), listed[^1].DeclaringType);
    }

    [Fact]
    public void Each_listed_method_compiles_ahead_of_its_first_call()
    {
        foreach (var method in StartupCompilation.Methods())
        {
            StartupCompilation.Compile(method);
        }
    }

    private static bool Same(MethodBase listed, MethodBase method) =>
        listed.DeclaringType == method.DeclaringType && listed.MetadataToken == method.MetadataToken;
}
