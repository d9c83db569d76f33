namespace Grad.Language.Diagnostics;

/// <summary>
/// Every diagnostic Grad reports, with its stable code. docs/diagnostics.md documents each one
/// with an example; a test checks that the two agree.
/// </summary>
public static class DiagnosticCatalog
{
    // Syntax (GRAD00xx)
    public static readonly DiagnosticDescriptor SyntaxError = Error("GRAD0001", "Syntax error");
    public static readonly DiagnosticDescriptor UnexpectedCharacter = Error("GRAD0002", "Unexpected character");
    public static readonly DiagnosticDescriptor UnterminatedString = Error("GRAD0003", "Unterminated string");
    public static readonly DiagnosticDescriptor UnterminatedComment = Error("GRAD0004", "Unterminated block comment");
    public static readonly DiagnosticDescriptor InvalidEscape = Error("GRAD0005", "Invalid escape in a string");
    public static readonly DiagnosticDescriptor InvalidNumber = Error("GRAD0006", "Number out of range");

    // Names (GRAD01xx)
    public static readonly DiagnosticDescriptor UndefinedName = Error("GRAD0100", "Undefined name");
    public static readonly DiagnosticDescriptor DuplicateName = Error("GRAD0101", "Duplicate name");
    public static readonly DiagnosticDescriptor LetCycle = Error("GRAD0102", "Cycle between constants");
    public static readonly DiagnosticDescriptor WrongDeclarationKind = Error("GRAD0103", "Wrong kind of declaration");
    public static readonly DiagnosticDescriptor UnknownBuiltin = Error("GRAD0104", "Unknown activation, init, loss, optimizer, generator or function");

    // Calls and arguments (GRAD02xx)
    public static readonly DiagnosticDescriptor WrongArity = Error("GRAD0200", "Wrong number of arguments");
    public static readonly DiagnosticDescriptor UnknownArgument = Error("GRAD0201", "Unknown named argument");
    public static readonly DiagnosticDescriptor DuplicateArgument = Error("GRAD0202", "Argument given twice");
    public static readonly DiagnosticDescriptor WrongArgumentType = Error("GRAD0203", "Argument of the wrong type");
    public static readonly DiagnosticDescriptor MissingArgument = Error("GRAD0204", "Required argument missing");

    // Values (GRAD03xx)
    public static readonly DiagnosticDescriptor OutOfRange = Error("GRAD0300", "Value out of range");
    public static readonly DiagnosticDescriptor NotAnInteger = Error("GRAD0301", "Value must be a whole number");

    // Networks (GRAD031x)
    public static readonly DiagnosticDescriptor LayerMisplaced = Error("GRAD0309", "Layer or residual block where it cannot be");
    public static readonly DiagnosticDescriptor InputNotFirst = Error("GRAD0310", "`input` missing or not first");
    public static readonly DiagnosticDescriptor LossMissing = Error("GRAD0311", "`loss` missing");
    public static readonly DiagnosticDescriptor SoftmaxMisplaced = Error("GRAD0312", "softmax not on the last layer or without cross_entropy");
    public static readonly DiagnosticDescriptor BceNeedsSigmoid = Error("GRAD0313", "bce without a sigmoid output");
    public static readonly DiagnosticDescriptor WrongShape = Error("GRAD0314", "Explicit weights or bias of the wrong shape");
    public static readonly DiagnosticDescriptor DuplicateItem = Error("GRAD0315", "Item given twice");
    public static readonly DiagnosticDescriptor MissingActivation = Error("GRAD0316", "Layer without an activation");
    public static readonly DiagnosticDescriptor NoLayers = Error("GRAD0317", "Network without layers");
    public static readonly DiagnosticDescriptor ResidualWidthMismatch = Error("GRAD0318", "Residual block that changes the width");
    public static readonly DiagnosticDescriptor NormOnWidthOne = Error("GRAD0319", "`norm layer` on a layer of width 1");

