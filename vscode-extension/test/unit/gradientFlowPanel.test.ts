// The gradient-flow panel under the stubbed `vscode`: a webview beside the editor with scripts on and resources
// only from the extension's dist/webview and media, drawing the server's panel data (grad/panel) as soon as it
// opens (before any run: each network at its initial weights), and refreshing from the server when a run finishes
// or the server's analysis of the shown document is ready (debounced), keeping the last charts while none are new.
import { compiledSrc, recorded, resetRecorded, setActiveEditor } from './fakeVscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import * as fakeTimers from './fakeTimers';
import type { PanelData } from '../../src/panel/panelData';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { GradientFlowPanel, LIVE_REDRAW_MS, REFRESH_DEBOUNCE_MS, STALE_NOTICE, liveNotice } = require(path.join(compiledSrc, 'panel', 'gradientFlowPanel')) as typeof import('../../src/panel/gradientFlowPanel');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require(path.join(compiledSrc, 'extension')) as typeof import('../../src/extension');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SERVER_PATH_ENV } = require(path.join(compiledSrc, 'serverResolution')) as typeof import('../../src/serverResolution');

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', name), 'utf8')) as PanelData;
/** The server's panel for examples/deep_chain.grad before any run (written by the runtime's PanelChartsTests). */
const initial = fixture('initial-panel.json');
/** A panel with one minimize run per name. */
const withRuns = (...names: string[]): PanelData => ({
  file: '/w/seed.grad', errors: [], runCount: names.length,
  sections: names.map((name) => ({
    title: `run ${name}`, run: name, kind: 'minimize', optimizer: 'sgd', summary: '1 step, cost 0.5, w = 0.5',
    table: { caption: 'final cost 0.5', header: ['parameter', 'final value', 'final gradient'], rows: [['w', '0.5', '1']], numericFrom: 1 },
    charts: [{ kind: 'line', id: `gradient-${name}`, title: `run ${name}: gradient components`, xLabel: 'step', yLabel: '|∂f/∂p|', logY: false,
      xs: [0, 1], series: [{ label: '|∂f/∂w|', values: [2, 1], texts: ['2', '1'] }] }],
  })),
});
const flush = () => new Promise((resolve) => setImmediate(resolve));
const uri = 'file:///w/seed.grad';

beforeEach(() => resetRecorded());
afterEach(() => fakeTimers.reset());

test('the panel opens beside the editor with scripts on, resources only from dist/webview and media, the bundled script by nonce', async () => {
  const panel = new GradientFlowPanel('/ext', async () => withRuns('plain'));
  assert.equal(await panel.show(uri), true);
  assert.equal(recorded.panels.length, 1);
  const created = recorded.panels[0] as { title: string; options: { enableScripts: boolean; localResourceRoots: { fsPath: string }[] }; webview: { html: string } };
  assert.equal(created.options.enableScripts, true);
  assert.deepEqual(created.options.localResourceRoots.map((r) => r.fsPath), [path.join('/ext', 'dist', 'webview'), path.join('/ext', 'media')]);
  assert.equal(created.title, 'Gradient Flow: seed.grad');
  const nonce = created.webview.html.match(/nonce-([A-Za-z0-9+/=]+)/)![1];
  assert.ok(created.webview.html.includes(`<script nonce="${nonce}" src="vscode-webview://resource${path.join('/ext', 'dist', 'webview', 'gradientFlow.js')}">`));
  const firstHtml = created.webview.html;
  await panel.show(uri);
  assert.equal(recorded.panels.length, 1, 'reused');
  assert.notEqual(created.webview.html.match(/nonce-([A-Za-z0-9+/=]+)/)![1], nonce, 'a new nonce per render');
  assert.notEqual(created.webview.html, firstHtml);
  assert.equal(panel.uri, uri);
});

test('the first render, before any run, draws each network\'s ‖δˡ‖ at its initial weights from the server\'s data', async () => {
  const asked: string[] = [];
  const panel = new GradientFlowPanel('/ext', async (u) => { asked.push(u); return initial; });
  assert.equal(await panel.show(uri), true);
  assert.deepEqual(asked, [uri]);
  const html = recorded.panels[0].webview.html;
  assert.match(html, /No run results for this file yet/);
  for (const network of ['sigmoid_normal', 'relu_normal', 'sigmoid_xavier', 'relu_he']) {
    assert.ok(html.includes(`<figcaption>network ${network}: gradient flow per layer</figcaption>`), network);
  }
  const json = JSON.parse(html.match(/<script type="application\/json"[^>]*>([^]*?)<\/script>/)![1]) as PanelData;
  assert.deepEqual(json, initial, 'the server\'s data goes to the webview unchanged');
  const sigmoid = json.sections[0].charts[0];
  assert.ok(sigmoid.kind === 'line' && sigmoid.logY && sigmoid.series[0].label === '‖δ^l‖ initial' && sigmoid.series[0].texts.length === 10);
});

test('no panel when the server has nothing for the document', async () => {
  const panel = new GradientFlowPanel('/ext', async () => null);
  assert.equal(await panel.show(uri), false);
  assert.equal(recorded.panels.length, 0);
});

