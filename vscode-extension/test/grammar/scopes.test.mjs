// Assertions on what matters in the grammar, independent of the snapshots: each one names the scope
// a token must get (innermost scope checked with startsWith, so `keyword` matches `keyword.control.grad`).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tokenize } from './tokenize.mjs';

/** The innermost scope of the token with exactly this text (the nth one, 0-based) on the given line. */
async function scopeOf(source, text, { line = 0, nth = 0 } = {}) {
  const { tokens } = await tokenize(source);
  const matches = tokens.filter((t) => t.line === line && t.text.trim() === text);
  assert.ok(matches.length > nth, `no token "${text}" on line ${line} of ${JSON.stringify(source)}; tokens: ` +
    JSON.stringify(tokens.filter((t) => t.line === line).map((t) => t.text)));
  return matches[nth].scopes;
}

const innermost = (scopes) => scopes[scopes.length - 1];
const assertScope = async (source, text, expected, options) => {
  const scopes = await scopeOf(source, text, options);
  assert.ok(innermost(scopes).startsWith(expected), `"${text}" in ${JSON.stringify(source)} has ${scopes.join(' ')}, expected ${expected}`);
  return scopes;
};

test('numbers are one token each, with exponents and leading dots', async () => {
  for (const n of ['1', '1.5', '.5', '1e-3', '2.5E+4', '3e2', '1E5']) {
    await assertScope(`let x = ${n}`, n, 'constant.numeric');
  }
  await assertScope('let x = -0.25', '-', 'keyword.operator.arithmetic');
  await assertScope('let x = -0.25', '0.25', 'constant.numeric');
});

test('-x^2: minus, variable, power and number', async () => {
  const src = 'cost c(x) = -x^2';
  await assertScope(src, '-', 'keyword.operator.arithmetic.grad');
  await assertScope(src, 'x', 'variable.other', { nth: 1 });
  await assertScope(src, '^', 'keyword.operator.arithmetic.power');
  await assertScope(src, '2', 'constant.numeric');
  await assertScope(src, 'x', 'variable.parameter'); // in the parameter list
});

test('identifiers that contain digits are not numbers', async () => {
  await assertScope('cost c(w1) = w1^2', 'w1', 'variable.other', { nth: 1 });
});

test('comments inside expressions, and the expression goes on after them', async () => {
  const src = 'let a = 2 /* scale */ * 3 // why';
  await assertScope(src, 'scale', 'comment.block');
  await assertScope(src, '*', 'keyword.operator.arithmetic');
  await assertScope(src, '3', 'constant.numeric');
  await assertScope(src, 'why', 'comment.line.double-slash');
  await assertScope('let b = a/*x*/+1', '+', 'keyword.operator.arithmetic');
});

test('an unterminated block comment runs to the end of the file', async () => {
  const src = 'let a = 1\n/* open\nnetwork n {\n  input 1\n}\n';
  await assertScope(src, 'network n {', 'comment.block', { line: 2 });
  await assertScope(src, '}', 'comment.block', { line: 4 });
});

test('strings with escapes; an unterminated string ends at the line end', async () => {
  const src = 'data t = csv("a \\"b\\" \\\\ c", target = "y")';
  await assertScope(src, '\\"', 'constant.character.escape');
  await assertScope(src, '\\\\', 'constant.character.escape');
  await assertScope(src, 'target', 'variable.parameter');
  const open = 'data t = csv("open\nrun r { steps 1 }';
  await assertScope(open, 'run', 'storage.type.run', { line: 1 });
  await assertScope(open, 'r', 'entity.name.function.run', { line: 1 });
});

test('declaration names are entity.name', async () => {
  await assertScope('let rate = 0.1', 'rate', 'entity.name');
  await assertScope('cost bowl(w) = w^2', 'bowl', 'entity.name.function');
  await assertScope('network chain {\n}', 'chain', 'entity.name.type');
  await assertScope('data point { x: [1] y: [2] }', 'point', 'entity.name');
  await assertScope('data s = spirals(n = 2)', 's', 'entity.name');
  await assertScope('run deep {\n}', 'deep', 'entity.name.function');
});

