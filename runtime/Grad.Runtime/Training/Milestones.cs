namespace Grad.Runtime.Training;

/// <summary>
/// A few steps of a run spread over it: the targets round(total·i/(count − 1)) for i = 0 … count − 1.
/// At each recorded step the caller asks <see cref="Reached"/>: true at the first recorded step at
/// or after the next target (and at the run's final step if a target is left), so at most
/// <c>count</c> steps say yes whatever the trace's spacing or an early stop.
/// </summary>
internal sealed class Milestones(int total, int count)
{
    private int next;

    public bool Reached(int step, bool final)
    {
        if (next >= count || (step < Target(next) && !final))
        {
            return false;
        }

        while (next < count && Target(next) <= step)
        {
            next++;
        }

        if (final)
        {
            next = count;
        }

        return true;
    }

    private long Target(int i) => count <= 1 ? 0 : (long)Math.Round((double)total * i / (count - 1));
}
