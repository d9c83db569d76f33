// The gradient-flow panel under the stubbed `vscode`: a webview beside the editor with scripts on and resources
// only from the extension's dist/webview and media, and refreshes from the server when a run finishes or the
// server's analysis of the shown document is ready (debounced), keeping the last charts while none are new.
import { compiledSrc, recorded, resetRecorded, setActiveEditor } from './fakeVscode';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import * as fakeTimers from './fakeTimers';
import type { FileResults, RunResult } from '../../src/runResults';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { GradientFlowPanel, REFRESH_DEBOUNCE_MS, STALE_NOTICE } = require(path.join(compiledSrc, 'panel', 'gradientFlowPanel')) as typeof import('../../src/panel/gradientFlowPanel');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require(path.join(compiledSrc, 'extension')) as typeof import('../../src/extension');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVER_PATH_ENV } = require(path.join(compiledSrc, 'serverResolution')) as typeof import('../../src/serverResolution');

const plain: RunResult = { name: 'plain', kind: 'minimize', optimizer: { name: 'sgd' }, stepsTaken: 1, final: { cost: 0.5, params: { w: 0.5 } },
  trace: [{ step: 0, cost: 1, gradient: { w: 2 } }, { step: 1, cost: 0.5, gradient: { w: 1 } }] };
const results = (runs: RunResult[]): FileResults => ({ file: '/w/seed.grad', diagnostics: [], runs });
const flush = () => new Promise((resolve) => setImmediate(resolve));
const uri = 'file:///w/seed.grad';

beforeEach(() => resetRecorded());
afterEach(() => fakeTimers.reset());

test('the panel opens beside the editor with scripts on, resources only from dist/webview and media, the bundled script by nonce', () => {
  const panel = new GradientFlowPanel('/ext', async () => null);
  panel.show(results([plain]), uri);
  assert.equal(recorded.panels.length, 1);
  const created = recorded.panels[0] as { title: string; options: { enableScripts: boolean; localResourceRoots: { fsPath: string }[] }; webview: { html: string } };
  assert.equal(created.options.enableScripts, true);
  assert.deepEqual(created.options.localResourceRoots.map((r) => r.fsPath), [path.join('/ext', 'dist', 'webview'), path.join('/ext', 'media')]);
  assert.equal(created.title, 'Gradient Flow: seed.grad');
  const nonce = created.webview.html.match(/nonce-([A-Za-z0-9+/=]+)/)![1];
  assert.ok(created.webview.html.includes(`<script nonce="${nonce}" src="vscode-webview://resource${path.join('/ext', 'dist', 'webview', 'gradientFlow.js')}">`));
  const firstHtml = created.webview.html;
  panel.show(results([plain]), uri);
  assert.equal(recorded.panels.length, 1, 'reused');
  assert.notEqual(created.webview.html.match(/nonce-([A-Za-z0-9+/=]+)/)![1], nonce, 'a new nonce per render');
  assert.notEqual(created.webview.html, firstHtml);
  assert.equal(panel.uri, uri);
});

test('refreshes are debounced, only for the shown document, and keep the last charts while the server has no results', async () => {
  fakeTimers.enable();
  const fetched: string[] = [];
  let answer: FileResults | null = results([{ ...plain, name: 'second' }]);
  const panel = new GradientFlowPanel('/ext', async (u) => { fetched.push(u); return answer; });
  panel.refreshSoon(uri);
  fakeTimers.tick(REFRESH_DEBOUNCE_MS);
  await flush();
  assert.deepEqual(fetched, [], 'no panel, nothing to refresh');

  panel.show(results([plain]), uri);
  const html = () => recorded.panels[0].webview.html;
  panel.refreshSoon('file:///w/other.grad');
  panel.refreshSoon(uri);
  panel.refreshSoon(uri);
  panel.refreshSoon(); // a run finished somewhere
  fakeTimers.tick(REFRESH_DEBOUNCE_MS - 1);
  await flush();
  assert.deepEqual(fetched, []);
  fakeTimers.tick(1);
  await flush();
  assert.deepEqual(fetched, [uri], 'one request for the burst, for the shown document only');
  assert.match(html(), /run second/);

  answer = results([]); // edited: the server has no results for the new text yet
  panel.refreshSoon(uri);
  fakeTimers.tick(REFRESH_DEBOUNCE_MS);
  await flush();
  assert.match(html(), /run second/, 'the last charts stay');
  assert.ok(html().includes(STALE_NOTICE.replace(/"/g, '&quot;')));

  answer = { ...results([]), diagnostics: [{ severity: 'error', code: 'GRAD0001', message: 'oops', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }] };
  panel.refreshSoon(uri);
  fakeTimers.tick(REFRESH_DEBOUNCE_MS);
  await flush();
  assert.match(html(), /oops/, 'errors replace the charts');
  assert.ok(!/run second/.test(html()));
});

test('in the extension: the server\'s "ready" for the shown document asks grad/runResults again', async () => {
  const saved = process.env[SERVER_PATH_ENV];
  process.env[SERVER_PATH_ENV] = __filename; // any existing file: the fake client does not start it
  try {
    await extension.activate({ subscriptions: [], extensionPath: '/ext' } as unknown as import('vscode').ExtensionContext);
    setActiveEditor('grad', uri, 'run plain {\n}\n', 0);
    const client = recorded.clients[0];
    client.responses.set('grad/runResults', results([plain]));
    await recorded.commands.get('grad.showGradientFlow')!();
    assert.equal(recorded.panels.length, 1);
    assert.match(recorded.panels[0].webview.html, /id="chart-cost-0"/);
    client.requestsSent.length = 0;
    fakeTimers.enable();
    client.responses.set('grad/runResults', results([{ ...plain, name: 'edited' }]));
    const notify = client.notificationHandlers.get('grad/analysisState')!;
    notify({ uri, state: 'analysing' });
    notify({ uri: 'file:///w/other.grad', state: 'ready' });
    fakeTimers.tick(REFRESH_DEBOUNCE_MS);
    await flush();
    assert.deepEqual(client.requestsSent, [], 'not for "analysing", nor for another document');
    notify({ uri, state: 'ready' });
    fakeTimers.tick(REFRESH_DEBOUNCE_MS);
    await flush();
    assert.deepEqual(client.requestsSent, [{ method: 'grad/runResults', params: { uri } }]);
    assert.match(recorded.panels[0].webview.html, /run edited/);
  } finally {
    if (saved === undefined) delete process.env[SERVER_PATH_ENV]; else process.env[SERVER_PATH_ENV] = saved;
    await extension.deactivate();
  }
});