test('nested repeat: the inner layer is inside two repeat blocks', async () => {
  const src = 'network n {\n  repeat 2 {\n    repeat 3 { dense 4 relu }\n  }\n  dense 1 linear\n}';
  const scopes = await assertScope(src, 'dense', 'keyword.other.layer', { line: 2 });
  assert.equal(scopes.filter((s) => s === 'meta.block.repeat.grad').length, 2, scopes.join(' '));
  await assertScope(src, 'relu', 'support.function.activation', { line: 2 });
  const after = await assertScope(src, 'dense', 'keyword.other.layer', { line: 4 });
  assert.ok(!after.includes('meta.block.repeat.grad'), 'the layer after the repeat blocks is outside them: ' + after.join(' '));
  await assertScope(src, '}', 'punctuation.section.block.end', { line: 5 });
});

test('every keyword of the language is coloured as a keyword in its place', async () => {
  const cases = [
    ['let a = 1', 'let', 'storage.type'], ['cost c(x) = x', 'cost', 'storage.type'],
    ['network n {\n}', 'network', 'storage.type'], ['data d = xor(n = 1)', 'data', 'storage.type'],
    ['run r {\n}', 'run', 'storage.type'],
  ];
  const net = 'network n {\n  input 1\n  repeat 2 { dense 1 sigmoid weights [[1]] bias [0] as h }\n  init normal(mean = 0, std = 1)\n  loss mse\n  seed 1\n}';
  for (const [kw, line] of [['input', 1], ['repeat', 2], ['dense', 2], ['weights', 2], ['bias', 2], ['as', 2], ['init', 3], ['loss', 4], ['seed', 5]]) {
    cases.push([net, kw, 'keyword', line]);
  }
  const run = 'run r {\n  minimize c from x = 1\n  train n on d\n  optimizer sgd(lr = 1, nesterov = true, momentum = 0)\n  steps 1\n  epochs 1\n  batch 2\n  until change < 1\n  record every 5\n  seed 3\n}';
  for (const [kw, line] of [['minimize', 1], ['from', 1], ['train', 2], ['on', 2], ['optimizer', 3], ['steps', 4], ['epochs', 5], ['batch', 6], ['until', 7], ['record', 8], ['every', 8], ['seed', 9]]) {
    cases.push([run, kw, 'keyword', line]);
  }
  cases.push([run, 'true', 'constant.language.boolean', 3], [run, 'change', 'variable.language', 7]);
  cases.push(['run r { optimizer sgd(nesterov = false) }', 'false', 'constant.language.boolean']);
  for (const [src, kw, expected, line = 0] of cases) await assertScope(src, kw, expected, { line });
});

test('activations, inits, losses, optimizers, generators and math functions', async () => {
  for (const a of ['sigmoid', 'tanh', 'relu', 'leaky_relu', 'elu', 'softplus', 'gelu', 'linear', 'softmax']) {
    await assertScope(`network n {\n  dense 1 ${a}\n}`, a, 'support.function.activation', { line: 1 });
  }
  for (const i of ['normal', 'uniform', 'constant', 'xavier_uniform', 'xavier_normal', 'he_uniform', 'he_normal']) {
    await assertScope(`network n {\n  init ${i}\n}`, i, 'support.function.init', { line: 1 });
  }
  for (const l of ['mse', 'bce', 'cross_entropy']) await assertScope(`network n {\n  loss ${l}\n}`, l, 'support.constant.loss', { line: 1 });
  for (const o of ['sgd', 'adagrad', 'rmsprop', 'adadelta', 'adam', 'adamw']) {
    await assertScope(`run r {\n  optimizer ${o}(lr = 1)\n}`, o, 'support.function.optimizer', { line: 1 });
  }
  for (const g of ['xor', 'circles', 'moons', 'spirals', 'gaussians', 'linear', 'csv']) {
    await assertScope(`data d = ${g}(n = 10)`, g, 'support.function.generator');
  }
  for (const f of ['exp', 'log', 'sqrt', 'abs', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'softplus']) {
    await assertScope(`cost c(x) = ${f}(x)`, f, 'support.function.math');
  }
});

test('a named argument called like a keyword (seed = 3) is a parameter, not the keyword', async () => {
  await assertScope('data s = spirals(n = 200, noise = 0.1, seed = 3)', 'seed', 'variable.parameter');
});