    // Data (GRAD032x)
    public static readonly DiagnosticDescriptor RaggedRows = Error("GRAD0320", "Rows of different widths");
    public static readonly DiagnosticDescriptor RowCountMismatch = Error("GRAD0321", "x and y have different numbers of rows");
    public static readonly DiagnosticDescriptor DataWidthMismatch = Error("GRAD0322", "Data width does not match the network");
    public static readonly DiagnosticDescriptor CsvNotFound = Error("GRAD0323", "CSV file not found");
    public static readonly DiagnosticDescriptor DataFieldProblem = Error("GRAD0324", "Inline data needs x and y");
    public static readonly DiagnosticDescriptor ClassIndexProblem = Error("GRAD0325", "Class index out of range or not whole");
    public static readonly DiagnosticDescriptor StartingWeightsProblem = Error("GRAD0326", "`init from` weights that cannot be used");

    // Runs (GRAD033x)
    public static readonly DiagnosticDescriptor RunTargetMissing = Error("GRAD0330", "Run without minimize or train");
    public static readonly DiagnosticDescriptor StartValueProblem = Error("GRAD0331", "Start values do not match the cost's parameters");
    public static readonly DiagnosticDescriptor WrongStopMetric = Error("GRAD0332", "Stop condition does not fit the run");
    public static readonly DiagnosticDescriptor TrainingOnlySetting = Error("GRAD0333", "Training-only setting in a minimize run");
    public static readonly DiagnosticDescriptor OptimizerMissing = Error("GRAD0334", "Run without an optimizer");
    public static readonly DiagnosticDescriptor StepsAndEpochs = Error("GRAD0335", "Both steps and epochs");
    public static readonly DiagnosticDescriptor ClipBoundNotPositive = Error("GRAD0336", "Clip bound not positive");
    public static readonly DiagnosticDescriptor ScheduleLongerThanRun = Warning("GRAD0337", "Schedule longer than the run");
    public static readonly DiagnosticDescriptor ScheduleOrder = Error("GRAD0338", "Only a warmup can come before `then`");

    // Sweeps (GRAD035x, v2)
    public static readonly DiagnosticDescriptor SweepBaseMissing = Error("GRAD0350", "Sweep without a base run");
    public static readonly DiagnosticDescriptor SweepVaryProblem = Error("GRAD0351", "Something a sweep cannot vary");

    // Limits (GRAD034x): checked before any work (docs/limits.md).
    public static readonly DiagnosticDescriptor ResourceLimit = Error("GRAD0340", "The file asks for more than a resource limit");

    // Running (GRAD04xx): found when the runtime loads data or runs.
    public static readonly DiagnosticDescriptor DataFileProblem = Error("GRAD0400", "Data file problem");

    // Analysis (GRAD05xx): the runtime's findings (Grad.Runtime.Analysis), shown the same by the CLI and the editor.
    public static readonly DiagnosticDescriptor VanishingGradient = Warning("GRAD0500", "Vanishing gradient");
    public static readonly DiagnosticDescriptor ExplodingGradient = Warning("GRAD0501", "Exploding gradient");
    public static readonly DiagnosticDescriptor RunDiverges = Warning("GRAD0502", "Run diverges");
    public static readonly DiagnosticDescriptor IllConditionedStop = Warning("GRAD0503", "Stopped by until while not at a minimum");
    public static readonly DiagnosticDescriptor AnalysisFailed = Warning("GRAD0504", "Analysis failed");
    public static readonly DiagnosticDescriptor NotAMinimum = Warning("GRAD0505", "Steps ran out far from a minimum");
    public static readonly DiagnosticDescriptor DeadUnits = Warning("GRAD0506", "Dead units");
    public static readonly DiagnosticDescriptor SaturatedUnits = Warning("GRAD0507", "Saturated units");
    public static readonly DiagnosticDescriptor LearningRateAboveStability = Warning("GRAD0508", "Learning rate above the stability limit");
    public static readonly DiagnosticDescriptor AnalysisSkipped = Warning("GRAD0510", "Analysis skipped: limits");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } =
        typeof(DiagnosticCatalog).GetFields()
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToArray();

    private static DiagnosticDescriptor Error(string code, string title) => new(code, title, DiagnosticSeverity.Error);

    private static DiagnosticDescriptor Warning(string code, string title) => new(code, title, DiagnosticSeverity.Warning);
}
