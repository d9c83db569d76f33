using System.Reflection;
using System.Runtime.CompilerServices;

namespace Grad.Runtime;

/// <summary>
/// Compiles the runtime's <see cref="MethodImplOptions.AggressiveOptimization"/> methods on a background thread while the
/// command parses and binds its file, so that its first run does not wait for them.
/// </summary>
/// <remarks>
/// Those methods (the training step, the chain path, the optimizers, the recorded point's measures, the matrix kernels)
/// skip ReadyToRun and tiering on purpose: a run calls them hundreds of thousands of times in a process that lives a
/// second, and a tier-1 recompile in the middle of a run takes a core from the team (docs/runtime.md). The price was
/// paid at start-up, on the main thread: `grad run examples/seed.grad` JIT-compiled 32 of them with full optimisation
/// at their first calls, and the same build without the attribute started about 50 ms sooner. Here they are compiled
/// in the order a run meets them (the chain path and the analysis first, the large-matrix kernels last); a method the
/// main thread reaches first is compiled there as before, and this thread then finds it compiled. Only on a machine with
/// a second core (on one, this thread would take the main thread's time), and the thread never keeps the process alive.
/// </remarks>
public static class StartupCompilation
{
    private static int started;

    /// <summary>Starts the background compilation once per process (later calls do nothing); false when it did not start.</summary>
    public static bool Begin()
    {
        if (Environment.ProcessorCount < 2 || Interlocked.Exchange(ref started, 1) != 0)
        {
            return false;
        }

        var thread = new Thread(CompileAll) { IsBackground = true, Name = "Grad start-up compilation", Priority = ThreadPriority.BelowNormal };
        thread.Start();
        return true;
    }

    /// <summary>
    /// The methods this compiles, in order: those of the types a run meets first (the chain path and the analysis),
    /// then the step's, then the large-matrix kernels, each type followed by its nested types (lambdas' closures), and a
    /// generic method once for each of its type's structs that fits it (the chain path's layer kinds). Listed by type
    /// rather than found in the whole assembly: reflecting over every type took 50 ms, which the first run would have
    /// waited through. StartupCompilationTests checks that no such method of the assembly is missing.
    /// </summary>
    internal static List<MethodBase> Methods()
    {
        Type[] order =
        [
            typeof(Networks.Backprop), typeof(Networks.Activations), typeof(Numerics.SpecialFunctions), typeof(Analysis.NetworkAnalyzer),
            typeof(Numerics.Finite), typeof(Runs.Runner), typeof(Optimizers.Optimizer), typeof(Optimizers.Sgd), typeof(Training.HealthRecorder),
            typeof(Training.MeasuredUpdate), typeof(Training.Histogram), typeof(Numerics.ThreadTeam), typeof(Numerics.Gemm),
        ];
        const BindingFlags declared = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        var methods = new List<MethodBase>();
        foreach (var type in order)
        {
            var nested = type.GetNestedTypes(BindingFlags.Public | BindingFlags.NonPublic);
            var kinds = Array.FindAll(nested, t => t.IsValueType && !t.ContainsGenericParameters);
            foreach (var member in (Type[])[type, .. nested])
            {
                if (member.ContainsGenericParameters)
                {
                    continue;
                }

                foreach (var method in (MethodBase[])[.. member.GetMethods(declared), .. member.GetConstructors(declared)])
                {
                    if (!Optimised(method))
                    {
                        continue;
                    }

                    if (method is MethodInfo { IsGenericMethodDefinition: true } generic)
                    {
                        methods.AddRange(Instances(generic, kinds));
                    }
                    else
                    {
                        methods.Add(method);
                    }
                }
            }
        }

        return methods;
    }

    /// <summary>Whether a method skips ReadyToRun and tiering (AggressiveOptimization) and has a body to compile.</summary>
    internal static bool Optimised(MethodBase method) =>
        (method.MethodImplementationFlags & MethodImplAttributes.AggressiveOptimization) != 0 && !method.IsAbstract;

    /// <summary>
    /// A generic method over one type argument: one instance per struct of its type that satisfies its constraints (the
    /// chain path's layer kinds, the measured update's two or three chains), as the type's own calls instantiate it.
    /// </summary>
    private static IEnumerable<MethodBase> Instances(MethodInfo method, Type[] candidates)
    {
        if (method.GetGenericArguments().Length != 1)
        {
            yield break;
        }

        foreach (var candidate in candidates)
        {
            MethodInfo instance;
            try
            {
                instance = method.MakeGenericMethod(candidate);
            }
            catch (ArgumentException)
            {
                continue; // the candidate does not satisfy the method's constraints
            }

            yield return instance;
        }
    }

    /// <summary>Compiles one listed method now, as its first call would (a generic one for its instance's type arguments).</summary>
    internal static void Compile(MethodBase method)
    {
        if (method is MethodInfo { IsGenericMethod: true } generic)
        {
            RuntimeHelpers.PrepareMethod(generic.GetGenericMethodDefinition().MethodHandle, Array.ConvertAll(generic.GetGenericArguments(), a => a.TypeHandle));
        }
        else
        {
            RuntimeHelpers.PrepareMethod(method.MethodHandle);
        }
    }

    private static void CompileAll()
    {
        foreach (var method in Methods())
        {
            try
            {
                Compile(method);
            }
            catch (Exception exception) when (exception is ArgumentException or NotSupportedException or InvalidOperationException or TypeLoadException or BadImageFormatException)
            {
                // Nothing is lost: the method is compiled at its first call, as without this thread.
            }
        }
    }
}
