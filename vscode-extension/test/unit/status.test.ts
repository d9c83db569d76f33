import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnalysisStateParams, documentState, statusView } from '../../src/status';

test('each state has its own text; "Grad: ready" is what UI tests wait for', () => {
  const texts = (['starting', 'ready', 'analysing', 'error', 'stopped'] as const).map((s) => statusView(s).text);
  assert.equal(new Set(texts).size, texts.length);
  assert.ok(statusView('ready').text.endsWith('Grad: ready'));
  assert.ok(statusView('error', 'boom').isError);
  assert.equal(statusView('error', 'boom').tooltip, 'boom');
});

test('a document the server sent no state for is ready; otherwise its last state', () => {
  const states = new Map<string, AnalysisStateParams>([['file:///a.grad', { uri: 'file:///a.grad', state: 'analysing' }]]);
  assert.deepEqual(documentState(states, 'file:///a.grad'), { state: 'analysing', message: undefined });
  assert.deepEqual(documentState(states, 'file:///b.grad'), { state: 'ready' });
  assert.deepEqual(documentState(states, undefined), { state: 'ready' });
});
