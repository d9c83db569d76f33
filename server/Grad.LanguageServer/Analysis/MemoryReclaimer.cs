using System.Runtime;

namespace Grad.LanguageServer.Analysis;

/// <summary>
/// Gives memory back to the system after documents close: a moment after the last close (so a
/// cancelled analysis has let go of its arrays), one full, compacting collection that also
/// compacts the large-object heap and returns the freed pages (GC's aggressive mode). Closing 50
/// documents in a row collects once.
/// </summary>
public sealed class MemoryReclaimer
{
    private readonly TimeSpan delay;
    private readonly Lock gate = new();
    private CancellationTokenSource? pending;

    public MemoryReclaimer(TimeSpan? delay = null)
    {
        this.delay = delay ?? TimeSpan.FromSeconds(1);
    }

    /// <summary>Full collections this reclaimer made (for tests).</summary>
    public int Collections { get; private set; }

    public void DocumentClosed()
    {
        CancellationTokenSource next;
        lock (gate)
        {
            pending?.Cancel();
            pending = next = new CancellationTokenSource();
        }

        _ = CollectLaterAsync(next);
    }

    private async Task CollectLaterAsync(CancellationTokenSource mine)
    {
        try
        {
            await Task.Delay(delay, mine.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            mine.Dispose();
            return; // a later close collects instead
        }

        lock (gate)
        {
            if (pending == mine)
            {
                pending = null;
            }
        }

        mine.Dispose();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Collections++;
    }
}
