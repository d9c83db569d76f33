using System.Collections.Immutable;
using System.Globalization;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using Grad.Language.Syntax;
using Grad.Language.Text;
using static Grad.Language.Parsing.Generated.GradParser;

namespace Grad.Language.Parsing;

/// <summary>
/// Turns ANTLR's parse tree into our immutable syntax model. Parts that error recovery could
/// not find (missing or invented tokens) become null, so later stages only check what is there.
/// </summary>
internal sealed class SyntaxBuilder(SourceText source)
{
    public GradFileSyntax Build(FileContext file) => new(Declarations(file), new TextSpan(0, source.Length));

    /// <summary>The declarations of a file, or of the region of one that was parsed as a file of its own.</summary>
    public ImmutableArray<DeclarationSyntax> Declarations(FileContext file)
    {
        var declarations = ImmutableArray.CreateBuilder<DeclarationSyntax>();
        foreach (var declaration in file.declaration())
        {
            if (BuildDeclaration(declaration) is { } built)
            {
                declarations.Add(built);
            }
        }

        return declarations.ToImmutable();
    }

    private DeclarationSyntax? BuildDeclaration(DeclarationContext context) => context.GetChild(0) switch
    {
        LetDeclarationContext let => new LetDeclarationSyntax(Id(let.name), Expr(let.expr()), Span(let.LET()), Span(let)),
        CostDeclarationContext cost => new CostDeclarationSyntax(
            Id(cost.name),
            cost.parameterList()?.ID().Select(Id).OfType<Identifier>().ToImmutableArray() ?? [],
            Expr(cost.expr()),
            Span(cost.COST()),
            Span(cost)),
        NetworkDeclarationContext network => new NetworkDeclarationSyntax(
            Id(network.name),
            network.networkItem().Select(NetworkItem).OfType<NetworkItemSyntax>().ToImmutableArray(),
            Span(network.NETWORK()),
            Span(network)),
        InlineDataContext data => new InlineDataSyntax(
            Id(data.name),
            data.dataField().Select(f => Id(f.ID()) is { } name ? new DataFieldSyntax(name, List(f.list()), Span(f)) : null)
                .OfType<DataFieldSyntax>().ToImmutableArray(),
            Span(data.DATA()),
            Span(data)),
        GeneratedDataContext data => new GeneratedDataSyntax(Id(data.name), Call(data.call()), Span(data.DATA()), Span(data)),
        RunDeclarationContext run => new RunDeclarationSyntax(
            Id(run.name),
            run.runItem().Select(RunItem).OfType<RunItemSyntax>().ToImmutableArray(),
            Span(run.RUN()),
            Span(run)),
        SweepDeclarationContext sweep => new SweepDeclarationSyntax(
            Id(sweep.name),
            sweep.sweepItem().Select(SweepItem).OfType<SweepItemSyntax>().ToImmutableArray(),
            Span(sweep.SWEEP()),
            Span(sweep)),
        _ => null,
    };

    private SweepItemSyntax? SweepItem(SweepItemContext context) => context switch
    {
        SweepBaseItemContext run => new SweepBaseSyntax(Id(run.nameRef()?.ID()), Span(run.RUN()), Span(run)),
        VaryItemContext vary => new VaryItemSyntax(
            Id(vary.variedSetting()?.Start),
            vary.LBRACK() is { } open && IsReal(open.Symbol) && vary.RBRACK() is { } close && IsReal(close.Symbol)
                ? vary.variedValue().Select(VariedValue).OfType<VariedValueSyntax>().ToImmutableArray()
                : null,
            Span(vary.VARY()),
            Span(vary)),
        _ => null,
    };

    /// <summary>A bare name or a call with positional numbers is both an expression and a call; the binder picks by setting.</summary>
    private VariedValueSyntax? VariedValue(VariedValueContext context)
    {
        if (context.call() is { } callContext)
        {
            return Call(callContext) is { } call ? new VariedValueSyntax(AsExpression(call), call, Span(context)) : null;
        }

        return Expr(context.expr()) is { } expression ? new VariedValueSyntax(expression, AsCall(expression), Span(context)) : null;
    }

    private static CallSyntax? AsCall(ExpressionSyntax expression) => expression switch
    {
        NameSyntax name => new CallSyntax(name.Name, [], HasParentheses: false, name.Span),
        FunctionCallSyntax function => new CallSyntax(
            function.Function,
            [.. function.Arguments.Select(a => new ArgumentSyntax(null, new ExpressionValueSyntax(a), a.Span))],
            HasParentheses: true,
            function.Span),
        _ => null,
    };

    private static ExpressionSyntax? AsExpression(CallSyntax call)
    {
        if (!call.HasParentheses)
        {
            return new NameSyntax(call.Name);
        }

        var arguments = call.Arguments.Select(a => a is { Name: null, Value: ExpressionValueSyntax value } ? value.Expression : null).ToArray();
        return arguments.All(a => a is not null) ? new FunctionCallSyntax(call.Name, [.. arguments.OfType<ExpressionSyntax>()], call.Span) : null;
    }

