using System.Collections.Immutable;
using Grad.Language.Text;

namespace Grad.Language.Syntax;

// Our own immutable syntax model over the ANTLR tree. Every node knows its exact span; parts
// that error recovery could not find are null (or empty), so the binder can check what is
// there and skip what is not.

public abstract record SyntaxNode(TextSpan Span);

public sealed record Identifier(string Text, TextSpan Span) : SyntaxNode(Span)
{
    public override string ToString() => Text;
}

public sealed record GradFileSyntax(ImmutableArray<DeclarationSyntax> Declarations, TextSpan Span) : SyntaxNode(Span);

// ---- declarations ------------------------------------------------------------------------

public abstract record DeclarationSyntax(Identifier? Name, TextSpan KeywordSpan, TextSpan Span) : SyntaxNode(Span)
{
    /// <summary>The word users call this kind of declaration ("cost", "network", …).</summary>
    public abstract string Kind { get; }
}

public sealed record LetDeclarationSyntax(Identifier? Name, ExpressionSyntax? Value, TextSpan KeywordSpan, TextSpan Span)
    : DeclarationSyntax(Name, KeywordSpan, Span)
{
    public override string Kind => "let";
}

public sealed record CostDeclarationSyntax(Identifier? Name, ImmutableArray<Identifier> Parameters, ExpressionSyntax? Body, TextSpan KeywordSpan, TextSpan Span)
    : DeclarationSyntax(Name, KeywordSpan, Span)
{
    public override string Kind => "cost";
}

public sealed record NetworkDeclarationSyntax(Identifier? Name, ImmutableArray<NetworkItemSyntax> Items, TextSpan KeywordSpan, TextSpan Span)
    : DeclarationSyntax(Name, KeywordSpan, Span)
{
    public override string Kind => "network";
}

public abstract record DataDeclarationSyntax(Identifier? Name, TextSpan KeywordSpan, TextSpan Span) : DeclarationSyntax(Name, KeywordSpan, Span)
{
    public override string Kind => "data";
}

public sealed record InlineDataSyntax(Identifier? Name, ImmutableArray<DataFieldSyntax> Fields, TextSpan KeywordSpan, TextSpan Span)
    : DataDeclarationSyntax(Name, KeywordSpan, Span);

public sealed record DataFieldSyntax(Identifier Name, ListSyntax? Value, TextSpan Span) : SyntaxNode(Span);

public sealed record GeneratedDataSyntax(Identifier? Name, CallSyntax? Generator, TextSpan KeywordSpan, TextSpan Span)
    : DataDeclarationSyntax(Name, KeywordSpan, Span);

public sealed record RunDeclarationSyntax(Identifier? Name, ImmutableArray<RunItemSyntax> Items, TextSpan KeywordSpan, TextSpan Span)
    : DeclarationSyntax(Name, KeywordSpan, Span)
{
    public override string Kind => "run";
}

/// <summary><c>sweep NAME { run BASE  vary SETTING in [ … ] … }</c> (v2): the base run with settings varied.</summary>
public sealed record SweepDeclarationSyntax(Identifier? Name, ImmutableArray<SweepItemSyntax> Items, TextSpan KeywordSpan, TextSpan Span)
    : DeclarationSyntax(Name, KeywordSpan, Span)
{
    public override string Kind => "sweep";
}

// ---- network items -----------------------------------------------------------------------

public abstract record NetworkItemSyntax(TextSpan KeywordSpan, TextSpan Span) : SyntaxNode(Span);

public sealed record InputItemSyntax(ExpressionSyntax? Width, TextSpan KeywordSpan, TextSpan Span) : NetworkItemSyntax(KeywordSpan, Span);

public sealed record DenseLayerSyntax(
    ExpressionSyntax? Units,
    CallSyntax? Activation,
    ListSyntax? Weights,
    ListSyntax? Bias,
    Identifier? Label,
    ImmutableArray<LayerOptionSyntax> Options,
    TextSpan KeywordSpan,
    TextSpan Span) : NetworkItemSyntax(KeywordSpan, Span);

