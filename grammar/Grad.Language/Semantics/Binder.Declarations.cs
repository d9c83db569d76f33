using System.Collections.Immutable;
using Grad.Language.Diagnostics;
using Grad.Language.Resources;
using Grad.Language.Syntax;
using Grad.Language.Text;

namespace Grad.Language.Semantics;

public sealed partial class Binder
{
    // ---- costs ------------------------------------------------------------------------------

    private void BindCost(CostDeclarationSyntax cost)
    {
        if (cost.Name is not { } name || !IsPrimary(cost))
        {
            return;
        }

        var errorsBefore = ErrorCount;
        var owner = declarationSymbols[cost];
        var parameters = new Dictionary<string, (int Index, Symbol Symbol)>(StringComparer.Ordinal);
        var parameterSymbols = new List<Symbol>(cost.Parameters.Length);
        parametersByCost[owner] = parameterSymbols;
        foreach (var parameter in cost.Parameters)
        {
            var symbol = new Symbol(parameter.Text, SymbolKind.Parameter, parameter.Span, cost, owner);
            symbols.Add(symbol);
            parameterSymbols.Add(symbol);
            references.Add(new SymbolReference(symbol, parameter.Span, IsDeclaration: true));
            if (parameters.TryGetValue(parameter.Text, out var first))
            {
                Report(DiagnosticCatalog.DuplicateName, parameter.Span, $"parameter '{parameter.Text}' appears twice in {name.Text}(…)", Related(first.Symbol.NameSpan, "first appears here"));
                continue;
            }

            parameters[parameter.Text] = (parameters.Count, symbol);
        }

        var body = cost.Body is null || !WithinExpressionLimit(cost.Body, $"cost {name.Text}") ? null : BindExpression(cost.Body, parameters);
        costs[name.Text] = body is null || ErrorCount > errorsBefore
            ? null
            : new BoundCost(name.Text, [.. parameters.OrderBy(p => p.Value.Index).Select(p => p.Key)], body, cost);
    }

    // ---- networks ---------------------------------------------------------------------------

