using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language.Parsing;

/// <summary>
/// Moves the syntax of an unchanged declaration by the length an edit before it added or removed,
/// so that an incremental parse can reuse it: the same nodes with every span shifted by
/// <c>delta</c>. Every node type is listed here; a new one fails loudly until it is added.
/// </summary>
internal sealed class SyntaxShifter(int delta)
{
    public DeclarationSyntax Declaration(DeclarationSyntax declaration) => declaration switch
    {
        LetDeclarationSyntax let => let with { Name = Id(let.Name), Value = Expr(let.Value), KeywordSpan = Move(let.KeywordSpan), Span = Move(let.Span) },
        CostDeclarationSyntax cost => cost with
        {
            Name = Id(cost.Name), Parameters = All(cost.Parameters, Id), Body = Expr(cost.Body), KeywordSpan = Move(cost.KeywordSpan), Span = Move(cost.Span),
        },
        NetworkDeclarationSyntax network => network with
        {
            Name = Id(network.Name), Items = All(network.Items, NetworkItem), KeywordSpan = Move(network.KeywordSpan), Span = Move(network.Span),
        },
        InlineDataSyntax data => data with
        {
            Name = Id(data.Name),
            Fields = All(data.Fields, f => new DataFieldSyntax(Id(f.Name), List(f.Value), Move(f.Span))),
            KeywordSpan = Move(data.KeywordSpan),
            Span = Move(data.Span),
        },
        GeneratedDataSyntax data => data with { Name = Id(data.Name), Generator = Call(data.Generator), KeywordSpan = Move(data.KeywordSpan), Span = Move(data.Span) },
        RunDeclarationSyntax run => run with { Name = Id(run.Name), Items = All(run.Items, RunItem), KeywordSpan = Move(run.KeywordSpan), Span = Move(run.Span) },
        SweepDeclarationSyntax sweep => sweep with
        {
            Name = Id(sweep.Name), Items = All(sweep.Items, SweepItem), KeywordSpan = Move(sweep.KeywordSpan), Span = Move(sweep.Span),
        },
        _ => throw Unknown(declaration),
    };

    private TextSpan Move(TextSpan span) => new(span.Start + delta, span.Length);

    private static ImmutableArray<T> All<T>(ImmutableArray<T> nodes, Func<T, T> shift)
    {
        var shifted = ImmutableArray.CreateBuilder<T>(nodes.Length);
        foreach (var node in nodes)
        {
            shifted.Add(shift(node));
        }

        return shifted.MoveToImmutable();
    }

    [return: NotNullIfNotNull(nameof(name))]
    private Identifier? Id(Identifier? name) => name is null ? null : name with { Span = Move(name.Span) };

    private NetworkItemSyntax NetworkItem(NetworkItemSyntax item) => item switch
    {
        InputItemSyntax input => input with { Width = Expr(input.Width), KeywordSpan = Move(input.KeywordSpan), Span = Move(input.Span) },
        DenseLayerSyntax dense => dense with
        {
            Units = Expr(dense.Units),
            Activation = Call(dense.Activation),
            Weights = List(dense.Weights),
            Bias = List(dense.Bias),
            Label = Id(dense.Label),
            Options = All(dense.Options, o => o with { KeywordSpan = Move(o.KeywordSpan), Span = Move(o.Span) }),
            KeywordSpan = Move(dense.KeywordSpan),
            Span = Move(dense.Span),
        },
        RepeatItemSyntax repeat => repeat with
        {
            Count = Expr(repeat.Count), Layers = All(repeat.Layers, NetworkItem), KeywordSpan = Move(repeat.KeywordSpan), Span = Move(repeat.Span),
        },
        NormLayerSyntax norm => norm with { Kind = Id(norm.Kind), KeywordSpan = Move(norm.KeywordSpan), Span = Move(norm.Span) },
        ResidualBlockSyntax residual => residual with { Layers = All(residual.Layers, NetworkItem), KeywordSpan = Move(residual.KeywordSpan), Span = Move(residual.Span) },
        InitItemSyntax init => init with { Init = Call(init.Init), KeywordSpan = Move(init.KeywordSpan), Span = Move(init.Span) },
        InitFromItemSyntax init => init with
        {
            Path = init.Path is { } path ? path with { Span = Move(path.Span) } : null,
            Run = Id(init.Run),
            KeywordSpan = Move(init.KeywordSpan),
            Span = Move(init.Span),
        },
        LossItemSyntax loss => loss with { Loss = Id(loss.Loss), KeywordSpan = Move(loss.KeywordSpan), Span = Move(loss.Span) },
        NetworkSeedItemSyntax seed => seed with { Seed = Expr(seed.Seed), KeywordSpan = Move(seed.KeywordSpan), Span = Move(seed.Span) },
        _ => throw Unknown(item),
    };

