using Newtonsoft.Json;

namespace Grad.Runtime.Contracts;

/// <summary>
/// The text writer of results (<see cref="ResultSerializer.CreateWriter"/>): a <see cref="JsonTextWriter"/>
/// that writes each finite number from a reused character buffer (<see cref="ResultSerializer.FormatNumber"/>)
/// instead of a new string per number. A trace of 10,000 points of a 50-layer chain has millions of
/// numbers; a string each filled the garbage collector's first generation with about 150 MB of
/// garbage before it was collected, which was most of the peak memory of <c>grad run --json</c>
/// (bench/json.sh). The bytes are the ones <see cref="JsonTextWriter"/> writes.
/// </summary>
internal sealed class ResultJsonWriter(TextWriter text) : JsonTextWriter(text)
{
    private readonly TextWriter text = text;
    private readonly char[] digits = new char[ResultSerializer.MaxNumberLength];

    public override void WriteValue(double value)
    {
        if (!double.IsFinite(value))
        {
            base.WriteValue(value);
            return;
        }

        var length = ResultSerializer.FormatNumber(value, digits);

        // A raw value of no text writes what precedes a value (its comma and indentation) and moves
        // the writer's state past it, as writing the number itself would; the digits follow.
        WriteRawValue(null);
        text.Write(digits, 0, length);
    }
}
