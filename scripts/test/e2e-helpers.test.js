// The e2e test's own parsing: reading ‖δ‖ out of hover text and comparing it with the CLI's number.
'use strict';
const assert = require('node:assert/strict');
const { test } = require('node:test');
const { hoverDeltaNorm, agreesToShownPrecision, inspectDeltaNorm } = require('../e2e-test.js');

test('‖δ‖ after the several notations a hover may use', () => {
  assert.deepEqual(hoverDeltaNorm('layer 9 of 9\n‖δ⁹‖\t0.0213\n‖∂C/∂W⁹‖\t0.01'), { shown: '0.0213', value: 0.0213 });
  assert.deepEqual(hoverDeltaNorm('‖δ‖ = 3.2e-4'), { shown: '3.2e-4', value: 3.2e-4 });
  assert.deepEqual(hoverDeltaNorm('| ‖δ^9‖ | 1.5E-3 |'), { shown: '1.5E-3', value: 1.5e-3 });
  assert.deepEqual(hoverDeltaNorm('‖δˡ‖: .5'), { shown: '.5', value: 0.5 });
  assert.equal(hoverDeltaNorm('‖δ⁹‖/‖δ⁹‖ 1'), null, 'a ratio is not ‖δ‖');
  assert.equal(hoverDeltaNorm('no numbers here'), null);
});

test('agreement to the precision shown', () => {
  assert.ok(agreesToShownPrecision('0.0213', 0.021349));
  assert.ok(!agreesToShownPrecision('0.0213', 0.02136));
  assert.ok(agreesToShownPrecision('3.21e-4', 3.2149e-4));
  assert.ok(!agreesToShownPrecision('3.21e-4', 3.216e-4));
  assert.ok(agreesToShownPrecision('3.2e-4', 3.2e-4));
  assert.ok(!agreesToShownPrecision('3.2e-4', -3.2e-4));
  assert.ok(agreesToShownPrecision('1000', 1000.4));
});

test('the layer\'s ‖δ‖ from grad inspect\'s JSON, whatever wraps the networks', () => {
  const json = { file: 'seed.grad', networks: [{ name: 'other', layers: [] }, { name: 'chain', layers: [
    { index: 8, deltaNorm: 0.1 }, { index: 9, deltaNorm: 0.0213 }] }] };
  assert.equal(inspectDeltaNorm(json, 'chain', 9), 0.0213);
  assert.equal(inspectDeltaNorm({ chain: { name: 'chain', layers: [{ index: 9, deltaNorm: { initial: 2e-3, final: 1e-3 } }] } }, 'chain', 9), 2e-3);
  assert.throws(() => inspectDeltaNorm({ networks: [] }, 'chain', 9), /no network "chain"/);
});