/// <summary>A <c>weights</c>, <c>bias</c> or <c>as</c> option of a layer, kept to report duplicates.</summary>
public sealed record LayerOptionSyntax(string Keyword, TextSpan KeywordSpan, TextSpan Span) : SyntaxNode(Span);

/// <summary><c>repeat K { … }</c>: K copies of the layers (dense, norm, residual blocks) inside.</summary>
public sealed record RepeatItemSyntax(ExpressionSyntax? Count, ImmutableArray<NetworkItemSyntax> Layers, TextSpan KeywordSpan, TextSpan Span)
    : NetworkItemSyntax(KeywordSpan, Span);

/// <summary><c>norm layer</c> or <c>norm batch</c> (v2); <paramref name="Kind"/> is the word after <c>norm</c>.</summary>
public sealed record NormLayerSyntax(Identifier? Kind, TextSpan KeywordSpan, TextSpan Span) : NetworkItemSyntax(KeywordSpan, Span);

/// <summary><c>residual { … }</c> (v2): the block's output is its input plus its last layer's output.</summary>
public sealed record ResidualBlockSyntax(ImmutableArray<NetworkItemSyntax> Layers, TextSpan KeywordSpan, TextSpan Span) : NetworkItemSyntax(KeywordSpan, Span);

public sealed record InitItemSyntax(CallSyntax? Init, TextSpan KeywordSpan, TextSpan Span) : NetworkItemSyntax(KeywordSpan, Span);

/// <summary>
/// <c>init from "FILE.json" run RUN</c> (v2): start from the final weights of training run
/// <paramref name="Run"/> in a result that <c>grad run --json</c> wrote. Parts recovery could not find are null.
/// </summary>
public sealed record InitFromItemSyntax(StringValueSyntax? Path, Identifier? Run, TextSpan KeywordSpan, TextSpan Span) : NetworkItemSyntax(KeywordSpan, Span);

public sealed record LossItemSyntax(Identifier? Loss, TextSpan KeywordSpan, TextSpan Span) : NetworkItemSyntax(KeywordSpan, Span);

public sealed record NetworkSeedItemSyntax(ExpressionSyntax? Seed, TextSpan KeywordSpan, TextSpan Span) : NetworkItemSyntax(KeywordSpan, Span);

// ---- run items ---------------------------------------------------------------------------

public abstract record RunItemSyntax(TextSpan KeywordSpan, TextSpan Span) : SyntaxNode(Span)
{
    /// <summary>The keyword that starts the item, as the user wrote it.</summary>
    public abstract string Keyword { get; }
}

public sealed record MinimizeItemSyntax(Identifier? Cost, ImmutableArray<StartValueSyntax> Starts, TextSpan KeywordSpan, TextSpan Span)
    : RunItemSyntax(KeywordSpan, Span)
{
    public override string Keyword => "minimize";
}

public sealed record StartValueSyntax(Identifier Parameter, ExpressionSyntax? Value, TextSpan Span) : SyntaxNode(Span);

public sealed record TrainItemSyntax(Identifier? Network, Identifier? Data, TextSpan KeywordSpan, TextSpan Span)
    : RunItemSyntax(KeywordSpan, Span)
{
    public override string Keyword => "train";
}

public sealed record OptimizerItemSyntax(CallSyntax? Optimizer, TextSpan KeywordSpan, TextSpan Span) : RunItemSyntax(KeywordSpan, Span)
{
    public override string Keyword => "optimizer";
}

/// <summary><c>steps</c>, <c>epochs</c>, <c>batch</c>, <c>record every</c> or <c>seed</c> with its number.</summary>
public sealed record RunSettingSyntax(string Setting, ExpressionSyntax? Value, TextSpan KeywordSpan, TextSpan Span) : RunItemSyntax(KeywordSpan, Span)
{
    public override string Keyword => Setting;
}

public sealed record UntilItemSyntax(Identifier? Metric, ExpressionSyntax? Threshold, TextSpan KeywordSpan, TextSpan Span)
    : RunItemSyntax(KeywordSpan, Span)
{
    public override string Keyword => "until";
}

