// The Grad language, v2 (see docs/language.md and ../shared/LANGUAGE.md).
// Newlines are ordinary whitespace: every item of a block starts with a keyword, which is
// what error recovery synchronises on. Identifier references have their own rules so that
// completion can tell "a name goes here" from the caret's rule stack.
grammar Grad;

file
    : declaration* EOF
    ;

declaration
    : letDeclaration
    | costDeclaration
    | networkDeclaration
    | dataDeclaration
    | runDeclaration
    | sweepDeclaration
    ;

letDeclaration
    : LET name=ID ASSIGN expr
    ;

costDeclaration
    : COST name=ID LPAREN parameterList? RPAREN ASSIGN expr
    ;

parameterList
    : ID (COMMA ID)*
    ;

// ---- networks ---------------------------------------------------------------------------

networkDeclaration
    : NETWORK name=ID LBRACE networkItem* RBRACE
    ;

networkItem
    : INPUT expr                                  # inputItem
    | layer                                       # layerItem
    | REPEAT expr LBRACE layer* RBRACE            # repeatItem
    | INIT FROM STRING RUN ID                     # initFromItem
    | INIT call                                   # initItem
    | LOSS ID                                     # lossItem
    | SEED expr                                   # networkSeedItem
    ;

// A layer of the numbering, or (v2) a residual block of them: a^out = a^in + f(a^in).
layer
    : denseLayer
    | normLayer
    | residualBlock
    ;

denseLayer
    : DENSE expr call? layerOption*
    ;

// `norm layer` (LayerNorm) or `norm batch` (BatchNorm1d); `batch` is also a run keyword.
normLayer
    : NORM normKind
    ;

normKind
    : ID
    | BATCH
    ;

residualBlock
    : RESIDUAL LBRACE layer* RBRACE
    ;

layerOption
    : WEIGHTS list                                # weightsOption
    | BIAS list                                   # biasOption
    | AS ID                                       # labelOption
    ;

// ---- data -------------------------------------------------------------------------------

dataDeclaration
    : DATA name=ID LBRACE dataField* RBRACE       # inlineData
    | DATA name=ID ASSIGN call                    # generatedData
    ;

dataField
    : ID COLON list
    ;

// ---- runs -------------------------------------------------------------------------------

runDeclaration
    : RUN name=ID LBRACE runItem* RBRACE
    ;

runItem
    : MINIMIZE nameRef FROM startValue (COMMA startValue)*   # minimizeItem
    | TRAIN nameRef ON nameRef                               # trainItem
    | OPTIMIZER call                                         # optimizerItem
    | STEPS expr                                             # stepsItem
    | EPOCHS expr                                            # epochsItem
    | BATCH expr                                             # batchItem
    | UNTIL condition                                        # untilItem
    | RECORD EVERY expr                                      # recordItem
    | SEED expr                                              # runSeedItem
    | SCHEDULE call (THEN call)*                             # scheduleItem
    | CLIP clipKind expr                                     # clipItem
    ;

// `clip norm C` or `clip value C`; `norm` is also the normalization keyword.
clipKind
    : NORM
    | ID
    ;

startValue
    : ID ASSIGN expr
    ;

condition
    : metric LT expr
    ;

metric
    : ID
    | COST
    | LOSS
    ;

nameRef
    : ID
    ;

// ---- sweeps (v2) -------------------------------------------------------------------------

// A family of runs: the base run with some settings varied (the cartesian product of the lists).
sweepDeclaration
    : SWEEP name=ID LBRACE sweepItem* RBRACE
    ;

sweepItem
    : RUN nameRef                                                      # sweepBaseItem
    | VARY variedSetting IN LBRACK (variedValue (COMMA variedValue)* COMMA?)? RBRACK  # varyItem
    ;

// An optimizer parameter or a `let` constant by name, or one of the run's settings.
variedSetting
    : ID
    | OPTIMIZER
    | BATCH
    | SEED
    | INIT
    ;

// A number (`0.1`, `2 * rate`) or a call (`he_normal`, `normal(mean = 0, std = 1)`, `adam(lr = 0.01)`):
// an expression wins where both fit; the binder reads a bare name or a positional call as either.
variedValue
    : expr
    | call
    ;