    private void BindNetwork(NetworkDeclarationSyntax network)
    {
        if (network.Name is not { } name || !IsPrimary(network))
        {
            return;
        }

        var errorsBefore = ErrorCount;
        var owner = declarationSymbols[network];
        int? inputWidth = null;
        InputItemSyntax? input = null;
        InitSpec? init = null;
        InitFromItemSyntax? initFrom = null;
        LossKind? loss = null;
        long seed = 0;
        var seen = new Dictionary<string, NetworkItemSyntax>(StringComparer.Ordinal);
        var layers = new List<LayerEntry>();
        var tooLarge = false;

        bool FirstOf(string keyword, NetworkItemSyntax item)
        {
            if (seen.TryGetValue(keyword, out var first))
            {
                Report(DiagnosticCatalog.DuplicateItem, item.KeywordSpan, $"`{keyword}` is given twice in network {name.Text}", Related(first.KeywordSpan, "first given here"));
                return false;
            }

            seen[keyword] = item;
            return true;
        }

        for (var i = 0; i < network.Items.Length; i++)
        {
            switch (network.Items[i])
            {
                case InputItemSyntax item:
                    if (!FirstOf("input", item))
                    {
                        break;
                    }

                    input = item;
                    if (i != 0)
                    {
                        Report(DiagnosticCatalog.InputNotFirst, item.KeywordSpan, $"`input` must be the first item of network {name.Text}");
                    }

                    inputWidth = WholeNumber(item.Width, "the input width", 1);
                    break;
                case DenseLayerSyntax or NormLayerSyntax or ResidualBlockSyntax:
                    var layerItem = network.Items[i];
                    if (!tooLarge && WithinLimit(LimitKind.Layers, Plus(layers.Count, LayerCount([layerItem])), layerItem.KeywordSpan, $"network {name.Text} has {{0}} layers"))
                    {
                        FlattenLayers([layerItem], null, null, layers);
                    }
                    else
                    {
                        tooLarge = true;
                    }

                    break;
                case RepeatItemSyntax repeat:
                    var count = WholeNumber(repeat.Count, "the repeat count", 1);
                    if (repeat.Layers.IsEmpty)
                    {
                        Report(DiagnosticCatalog.NoLayers, repeat.KeywordSpan, "this `repeat` has no layers inside its braces");
                    }

                    foreach (var labelled in DenseLayersIn(repeat.Layers).Where(l => l.Label is not null))
                    {
                        Report(DiagnosticCatalog.DuplicateItem, labelled.Label!.Span, $"a label inside `repeat` would name {count ?? 0} layers; label a layer outside `repeat`");
                    }

                    // Each copy is work even when it adds no layer (an empty block): count it as one.
                    if (tooLarge || !WithinLimit(LimitKind.Layers, Plus(layers.Count, Times(count ?? 0, Math.Max(1, LayerCount(repeat.Layers)))), repeat.Count?.Span ?? repeat.KeywordSpan,
                            $"network {name.Text} has {{0}} layers with this `repeat`"))
                    {
                        tooLarge = true;
                        break;
                    }

                    for (var copy = 0; copy < (count ?? 0); copy++)
                    {
                        FlattenLayers(repeat.Layers, repeat, null, layers);
                    }

                    break;
                case InitItemSyntax item:
                    if (FirstOf("init", item) && item.Init is { } initCall && BindCall(initCall, Builtins.Inits, BuiltinCategory.Init) is { } args)
                    {
                        init = BindInit(args, initCall);
                    }

                    break;
                case InitFromItemSyntax item:
                    if (FirstOf("init", item))
                    {
                        initFrom = item;
                    }

                    break;
                case LossItemSyntax item:
                    if (FirstOf("loss", item) && item.Loss is { } lossName && ResolveBuiltin(lossName, Builtins.Losses, BuiltinCategory.Loss) is { } lossBuiltin)
                    {
                        loss = lossBuiltin.Name switch { "mse" => LossKind.Mse, "bce" => LossKind.Bce, _ => LossKind.CrossEntropy };
                    }

                    break;
                case NetworkSeedItemSyntax item:
                    if (FirstOf("seed", item))
                    {
                        seed = WholeNumber(item.Seed, "the seed", 0) ?? 0;
                    }

                    break;
            }
        }

        if (input is null)
        {
            ReportMissing(network, DiagnosticCatalog.InputNotFirst, name.Span, $"network {name.Text} needs `input N` as its first item");
        }

        if (!seen.ContainsKey("loss"))
        {
            ReportMissing(network, DiagnosticCatalog.LossMissing, name.Span, $"network {name.Text} needs a loss: add `loss mse`, `loss bce` or `loss cross_entropy`");
        }

        if (layers.Count == 0 && !tooLarge)
        {
            ReportMissing(network, DiagnosticCatalog.NoLayers, name.Span, $"network {name.Text} has no `dense` layers");
        }

        if (layers.Count > 0 && layers[^1] is var output && (output.Syntax is not DenseLayerSyntax || output.Residual is not null))
        {
            Report(DiagnosticCatalog.LayerMisplaced, output.Residual is { } block && output.Syntax is DenseLayerSyntax ? block.KeywordSpan : output.Syntax.KeywordSpan,
                $"the last layer of network {name.Text} must be a `dense` layer outside residual blocks: the loss reads its z^L");
        }

        var bound = ImmutableArray.CreateBuilder<BoundLayer>();
        var widths = new int[layers.Count + 1]; // widths[l] = the width of a^l (0 when unknown)
        widths[0] = inputWidth ?? 0;
        var labels = new Dictionary<string, Symbol>(StringComparer.Ordinal);
        var boundSyntax = new HashSet<NetworkItemSyntax>(ReferenceEqualityComparer.Instance);
        var parameterCount = 0L;
        for (var i = 0; i < layers.Count && !tooLarge; i++)
        {
            var entry = layers[i];
            var isLast = i == layers.Count - 1;
            var firstCopy = boundSyntax.Add(entry.Syntax);
            var layer = entry.Syntax switch
            {
                DenseLayerSyntax dense => BindLayer(dense, entry.Repeat, i + 1, widths[i], isLast, loss, firstCopy, owner, labels),
                NormLayerSyntax norm => BindNormLayer(norm, entry.Repeat, i + 1, widths[i]),
                _ => null,
            };
            if (layer is not null && entry.BlockStart is { } start)
            {
                // The block's output a^in + f(a^in) needs f's last layer to keep a^in's width.
                if (widths[start] > 0 && layer.Units != widths[start])
                {
                    Report(DiagnosticCatalog.ResidualWidthMismatch, entry.Residual!.KeywordSpan,
                        $"a residual block adds its input to its last layer's output, so they need the same width: its input has {widths[start]} unit{(widths[start] == 1 ? "" : "s")} but its last layer has {layer.Units}",
                        Related(entry.Syntax.Span, $"the block's last layer ({layer.Units} unit{(layer.Units == 1 ? "" : "s")})"));
                    layer = null;
                }
                else
                {
                    layer = layer with { ResidualFrom = start };
                }
            }

            if (layer is not null)
            {
                parameterCount = Plus(parameterCount, Plus(layer.IsNorm ? layer.Units : Times(layer.Units, layer.InputUnits), layer.Units));
                tooLarge = !WithinLimit(LimitKind.Parameters, parameterCount, (entry.Syntax as DenseLayerSyntax)?.Units?.Span ?? entry.Syntax.KeywordSpan,
                    $"network {name.Text} has {{0}} parameters up to layer {i + 1}");
                bound.Add(layer with { Residual = entry.Residual });
                widths[i + 1] = layer.Units;
            }
        }

        var starting = initFrom is not null && ErrorCount == errorsBefore && inputWidth is not null
            ? BindStartingWeights(initFrom, name.Text, bound)
            : null;
        // A network error recovery left without layers (its GRAD0317 is silenced by the syntax error) is not bound:
        // nothing downstream (analysis, runs, hovers) has a layer to look at.
        networks[name.Text] = ErrorCount > errorsBefore || inputWidth is null || loss is null || bound.Count == 0
            ? null
            : new BoundNetwork(name.Text, inputWidth.Value, bound.ToImmutable(), init ?? InitSpec.Default, loss.Value, seed, network) { StartingWeights = starting };
    }