/// <summary><c>schedule A [then B]</c> (v2): the phases in order.</summary>
public sealed record ScheduleItemSyntax(ImmutableArray<CallSyntax> Phases, TextSpan KeywordSpan, TextSpan Span) : RunItemSyntax(KeywordSpan, Span)
{
    public override string Keyword => "schedule";
}

/// <summary><c>clip norm C</c> or <c>clip value C</c> (v2); <paramref name="Kind"/> is the word after <c>clip</c>.</summary>
public sealed record ClipItemSyntax(Identifier? Kind, ExpressionSyntax? Bound, TextSpan KeywordSpan, TextSpan Span) : RunItemSyntax(KeywordSpan, Span)
{
    public override string Keyword => "clip";
}

// ---- sweep items -------------------------------------------------------------------------

public abstract record SweepItemSyntax(TextSpan KeywordSpan, TextSpan Span) : SyntaxNode(Span);

/// <summary><c>run BASE</c> in a sweep: the run whose copies the sweep varies.</summary>
public sealed record SweepBaseSyntax(Identifier? Run, TextSpan KeywordSpan, TextSpan Span) : SweepItemSyntax(KeywordSpan, Span);

/// <summary><c>vary SETTING in [v1, v2, …]</c>; <paramref name="Values"/> is null when the list is missing.</summary>
public sealed record VaryItemSyntax(Identifier? Setting, ImmutableArray<VariedValueSyntax>? Values, TextSpan KeywordSpan, TextSpan Span) : SweepItemSyntax(KeywordSpan, Span);

/// <summary>
/// One value of a <c>vary</c> list, read both ways where both fit: <c>he_normal</c> and <c>f(2)</c> are an
/// expression and a call; <c>0.1</c> only an expression; <c>sgd(lr = 0.1)</c> only a call.
/// </summary>
public sealed record VariedValueSyntax(ExpressionSyntax? Expression, CallSyntax? Call, TextSpan Span) : SyntaxNode(Span);

// ---- calls and lists ---------------------------------------------------------------------

/// <summary>A named thing with optional arguments: <c>sgd(lr = 0.5)</c>, <c>sigmoid</c>, <c>csv("a.csv", target = "y")</c>.</summary>
public sealed record CallSyntax(Identifier Name, ImmutableArray<ArgumentSyntax> Arguments, bool HasParentheses, TextSpan Span) : SyntaxNode(Span);

public sealed record ArgumentSyntax(Identifier? Name, ArgumentValueSyntax? Value, TextSpan Span) : SyntaxNode(Span);

public abstract record ArgumentValueSyntax(TextSpan Span) : SyntaxNode(Span);

public sealed record StringValueSyntax(string Value, TextSpan Span) : ArgumentValueSyntax(Span);

public sealed record BoolValueSyntax(bool Value, TextSpan Span) : ArgumentValueSyntax(Span);

public sealed record ExpressionValueSyntax(ExpressionSyntax Expression) : ArgumentValueSyntax(Expression.Span);

public sealed record ListSyntax(ImmutableArray<SyntaxNode> Elements, TextSpan Span) : SyntaxNode(Span);

// ---- expressions -------------------------------------------------------------------------

public abstract record ExpressionSyntax(TextSpan Span) : SyntaxNode(Span);

public sealed record NumberSyntax(double Value, string Text, TextSpan Span) : ExpressionSyntax(Span);

public sealed record NameSyntax(Identifier Name) : ExpressionSyntax(Name.Span);

public sealed record UnarySyntax(char Operator, ExpressionSyntax? Operand, TextSpan Span) : ExpressionSyntax(Span);

public sealed record BinarySyntax(char Operator, ExpressionSyntax? Left, ExpressionSyntax? Right, TextSpan OperatorSpan, TextSpan Span) : ExpressionSyntax(Span);

public sealed record FunctionCallSyntax(Identifier Function, ImmutableArray<ExpressionSyntax> Arguments, TextSpan Span) : ExpressionSyntax(Span);

public sealed record ParenthesizedSyntax(ExpressionSyntax? Inner, TextSpan Span) : ExpressionSyntax(Span);