test('refreshes are debounced, only for the shown document, and keep the last charts while the server has no results', async () => {
  fakeTimers.enable();
  const fetched: string[] = [];
  let answer: PanelData | null = withRuns('plain');
  const panel = new GradientFlowPanel('/ext', async (u) => { fetched.push(u); return answer; });
  panel.refreshSoon(uri);
  fakeTimers.tick(REFRESH_DEBOUNCE_MS);
  await flush();
  assert.deepEqual(fetched, [], 'no panel, nothing to refresh');

  await panel.show(uri);
  fetched.length = 0;
  answer = withRuns('second');
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

  answer = { ...initial, file: '/w/seed.grad' }; // edited: the server has no results for the new text yet
  panel.refreshSoon(uri);
  fakeTimers.tick(REFRESH_DEBOUNCE_MS);
  await flush();
  assert.match(html(), /run second/, 'the last charts stay');
  assert.ok(html().includes(STALE_NOTICE.replace(/"/g, '&quot;')));

  answer = { file: '/w/seed.grad', errors: ['1:1 GRAD0001 oops'], runCount: 0, sections: [] };
  panel.refreshSoon(uri);
  fakeTimers.tick(REFRESH_DEBOUNCE_MS);
  await flush();
  assert.match(html(), /oops/, 'errors replace the charts');
  assert.ok(!/run second/.test(html()));
});

test('in the extension: Show Gradient Flow opens at once with grad/panel, and the server\'s "ready" asks again', async () => {
  const saved = process.env[SERVER_PATH_ENV];
  process.env[SERVER_PATH_ENV] = __filename; // any existing file: the fake client does not start it
  try {
    await extension.activate({ subscriptions: [], extensionPath: '/ext' } as unknown as import('vscode').ExtensionContext);
    setActiveEditor('grad', uri, 'network n {\n}\n', 0);
    const client = recorded.clients[0];
    client.responses.set('grad/panel', initial);
    await recorded.commands.get('grad.showGradientFlow')!();
    assert.equal(recorded.panels.length, 1);
    assert.deepEqual(client.requestsSent.map((r) => r.method), ['grad/panel'], 'nothing runs: the panel shows what the server has');
    assert.match(recorded.panels[0].webview.html, /id="chart-flow-0"/);
    client.requestsSent.length = 0;
    fakeTimers.enable();
    client.responses.set('grad/panel', withRuns('edited'));
    const notify = client.notificationHandlers.get('grad/analysisState')!;
    notify({ uri, state: 'analysing' });
    notify({ uri: 'file:///w/other.grad', state: 'ready' });
    fakeTimers.tick(REFRESH_DEBOUNCE_MS);
    await flush();
    assert.deepEqual(client.requestsSent, [], 'not for "analysing", nor for another document');
    notify({ uri, state: 'ready' });
    fakeTimers.tick(REFRESH_DEBOUNCE_MS);
    await flush();
    assert.deepEqual(client.requestsSent, [{ method: 'grad/panel', params: { uri } }]);
    assert.match(recorded.panels[0].webview.html, /run edited/);
  } finally {
    if (saved === undefined) delete process.env[SERVER_PATH_ENV]; else process.env[SERVER_PATH_ENV] = saved;
    await extension.deactivate();
  }
});

test('a live run is posted to the page, which draws it in place: no new HTML while it goes, at most every LIVE_REDRAW_MS', async () => {
  fakeTimers.enable();
  let answer: PanelData = withRuns('plain');
  const panel = new GradientFlowPanel('/ext', async () => answer);
  await panel.show(uri);
  const webview = recorded.panels[0].webview;
  const page = webview.html;
  const live = (step: number) => withRuns(`fit-${step}`);

  // Before the page's script listens, the latest update waits for its "ready".
  panel.showLive(uri, live(1), 'step 1 of 9', false);
  assert.deepEqual(webview.posted, []);
  webview.receive({ type: 'ready' });
  assert.deepEqual(webview.posted, [{ type: 'panel', data: live(1), notice: liveNotice('step 1 of 9') }]);

  const realNow = Date.now;
  let now = realNow();
  Date.now = () => now;
  try {
    now += LIVE_REDRAW_MS;
    panel.showLive(uri, live(2), 'step 2 of 9', false);
    panel.showLive(uri, live(3), 'step 3 of 9', false); // within LIVE_REDRAW_MS of the last: skipped
    panel.showLive('file:///w/other.grad', live(4), 'step 4 of 9', false); // another document's run
    now += LIVE_REDRAW_MS;
    panel.showLive(uri, live(5), 'step 5 of 9', false);
    assert.deepEqual(webview.posted.map((m) => (m as { data: PanelData }).data.sections[0].run), ['fit-1', 'fit-2', 'fit-5']);
    assert.equal((webview.posted[2] as { notice: string }).notice, 'Running: step 5 of 9. The charts show the run so far.');
    assert.equal(webview.html, page, 'the page is not reloaded while the run goes');

    // The end: the finished results from the server, as a new page (whose script says "ready" again before updates).
    answer = withRuns('finished');
    panel.showLive(uri, null, 'done', true);
    fakeTimers.tick(REFRESH_DEBOUNCE_MS);
    await flush();
    assert.match(webview.html, /run finished/);
    now += LIVE_REDRAW_MS;
    panel.showLive(uri, live(6), 'step 6 of 9', false);
    assert.equal(webview.posted.length, 3, 'not posted to a page that is still loading');
    webview.receive({ type: 'ready' });
    assert.equal((webview.posted[3] as { data: PanelData }).data.sections[0].run, 'fit-6');
  } finally {
    Date.now = realNow;
  }
});