    /// <summary>
    /// One layer of the numbering, in order: its syntax, the <c>repeat</c> and residual block it is
    /// in, and, on a block's last layer, the position of the block's first layer.
    /// </summary>
    private sealed record LayerEntry(NetworkItemSyntax Syntax, RepeatItemSyntax? Repeat, ResidualBlockSyntax? Residual, int? BlockStart);

    /// <summary>Appends the layers of <paramref name="items"/> in order, unrolling residual blocks (which do not nest).</summary>
    private void FlattenLayers(IEnumerable<NetworkItemSyntax> items, RepeatItemSyntax? repeat, ResidualBlockSyntax? residual, List<LayerEntry> layers)
    {
        foreach (var item in items)
        {
            switch (item)
            {
                case DenseLayerSyntax or NormLayerSyntax:
                    layers.Add(new LayerEntry(item, repeat, residual, null));
                    break;
                case ResidualBlockSyntax when residual is not null:
                    Report(DiagnosticCatalog.LayerMisplaced, item.KeywordSpan, "residual blocks do not nest: close the outer block first, or put the layers of this one directly in it");
                    break;
                case ResidualBlockSyntax block:
                    if (block.Layers.IsEmpty)
                    {
                        Report(DiagnosticCatalog.NoLayers, block.KeywordSpan, "this `residual` block has no layers inside its braces");
                        break;
                    }

                    var start = layers.Count;
                    FlattenLayers(block.Layers, repeat, block, layers);
                    if (layers.Count > start)
                    {
                        layers[^1] = layers[^1] with { BlockStart = start };
                    }

                    break;
            }
        }
    }

    /// <summary>How many layers of the numbering <paramref name="items"/> make (one copy).</summary>
    private static long LayerCount(IEnumerable<NetworkItemSyntax> items) =>
        items.Sum(item => item switch
        {
            DenseLayerSyntax or NormLayerSyntax => 1L,
            ResidualBlockSyntax block => LayerCount(block.Layers),
            _ => 0L,
        });

    private static IEnumerable<DenseLayerSyntax> DenseLayersIn(IEnumerable<NetworkItemSyntax> items) =>
        items.SelectMany(item => item switch
        {
            DenseLayerSyntax dense => [dense],
            ResidualBlockSyntax block => DenseLayersIn(block.Layers),
            _ => Enumerable.Empty<DenseLayerSyntax>(),
        });