    private NetworkItemSyntax? NetworkItem(NetworkItemContext context) => context switch
    {
        InputItemContext input => new InputItemSyntax(Expr(input.expr()), Span(input.INPUT()), Span(input)),
        LayerItemContext layer => Layer(layer.layer()),
        RepeatItemContext repeat => new RepeatItemSyntax(
            Expr(repeat.expr()),
            repeat.layer().Select(Layer).OfType<NetworkItemSyntax>().ToImmutableArray(),
            Span(repeat.REPEAT()),
            Span(repeat)),
        InitItemContext init => new InitItemSyntax(Call(init.call()), Span(init.INIT()), Span(init)),
        InitFromItemContext init => new InitFromItemSyntax(
            init.STRING() is { } path && IsReal(path.Symbol) ? new StringValueSyntax(Unescape(path.GetText()), Span(path)) : null,
            Id(init.ID()),
            Span(init.INIT()),
            Span(init)),
        LossItemContext loss => new LossItemSyntax(Id(loss.ID()), Span(loss.LOSS()), Span(loss)),
        NetworkSeedItemContext seed => new NetworkSeedItemSyntax(Expr(seed.expr()), Span(seed.SEED()), Span(seed)),
        _ => null,
    };

    private NetworkItemSyntax? Layer(LayerContext? context) => context switch
    {
        null => null,
        _ when context.denseLayer() is { } dense => Dense(dense),
        _ when context.normLayer() is { } norm => new NormLayerSyntax(Id(norm.normKind()?.Start), Span(norm.NORM()), Span(norm)),
        _ when context.residualBlock() is { } residual => new ResidualBlockSyntax(
            residual.layer().Select(Layer).OfType<NetworkItemSyntax>().ToImmutableArray(),
            Span(residual.RESIDUAL()),
            Span(residual)),
        _ => null,
    };

    private DenseLayerSyntax? Dense(DenseLayerContext? context)
    {
        if (context is null)
        {
            return null;
        }

        ListSyntax? weights = null, bias = null;
        Identifier? label = null;
        var options = ImmutableArray.CreateBuilder<LayerOptionSyntax>();
        foreach (var option in context.layerOption())
        {
            switch (option)
            {
                case WeightsOptionContext w:
                    weights ??= List(w.list());
                    options.Add(new LayerOptionSyntax("weights", Span(w.WEIGHTS()), Span(w)));
                    break;
                case BiasOptionContext b:
                    bias ??= List(b.list());
                    options.Add(new LayerOptionSyntax("bias", Span(b.BIAS()), Span(b)));
                    break;
                case LabelOptionContext l:
                    label ??= Id(l.ID());
                    options.Add(new LayerOptionSyntax("as", Span(l.AS()), Span(l)));
                    break;
            }
        }

        return new DenseLayerSyntax(Expr(context.expr()), Call(context.call()), weights, bias, label, options.ToImmutable(), Span(context.DENSE()), Span(context));
    }

    private RunItemSyntax? RunItem(RunItemContext context) => context switch
    {
        MinimizeItemContext minimize => new MinimizeItemSyntax(
            Id(minimize.nameRef()?.ID()),
            minimize.startValue().Select(s => Id(s.ID()) is { } name ? new StartValueSyntax(name, Expr(s.expr()), Span(s)) : null)
                .OfType<StartValueSyntax>().ToImmutableArray(),
            Span(minimize.MINIMIZE()),
            Span(minimize)),
        TrainItemContext train => new TrainItemSyntax(
            Id(train.nameRef(0)?.ID()), Id(train.nameRef(1)?.ID()), Span(train.TRAIN()), Span(train)),
        OptimizerItemContext optimizer => new OptimizerItemSyntax(Call(optimizer.call()), Span(optimizer.OPTIMIZER()), Span(optimizer)),
        StepsItemContext steps => Setting("steps", steps.STEPS(), steps.expr(), steps),
        EpochsItemContext epochs => Setting("epochs", epochs.EPOCHS(), epochs.expr(), epochs),
        BatchItemContext batch => Setting("batch", batch.BATCH(), batch.expr(), batch),
        RunSeedItemContext seed => Setting("seed", seed.SEED(), seed.expr(), seed),
        RecordItemContext record => new RunSettingSyntax("record every", Expr(record.expr()),
            TextSpan.FromBounds(Span(record.RECORD()).Start, Span(record.EVERY()).End), Span(record)),
        ScheduleItemContext schedule => new ScheduleItemSyntax(
            schedule.call().Select(Call).OfType<CallSyntax>().ToImmutableArray(), Span(schedule.SCHEDULE()), Span(schedule)),
        ClipItemContext clip => new ClipItemSyntax(Id(clip.clipKind()?.Start), Expr(clip.expr()), Span(clip.CLIP()), Span(clip)),
        UntilItemContext until => new UntilItemSyntax(
            MetricId(until.condition()?.metric()), Expr(until.condition()?.expr()), Span(until.UNTIL()), Span(until)),
        _ => null,
    };

