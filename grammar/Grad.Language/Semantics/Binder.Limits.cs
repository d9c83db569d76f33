using Grad.Language.Diagnostics;
using Grad.Language.Resources;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language.Semantics;

// The resource model: every size a file can ask for is estimated here, in 64-bit checked
// arithmetic, before anything is allocated or run. A size over its limit is one error that
// names the limit and how to raise it (docs/limits.md).
public sealed partial class Binder
{
    /// <summary>Reports <paramref name="what"/> when <paramref name="amount"/> is over its limit; false then.</summary>
    private bool WithinLimit(LimitKind kind, long amount, TextSpan span, string what)
    {
        var limit = options.Limits[kind];
        if (amount <= limit)
        {
            return true;
        }

        Report(DiagnosticCatalog.ResourceLimit, span, options.Limits.OverLimit(kind, amount, what));
        return false;
    }

    /// <summary>a·b, or <see cref="long.MaxValue"/> when it does not fit (every estimate is then over any limit).</summary>
    private static long Times(long a, long b)
    {
        try
        {
            return checked(a * b);
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }

    private static long Plus(long a, long b)
    {
        try
        {
            return checked(a + b);
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>The operations and operands of an expression, counted without recursion.</summary>
    internal static long ExpressionNodes(ExpressionSyntax expression)
    {
        var count = 0L;
        var pending = new Stack<ExpressionSyntax>();
        pending.Push(expression);
        while (pending.TryPop(out var node))
        {
            count++;
            switch (node)
            {
                case UnarySyntax { Operand: { } operand }:
                    pending.Push(operand);
                    break;
                case ParenthesizedSyntax { Inner: { } inner }:
                    pending.Push(inner);
                    break;
                case BinarySyntax binary:
                    if (binary.Left is { } left)
                    {
                        pending.Push(left);
                    }

                    if (binary.Right is { } right)
                    {
                        pending.Push(right);
                    }

                    break;
                case FunctionCallSyntax call:
                    foreach (var argument in call.Arguments)
                    {
                        pending.Push(argument);
                    }

                    break;
            }
        }

        return count;
    }

    private bool WithinExpressionLimit(ExpressionSyntax expression, string owner) =>
        WithinLimit(LimitKind.ExpressionNodes, ExpressionNodes(expression), expression.Span, $"{owner} has {{0}} operations and operands");

    /// <summary>The samples of a data set when known before loading (inline and generated; a csv file's only once read).</summary>
    private static long? Samples(BoundData set) => set switch
    {
        InlineBoundData inline => inline.X.Length,
        GeneratedBoundData generated => generated.N,
        _ => null,
    };

    private bool WithinDataLimit(BoundData set, TextSpan span)
    {
        if (Samples(set) is not { } samples || DataWidths(set) is not { } widths)
        {
            return true;
        }

        return WithinLimit(LimitKind.DataValues, Times(samples, widths.X + (long)widths.Y), span,
            $"data {set.Name} has {{0}} numbers ({ResourceLimits.Format(samples)} samples of {widths.X} + {widths.Y})");
    }

    /// <summary>Steps, activations and trace of a run, before it runs; false after reporting the first that is too large.</summary>
    private bool WithinRunLimits(BoundRun run, Dictionary<string, RunItemSyntax> items)
    {
        var name = run.Name;
        var targetSpan = items.TryGetValue("target", out var target) ? target.Span : run.Syntax.Name?.Span ?? run.Syntax.KeywordSpan;
        var samples = run.Data is null ? null : Samples(run.Data);
        var batch = run.Batch ?? samples;

        long? steps = run.Steps;
        if (run.Epochs is { } epochs && samples is { } n && batch is { } b && b > 0) // batch 0 is reported by its own diagnostic
        {
            steps = Times(epochs, (n + b - 1) / b);
        }

        if (run.Network is { } network && batch is { } perStep)
        {
            var widths = network.Layers.Aggregate((long)network.InputWidth, (sum, layer) => Plus(sum, layer.Units));
            if (!WithinLimit(LimitKind.Activations, Times(Math.Min(perStep, samples ?? perStep), widths), items.GetValueOrDefault("batch")?.Span ?? targetSpan,
                    $"run {name} computes {{0}} activations per step ({ResourceLimits.Format(Math.Min(perStep, samples ?? perStep))} samples × {ResourceLimits.Format(widths)} units)"))
            {
                return false;
            }
        }

        if (steps is not { } total)
        {
            return true;
        }

        var stepsSpan = (items.GetValueOrDefault("steps") ?? items.GetValueOrDefault("epochs"))?.Span ?? targetSpan;
        if (!WithinLimit(LimitKind.Steps, total, stepsSpan, $"run {name} takes {{0}} steps"))
        {
            return false;
        }

        var every = run.RecordEvery ?? BoundRun.DefaultRecordEvery(total);
        var points = total / every + 2;
        var perPoint = run.Kind == RunKind.Minimize ? 2L * run.Start.Length + 1 : 2L * (run.Network?.Layers.Length ?? 0) + 2;
        return WithinLimit(LimitKind.TraceValues, Times(points, perPoint), items.GetValueOrDefault("record every")?.Span ?? stepsSpan,
            $"run {name} records {{0}} numbers ({ResourceLimits.Format(points)} recorded steps × {ResourceLimits.Format(perPoint)} values)");
    }
}
