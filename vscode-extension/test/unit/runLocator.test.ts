import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { findRunAt, findRunBlocks } from '../../src/runLocator';

const seed = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'examples', 'seed.grad'), 'utf8');

test('finds the four runs of seed.grad in order', () => {
  assert.deepEqual(findRunBlocks(seed).map((b) => b.name), ['plain', 'early', 'adaptive', 'deep']);
});

test('the run around the cursor; none between blocks or in a network', () => {
  const at = (marker: string, delta = 0) => findRunAt(seed, seed.indexOf(marker) + delta)?.name;
  assert.equal(at('until change < 1e-6'), 'plain');
  assert.equal(at('until change < 1e-3'), 'early');
  assert.equal(at('adagrad'), 'adaptive');
  assert.equal(at('epochs 100'), 'deep');
  assert.equal(at('run early'), 'early', 'on the run keyword itself');
  assert.equal(at('repeat 8'), undefined);
  assert.equal(at('cost bowl'), undefined);
});

test('braces and the word run inside comments and strings do not count', () => {
  const text = '// run fake {\n/* run other { */\nrun real {\n  train n on d // }\n  seed 1\n}\ndata d = csv("run x { }", target = "y")\n';
  assert.deepEqual(findRunBlocks(text).map((b) => b.name), ['real']);
  assert.equal(findRunAt(text, text.indexOf('seed 1'))?.name, 'real');
  assert.equal(findRunAt(text, text.indexOf('csv')), undefined);
});

test('an unclosed run block reaches the end of the text', () => {
  const text = 'run typing {\n  steps 1\n';
  assert.equal(findRunAt(text, text.length)?.name, 'typing');
});