    /// <summary><c>norm layer</c> or <c>norm batch</c>: keeps the width of its input; gain 1 and bias 0 to start.</summary>
    private BoundLayer? BindNormLayer(NormLayerSyntax syntax, RepeatItemSyntax? repeat, int index, int width)
    {
        if (syntax.Kind is not { } kindName)
        {
            return null;
        }

        LayerKind? kind = Builtins.Find(Builtins.Norms, kindName.Text)?.Name switch { "layer" => LayerKind.LayerNorm, "batch" => LayerKind.BatchNorm, _ => null };
        if (kind is null)
        {
            Report(DiagnosticCatalog.UnknownBuiltin, kindName.Span,
                $"unknown normalization '{kindName.Text}': write `norm layer` (LayerNorm) or `norm batch` (BatchNorm1d){NameSuggestions.DidYouMean(kindName.Text, Builtins.Norms.Select(b => b.Name))}");
            return null;
        }

        if (width <= 0)
        {
            return null;
        }

        if (kind == LayerKind.LayerNorm && width == 1)
        {
            Report(DiagnosticCatalog.NormOnWidthOne, syntax.Span,
                $"`norm layer` normalizes the features of each sample, and layer {index} has only 1: its output would always be its bias (x − mean = 0); use `norm batch` or a wider layer");
            return null;
        }

        return new BoundLayer(index, width, width, new Activation(ActivationKind.Linear), null, null, null, syntax, repeat) { Kind = kind.Value };
    }

    private static InitSpec BindInit(BoundArguments args, CallSyntax call) => args.Builtin.Name switch
    {
        "normal" => new InitSpec(InitKind.Normal, args.Number("mean"), args.Number("std")),
        "uniform" => new InitSpec(InitKind.Uniform, args.Number("low"), args.Number("high")),
        "constant" => new InitSpec(InitKind.Constant, args.Number("value")),
        "xavier_uniform" => new InitSpec(InitKind.XavierUniform),
        "xavier_normal" => new InitSpec(InitKind.XavierNormal),
        "he_uniform" => new InitSpec(InitKind.HeUniform),
        _ => new InitSpec(InitKind.HeNormal),
    };

    /// <summary>
    /// Binds one layer (one copy, for layers inside <c>repeat</c>). Every copy reports the same
    /// problems with the layer's text, which the file's diagnostics keep once, so a typo inside
    /// <c>repeat 8</c> is one error; only the first copy declares the layer's label.
    /// </summary>
    private BoundLayer? BindLayer(
        DenseLayerSyntax syntax, RepeatItemSyntax? repeat, int index, int inputUnits, bool isLast, LossKind? loss,
        bool firstCopy, Symbol owner, Dictionary<string, Symbol> labels)
    {
        var errorsBefore = ErrorCount;
        var units = WholeNumber(syntax.Units, "the number of units", 1);
        foreach (var group in syntax.Options.GroupBy(o => o.Keyword).Where(g => g.Count() > 1))
        {
            Report(DiagnosticCatalog.DuplicateItem, group.ElementAt(1).KeywordSpan, $"`{group.Key}` is given twice on this layer");
        }

        Activation? activation = null;
        if (syntax.Activation is null)
        {
            Report(DiagnosticCatalog.MissingActivation, TextSpan.FromBounds(syntax.KeywordSpan.Start, syntax.Units?.Span.End ?? syntax.KeywordSpan.End),
                $"expected an activation such as sigmoid or relu after `dense {(syntax.Units is null ? "N" : source[syntax.Units.Span])}`");
        }
        else if (BindCall(syntax.Activation, Builtins.Activations, BuiltinCategory.Activation) is { } args)
        {
            activation = BindActivation(args);
        }

        if (firstCopy && syntax.Label is { } label)
        {
            var symbol = new Symbol(label.Text, SymbolKind.Layer, label.Span, syntax, owner);
            symbols.Add(symbol);
            references.Add(new SymbolReference(symbol, label.Span, IsDeclaration: true));
            if (!labels.TryAdd(label.Text, symbol))
            {
                Report(DiagnosticCatalog.DuplicateName, label.Span, $"layer label '{label.Text}' is used twice in this network");
            }
        }

        if (units is null || activation is null)
        {
            return null;
        }

        if (activation.Kind == ActivationKind.Softmax && (!isLast || loss is not null and not LossKind.CrossEntropy))
        {
            Report(DiagnosticCatalog.SoftmaxMisplaced, syntax.Activation!.Span, !isLast
                ? $"softmax can only be the activation of the last layer (this is layer {index})"
                : "softmax needs `loss cross_entropy`");
        }

        if (isLast && loss == LossKind.Bce && activation.Kind != ActivationKind.Sigmoid)
        {
            Report(DiagnosticCatalog.BceNeedsSigmoid, syntax.Activation!.Span, $"`loss bce` needs a sigmoid output layer, not {activation.Name}");
        }

        var weights = syntax.Weights is null ? null : Matrix(syntax.Weights, units.Value, inputUnits, report: inputUnits > 0);
        var bias = syntax.Bias is null ? null : Vector(syntax.Bias, units.Value, report: true);
        if (ErrorCount > errorsBefore || syntax.Weights is not null && weights is null || syntax.Bias is not null && bias is null)
        {
            return null;
        }

        return new BoundLayer(index, units.Value, inputUnits, activation, weights, bias, syntax.Label?.Text, syntax, repeat);
    }

