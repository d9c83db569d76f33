import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FileResults, formatNumber, RunResult, summarizeFile, summarizeRun } from '../../src/runResults';

test('formatNumber: four significant digits, exponents for tiny and huge values, non-finite as given', () => {
  assert.equal(formatNumber(0.3677), '0.3677');
  assert.equal(formatNumber(0.36771234), '0.3677');
  assert.equal(formatNumber(1000), '1000');
  assert.equal(formatNumber(0.5), '0.5');
  assert.equal(formatNumber(0), '0');
  assert.equal(formatNumber(0.000135), '1.35e-4');
  assert.equal(formatNumber(-1.2e-5), '-1.2e-5');
  assert.equal(formatNumber(2.5e6), '2.5e6');
  assert.equal(formatNumber('NaN'), 'NaN');
  assert.equal(formatNumber(undefined), '–');
});

const plain: RunResult = {
  name: 'plain', kind: 'minimize', optimizer: { name: 'sgd', lr: 0.5 }, stepsTaken: 1000, stopReason: 'steps',
  final: { cost: 0.000135, params: { w1: 0.3677, w2: 0 }, gradient: { w1: 0.000735, w2: 0 } },
};
const deep: RunResult = {
  name: 'deep', kind: 'train', optimizer: { name: 'sgd', lr: 0.1 }, stepsTaken: 100, stopReason: 'steps', final: { loss: 0.0012 },
  layers: [
    { index: 1, units: 1, activation: 'sigmoid', label: null, deltaNorm: { initial: 1.2e-5, final: 1.1e-5 }, weightGradNorm: { initial: 9e-6, final: 8.1e-6 } },
    { index: 2, units: 1, activation: 'sigmoid', label: 'out', deltaNorm: { initial: 0.02, final: 0.011 }, weightGradNorm: { initial: 0.01, final: 0.008 } },
  ],
};

test('a minimize run: steps, cost and the final parameters', () => {
  assert.equal(summarizeRun(plain), 'plain: 1000 steps, cost 1.35e-4, w1 = 0.3677, w2 = 0');
  assert.equal(summarizeRun({ ...plain, name: 'early', stepsTaken: 2, stopReason: 'until', final: { cost: 0.997, params: { w1: 0.998, w2: 0 } } }),
    'early: 2 steps, stopped by until, cost 0.997, w1 = 0.998, w2 = 0');
  assert.equal(summarizeRun({ ...plain, stepsTaken: 1, stopReason: 'diverged', final: { cost: 'Infinity', params: { w1: 'NaN' } } }),
    'plain: diverged after 1 step, cost Infinity, w1 = NaN');
});

test('a train run: loss and the ratio of the first layer\'s δ to the last one\'s', () => {
  assert.equal(summarizeRun(deep), 'deep: 100 steps, loss 0.0012, ‖δ¹‖/‖δ^L‖ 0.001');
});

test('a file summary joins the runs; a file with errors says nothing ran', () => {
  const file: FileResults = { file: 'seed.grad', diagnostics: [], runs: [plain, deep] };
  assert.equal(summarizeFile(file), `${summarizeRun(plain)} · ${summarizeRun(deep)}`);
  assert.equal(summarizeFile({ file: 'bad.grad', runs: [], diagnostics: [
    { severity: 'error', code: 'GRAD0001', message: 'x', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } },
    { severity: 'warning', code: 'GRAD0500', message: 'w', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }] }),
  'bad.grad: 1 error, nothing ran');
});