    private RunSettingSyntax Setting(string name, ITerminalNode keyword, ExprContext? value, ParserRuleContext item) =>
        new(name, Expr(value), Span(keyword), Span(item));

    private Identifier? MetricId(MetricContext? metric) =>
        metric is null || !IsReal(metric.Start) ? null : new Identifier(metric.Start.Text, Span(metric.Start));

    private CallSyntax? Call(CallContext? context)
    {
        if (context is null || Id(context.ID()) is not { } name)
        {
            return null;
        }

        var arguments = context.argumentList()?.argument().Select(Argument).ToImmutableArray() ?? [];
        return new CallSyntax(name, arguments, context.LPAREN() is not null, Span(context));
    }

    private ArgumentSyntax Argument(ArgumentContext context)
    {
        ArgumentValueSyntax? value = context.argumentValue() switch
        {
            StringValueContext s when IsReal(s.STRING().Symbol) => new StringValueSyntax(Unescape(s.STRING().GetText()), Span(s)),
            BoolValueContext b => new BoolValueSyntax(b.TRUE() is not null, Span(b)),
            ExprValueContext e when Expr(e.expr()) is { } expression => new ExpressionValueSyntax(expression),
            _ => null,
        };
        return new ArgumentSyntax(Id(context.argumentName()?.Start), value, Span(context));
    }

    private ListSyntax? List(ListContext? context)
    {
        if (context is null || !IsReal(context.Start))
        {
            return null;
        }

        var elements = ImmutableArray.CreateBuilder<SyntaxNode>();
        foreach (var element in context.listElement())
        {
            SyntaxNode? node = element.list() is { } inner ? List(inner) : Expr(element.expr());
            if (node is not null)
            {
                elements.Add(node);
            }
        }

        return new ListSyntax(elements.ToImmutable(), Span(context));
    }

    private ExpressionSyntax? Expr(ExprContext? context)
    {
        if (context is null || !IsReal(context.Start))
        {
            return null;
        }

        return context switch
        {
            NumberExprContext number => Number(number.NUMBER()),
            NameExprContext name => Id(name.ID()) is { } id ? new NameSyntax(id) : null,
            ParenExprContext paren => new ParenthesizedSyntax(Expr(paren.expr()), Span(paren)),
            NegateExprContext negate => new UnarySyntax('-', Expr(negate.expr()), Span(negate)),
            PlusExprContext plus => new UnarySyntax('+', Expr(plus.expr()), Span(plus)),
            PowerExprContext power => Binary('^', power.expr(0), power.CARET().Symbol, power.expr(1), power),
            MulDivExprContext mulDiv => Binary(mulDiv.op.Text[0], mulDiv.expr(0), mulDiv.op, mulDiv.expr(1), mulDiv),
            AddSubExprContext addSub => Binary(addSub.op.Text[0], addSub.expr(0), addSub.op, addSub.expr(1), addSub),
            CallExprContext call => Id(call.ID()) is { } function
                ? new FunctionCallSyntax(function, call.expr().Select(Expr).OfType<ExpressionSyntax>().ToImmutableArray(), Span(call))
                : null,
            _ => null,
        };
    }

    private BinarySyntax Binary(char op, ExprContext? left, IToken opToken, ExprContext? right, ParserRuleContext whole) =>
        new(op, Expr(left), Expr(right), Span(opToken), Span(whole));

    private NumberSyntax? Number(ITerminalNode? node)
    {
        if (node is null || !IsReal(node.Symbol))
        {
            return null;
        }

        var text = node.GetText();
        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return new NumberSyntax(value, text, Span(node));
    }

    private Identifier? Id(ITerminalNode? node) => node is null ? null : Id(node.Symbol);

    private Identifier? Id(IToken? token) => token is null || !IsReal(token) ? null : new Identifier(token.Text, Span(token));

    private static string Unescape(string quoted)
    {
        var inner = quoted.Length >= 2 ? quoted[1..^1] : "";
        return inner.Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
    }

    /// <summary>False for tokens that error recovery invented (they have no place in the text).</summary>
    private static bool IsReal(IToken? token) => token is not null && token.StartIndex >= 0 && token.StopIndex >= token.StartIndex && token.Type != TokenConstants.EOF;

    private static TextSpan Span(IToken token) =>
        IsReal(token) ? TextSpan.FromBounds(token.StartIndex, token.StopIndex + 1) : new TextSpan(Math.Max(0, token.StartIndex), 0);

    private static TextSpan Span(ITerminalNode? node) => node is null ? default : Span(node.Symbol);

    private static TextSpan Span(ParserRuleContext context)
    {
        var start = context.Start.StartIndex;
        var stop = context.Stop is { } s && IsReal(s) && s.StopIndex >= start ? s.StopIndex + 1 : start;
        if (!IsReal(context.Start))
        {
            start = Math.Max(0, start);
            stop = Math.Max(start, stop);
        }

        return TextSpan.FromBounds(start, stop);
    }
}