    private static Activation BindActivation(BoundArguments args) => args.Builtin.Name switch
    {
        "leaky_relu" => new Activation(ActivationKind.LeakyRelu, args.Number("slope")),
        "elu" => new Activation(ActivationKind.Elu, args.Number("alpha")),
        var other => new Activation(Enum.Parse<ActivationKind>(other, ignoreCase: true)),
    };

    /// <summary>Explicit weights: <paramref name="rows"/> lists of <paramref name="columns"/> numbers.</summary>
    private double[,]? Matrix(ListSyntax list, int rows, int columns, bool report)
    {
        var count = diagnostics.Count;
        var values = Rows(list, "weights");
        if (values is null)
        {
            return null;
        }

        var width = values.Length == 0 ? 0 : values[0].Length;
        if (values.Length != rows || width != columns)
        {
            if (report)
            {
                Report(DiagnosticCatalog.WrongShape, list.Span,
                    $"weights must be {rows}×{columns} ({rows} row{(rows == 1 ? "" : "s")} of {columns}: one row per unit of this layer, one column per unit of the previous one), not {values.Length}×{width}");
            }
            else
            {
                diagnostics.RemoveRange(count, diagnostics.Count - count);
            }

            return null;
        }

        var matrix = new double[rows, columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                matrix[r, c] = values[r][c];
            }
        }

        return matrix;
    }

    private double[]? Vector(ListSyntax list, int length, bool report)
    {
        var values = Flat(list, "bias");
        if (values is null)
        {
            return null;
        }

        if (values.Length != length)
        {
            if (report)
            {
                Report(DiagnosticCatalog.WrongShape, list.Span, $"bias must have {length} value{(length == 1 ? "" : "s")} (one per unit), not {values.Length}");
            }

            return null;
        }

        return values;
    }

    /// <summary>A list of numbers: <c>[1, 2, 3]</c>.</summary>
    private double[]? Flat(ListSyntax list, string what)
    {
        var values = new double[list.Elements.Length];
        var ok = true;
        for (var i = 0; i < values.Length; i++)
        {
            if (list.Elements[i] is ExpressionSyntax expression && ConstantValue(expression) is { } value)
            {
                values[i] = value;
            }
            else
            {
                if (list.Elements[i] is ListSyntax nested)
                {
                    Report(DiagnosticCatalog.WrongShape, nested.Span, $"{what} must be a flat list of numbers");
                }

                ok = false;
            }
        }

        return ok ? values : null;
    }

    /// <summary>
    /// Rows of numbers. A flat list is one value per row (<c>x: [1, 2, 3]</c> is three samples);
    /// a list of lists is one row per inner list. Rows must all have the same width.
    /// </summary>
    private double[][]? Rows(ListSyntax list, string what)
    {
        if (list.Elements.All(e => e is not ListSyntax))
        {
            return Flat(list, what)?.Select(v => new[] { v }).ToArray();
        }

        var rows = new double[list.Elements.Length][];
        ListSyntax? firstRow = null;
        for (var i = 0; i < rows.Length; i++)
        {
            if (list.Elements[i] is not ListSyntax row)
            {
                Report(DiagnosticCatalog.RaggedRows, list.Elements[i].Span, $"every row of {what} must be a list like the others");
                return null;
            }

            if (Flat(row, what) is not { } values)
            {
                return null;
            }

            firstRow ??= row;
            if (i > 0 && values.Length != rows[0].Length)
            {
                Report(DiagnosticCatalog.RaggedRows, row.Span,
                    $"row {i + 1} of {what} has {values.Length} value{(values.Length == 1 ? "" : "s")} but row 1 has {rows[0].Length}",
                    Related(firstRow.Span, "row 1"));
                return null;
            }

            rows[i] = values;
        }

        return rows;
    }
}