// ---- calls, lists, expressions -----------------------------------------------------------

call
    : ID (LPAREN argumentList? RPAREN)?
    ;

argumentList
    : argument (COMMA argument)* COMMA?
    ;

argument
    : (argumentName ASSIGN)? argumentValue
    ;

// `seed` is a keyword but also the name of every generator's seed argument; `steps` and
// `every` name the lengths of the schedules warmup and step (v2).
argumentName
    : ID
    | SEED
    | STEPS
    | EVERY
    ;

argumentValue
    : STRING                                      # stringValue
    | (TRUE | FALSE)                              # boolValue
    | expr                                        # exprValue
    ;

list
    : LBRACK (listElement (COMMA listElement)* COMMA?)? RBRACK
    ;

listElement
    : list
    | expr
    ;

// Precedence: the first alternative binds tightest. `^` is right-associative and binds
// tighter than unary minus, so -x^2 is -(x^2) and 2^-1 is 2^(-1).
expr
    : <assoc=right> expr CARET expr               # powerExpr
    | MINUS expr                                  # negateExpr
    | PLUS expr                                   # plusExpr
    | expr op=(STAR | SLASH) expr                 # mulDivExpr
    | expr op=(PLUS | MINUS) expr                 # addSubExpr
    | ID LPAREN (expr (COMMA expr)*)? RPAREN      # callExpr
    | ID                                          # nameExpr
    | NUMBER                                      # numberExpr
    | LPAREN expr RPAREN                          # parenExpr
    ;

// ---- lexer ------------------------------------------------------------------------------

LET       : 'let';
COST      : 'cost';
NETWORK   : 'network';
DATA      : 'data';
RUN       : 'run';
INPUT     : 'input';
DENSE     : 'dense';
REPEAT    : 'repeat';
INIT      : 'init';
LOSS      : 'loss';
SEED      : 'seed';
WEIGHTS   : 'weights';
BIAS      : 'bias';
AS        : 'as';
MINIMIZE  : 'minimize';
FROM      : 'from';
TRAIN     : 'train';
ON        : 'on';
OPTIMIZER : 'optimizer';
STEPS     : 'steps';
EPOCHS    : 'epochs';
BATCH     : 'batch';
UNTIL     : 'until';
RECORD    : 'record';
EVERY     : 'every';
RESIDUAL  : 'residual';
NORM      : 'norm';
SCHEDULE  : 'schedule';
THEN      : 'then';
CLIP      : 'clip';
SWEEP     : 'sweep';
VARY      : 'vary';
IN        : 'in';
TRUE      : 'true';
FALSE     : 'false';

LPAREN : '(';
RPAREN : ')';
LBRACE : '{';
RBRACE : '}';
LBRACK : '[';
RBRACK : ']';
COMMA  : ',';
COLON  : ':';
ASSIGN : '=';
LT     : '<';
PLUS   : '+';
MINUS  : '-';
STAR   : '*';
SLASH  : '/';
CARET  : '^';

NUMBER
    : DIGIT+ ('.' DIGIT*)? EXPONENT?
    | '.' DIGIT+ EXPONENT?
    ;

ID : [A-Za-z_] [A-Za-z0-9_]*;

STRING : '"' (~["\\\r\n] | '\\' ["\\])* '"';

// Error tokens: the lexer never fails. They go to their own channel, the parser never sees
// them, and the diagnostics pass reports each with a clear message.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* -> channel(2);
BAD_ESCAPE_STRING   : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' -> channel(2);

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' (~[*] | '*'+ ~[*/])* '*'+ '/' -> channel(HIDDEN);
UNTERMINATED_COMMENT : '/*' (~[*] | '*'+ ~[*/])* '*'* EOF -> channel(2);

WS : [ \t\r\n\f\u000B\u00A0\uFEFF]+ -> channel(HIDDEN);

UNKNOWN_CHAR : . -> channel(2);

fragment DIGIT    : [0-9];
fragment EXPONENT : [eE] [+-]? DIGIT+;
