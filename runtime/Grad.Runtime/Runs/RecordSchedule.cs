namespace Grad.Runtime.Runs;

/// <summary>
/// Which steps go into a trace: step 0, every K-th step, and the last step. K is <c>record every</c>
/// when given; otherwise 1 up to 10,000 steps and ⌈steps/10,000⌉ beyond, so a trace has at most about 10,000 points.
/// </summary>
internal readonly record struct RecordSchedule(int Every)
{
    public const int DefaultMaxRecords = 10_000;

    public static RecordSchedule For(int totalSteps, int? recordEvery) =>
        new(recordEvery is > 0 ? recordEvery.Value : Math.Max(1, (int)Math.Ceiling(totalSteps / (double)DefaultMaxRecords)));

    public bool ShouldRecord(int step) => step % Every == 0;
}