    private RunItemSyntax RunItem(RunItemSyntax item) => item switch
    {
        MinimizeItemSyntax minimize => minimize with
        {
            Cost = Id(minimize.Cost),
            Starts = All(minimize.Starts, s => new StartValueSyntax(Id(s.Parameter), Expr(s.Value), Move(s.Span))),
            KeywordSpan = Move(minimize.KeywordSpan),
            Span = Move(minimize.Span),
        },
        TrainItemSyntax train => train with { Network = Id(train.Network), Data = Id(train.Data), KeywordSpan = Move(train.KeywordSpan), Span = Move(train.Span) },
        OptimizerItemSyntax optimizer => optimizer with { Optimizer = Call(optimizer.Optimizer), KeywordSpan = Move(optimizer.KeywordSpan), Span = Move(optimizer.Span) },
        RunSettingSyntax setting => setting with { Value = Expr(setting.Value), KeywordSpan = Move(setting.KeywordSpan), Span = Move(setting.Span) },
        UntilItemSyntax until => until with
        {
            Metric = Id(until.Metric), Threshold = Expr(until.Threshold), KeywordSpan = Move(until.KeywordSpan), Span = Move(until.Span),
        },
        ScheduleItemSyntax schedule => schedule with { Phases = All(schedule.Phases, p => Call(p)), KeywordSpan = Move(schedule.KeywordSpan), Span = Move(schedule.Span) },
        ClipItemSyntax clip => clip with { Kind = Id(clip.Kind), Bound = Expr(clip.Bound), KeywordSpan = Move(clip.KeywordSpan), Span = Move(clip.Span) },
        _ => throw Unknown(item),
    };

    private SweepItemSyntax SweepItem(SweepItemSyntax item) => item switch
    {
        SweepBaseSyntax run => run with { Run = Id(run.Run), KeywordSpan = Move(run.KeywordSpan), Span = Move(run.Span) },
        VaryItemSyntax vary => vary with
        {
            Setting = Id(vary.Setting),
            Values = vary.Values is { } values ? All(values, v => new VariedValueSyntax(Expr(v.Expression), Call(v.Call), Move(v.Span))) : null,
            KeywordSpan = Move(vary.KeywordSpan),
            Span = Move(vary.Span),
        },
        _ => throw Unknown(item),
    };

    [return: NotNullIfNotNull(nameof(call))]
    private CallSyntax? Call(CallSyntax? call) => call is null ? null : new(
        Id(call.Name),
        All(call.Arguments, a => new ArgumentSyntax(Id(a.Name), ArgumentValue(a.Value), Move(a.Span))),
        call.HasParentheses,
        Move(call.Span));

    private ArgumentValueSyntax? ArgumentValue(ArgumentValueSyntax? value) => value switch
    {
        null => null,
        StringValueSyntax text => text with { Span = Move(text.Span) },
        BoolValueSyntax boolean => boolean with { Span = Move(boolean.Span) },
        ExpressionValueSyntax expression => new ExpressionValueSyntax(Expr(expression.Expression)),
        _ => throw Unknown(value),
    };

    [return: NotNullIfNotNull(nameof(list))]
    private ListSyntax? List(ListSyntax? list) => list is null ? null
        : new(All(list.Elements, e => e is ListSyntax inner ? List(inner) : (SyntaxNode)Expr((ExpressionSyntax)e)), Move(list.Span));

    [return: NotNullIfNotNull(nameof(expression))]
    private ExpressionSyntax? Expr(ExpressionSyntax? expression) => expression switch
    {
        null => null,
        NumberSyntax number => number with { Span = Move(number.Span) },
        NameSyntax name => new NameSyntax(Id(name.Name)),
        UnarySyntax unary => unary with { Operand = Expr(unary.Operand), Span = Move(unary.Span) },
        BinarySyntax binary => binary with { Left = Expr(binary.Left), Right = Expr(binary.Right), OperatorSpan = Move(binary.OperatorSpan), Span = Move(binary.Span) },
        FunctionCallSyntax call => new FunctionCallSyntax(Id(call.Function), All(call.Arguments, a => Expr(a)), Move(call.Span)),
        ParenthesizedSyntax parenthesized => parenthesized with { Inner = Expr(parenthesized.Inner), Span = Move(parenthesized.Span) },
        _ => throw Unknown(expression),
    };

    private static InvalidOperationException Unknown(SyntaxNode node) => new($"the incremental parser cannot move a {node.GetType().Name}: add it to {nameof(SyntaxShifter)}");
}
