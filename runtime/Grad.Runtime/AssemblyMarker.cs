namespace Grad.Runtime;

/// <summary>Marks the runtime assembly (for reflection-based checks in tests).</summary>
public static class AssemblyMarker
{
}
