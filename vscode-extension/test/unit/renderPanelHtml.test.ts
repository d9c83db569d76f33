// The gradient-flow page: a strict Content-Security-Policy, the one script by nonce, nothing remote, the user's
// text escaped, one placeholder per chart, and the h2 + p + table per run that the e2e test reads. The data is the
// server's (test/fixtures/*-panel.json, written by the runtime's PanelChartsTests), shown as it is.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { PanelData } from '../../src/panel/panelData';
import { summarizePanel } from '../../src/panel/panelData';
import { CHART_DATA_ELEMENT_ID, renderPanelHtml } from '../../src/panel/renderPanelHtml';

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'test', 'fixtures', name), 'utf8')) as PanelData;
const seed = fixture('seed-panel.json');
const options = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'bm9uY2Utb2YtdGhlLXRlc3Q=',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/gradientFlow.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/gradientFlow.css',
};
const html = renderPanelHtml(seed, options);

function csp(page: string): Map<string, string[]> {
  const metas = [...page.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/g)];
  assert.equal(metas.length, 1, 'one CSP meta element');
  const content = metas[0][1].replace(/&#39;/g, "'");
  return new Map(content.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
}

test('the Content-Security-Policy allows nothing by default, scripts only by nonce, styles and images only from the webview', () => {
  const policy = csp(html);
  assert.deepEqual(policy.get('default-src'), ["'none'"]);
  assert.deepEqual(policy.get('script-src'), [`'nonce-${options.nonce}'`]);
  assert.deepEqual(policy.get('style-src'), [options.cspSource], 'no inline styles either');
  assert.deepEqual(policy.get('img-src'), [options.cspSource, 'data:']);
  for (const [name, values] of policy) {
    for (const v of values) assert.ok(!["'unsafe-inline'", "'unsafe-eval'", '*', 'http:', 'https:'].includes(v), `${name} ${v}`);
  }
  assert.ok(!/connect-src|frame-src/.test(html), 'no fetches, no frames (default-src none)');
  assert.ok(!/ style="/.test(html), 'no inline style attributes (the CSP would block them)');
  assert.ok(!/<style/.test(html), 'no style elements');
});

test('the only script that runs is the bundled one, carrying the nonce; the chart data is a JSON block', () => {
  const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]);
  assert.deepEqual(scripts, [` type="application/json" id="${CHART_DATA_ELEMENT_ID}"`, ` nonce="${options.nonce}" src="${options.scriptUri}"`]);
  assert.ok(html.includes(`<link rel="stylesheet" href="${options.styleUri}">`));
  assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handlers');
  const json = html.match(/<script type="application\/json"[^>]*>([^]*?)<\/script>/)![1];
  assert.deepEqual(JSON.parse(json), seed, 'the block parses back to the server\'s data, unchanged');
});

test('nothing remote: every URL in the page is the webview\'s own', () => {
  const urls = [...html.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]*/gi)].map((m) => m[0]);
  assert.ok(urls.length > 0);
  for (const url of urls) assert.ok(url.startsWith(options.cspSource), url);
});

test('one placeholder per chart, in the data\'s order; the body class only when a theme is given', () => {
  const ids = [...html.matchAll(/<figure class="grad-chart grad-chart-(line|heatmap|path)" id="chart-([^"]+)"/g)].map((m) => m[2]);
  assert.deepEqual(ids, seed.sections.flatMap((s) => s.charts.map((c) => c.id)));
  assert.ok(html.includes('<body>'));
  assert.ok(renderPanelHtml(seed, { ...options, theme: 'dark' }).includes('<body class="vscode-dark">'));
  assert.ok(renderPanelHtml(seed, { ...options, theme: 'light' }).includes('<body class="vscode-light">'));
});

test('each run has its heading, final line and table of numbers (h2 + p + table), as the server wrote them', () => {
  const deep = html.match(/<h2>run deep <small>[^<]*<\/small><\/h2><p>final loss ([^<]*)<\/p><table>([^]*?)<\/table>/);
  assert.ok(deep, 'run deep: h2 + p + table');
  assert.equal(deep[1], '0.001628');
  const rows = [...deep[2].matchAll(/<tbody>([^]*)<\/tbody>/g)][0][1].trim().split('\n');
  assert.equal(rows.length, 9);
  assert.match(rows[0], /<td>1<\/td><td>1<\/td><td>sigmoid<\/td><td class="num">1.997e-10<\/td>/, '‖δ¹‖ initial is the fourth column');
  assert.match(rows[8], /<td>9 out<\/td>/);
  assert.match(html, /<h2>run plain <small>minimize, sgd: 1000 steps, cost 1.352e-4, w1 = 0.3677, w2 = 0<\/small><\/h2><p>final cost 1.352e-4<\/p><table>/);
  assert.match(html, /<h1>Gradient flow: seed.grad<\/h1>/);
});

test('the first render, before any run: each network\'s gradient flow at its initial weights, and how to get more', () => {
  const initial = fixture('initial-panel.json');
  const page = renderPanelHtml(initial, options);
  assert.match(page, /No run results for this file yet/);
  const captions = [...page.matchAll(/<figcaption>([^<]*)<\/figcaption>/g)].map((m) => m[1]);
  assert.deepEqual(captions, [
    'network sigmoid_normal: gradient flow per layer', 'network relu_normal: gradient flow per layer',
    'network sigmoid_xavier: gradient flow per layer', 'network relu_he: gradient flow per layer',
    '‖δ^l‖ per layer at the initial weights, every network']);
  assert.equal(summarizePanel(initial), 'deep_chain.grad: no runs');
});

test('the user\'s text is escaped, in the markup and in the JSON block', () => {
  const evil: PanelData = {
    file: '/w/a<b>.grad',
    errors: ['1:1 GRAD0001 <img src=x onerror=alert(1)>'],
    runCount: 1,
    sections: [{
      title: 'run </script><script>alert(1)</script>', run: '</script><script>alert(1)</script>', kind: 'minimize', optimizer: 'sgd', summary: '<b>',
      table: { caption: 'final cost 1', header: ['<p>'], rows: [['<i>']], numericFrom: 1 },
      charts: [{ kind: 'line', id: 'x', title: 't', xLabel: 'step', yLabel: 'cost', logY: false, xs: [0], series: [{ label: '</script><script>alert(1)</script>', values: [1], texts: ['1'] }] }],
    }],
  };
  const page = renderPanelHtml(evil, { ...options, notice: 'a <b>notice</b>' });
  assert.ok(page.includes('Gradient flow: a&lt;b&gt;.grad'));
  assert.ok(page.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(page.includes('<p class="grad-notice">a &lt;b&gt;notice&lt;/b&gt;</p>'));
  assert.ok(page.includes('<th>&lt;p&gt;</th>') && page.includes('<td>&lt;i&gt;</td>'));
  assert.equal([...page.matchAll(/<script/g)].length, 2, 'no script element from the run name');
  assert.equal([...page.matchAll(/<\/script>/g)].length, 2);
  const json = page.match(/<script type="application\/json"[^>]*>([^]*?)<\/script>/)![1];
  assert.equal(JSON.parse(json).sections[0].charts[0].series[0].label, '</script><script>alert(1)</script>');
});

test('summaries: each run\'s line from the server, or why nothing ran', () => {
  assert.equal(summarizePanel(seed).split(' · ')[0], 'plain: 1000 steps, cost 1.352e-4, w1 = 0.3677, w2 = 0');
  assert.equal(summarizePanel(seed).split(' · ').length, 4);
  assert.equal(summarizePanel({ file: 'bad.grad', errors: ['1:1 GRAD0001 x', '2:1 GRAD0001 y'], runCount: 0, sections: [] }), 'bad.grad: 2 errors, nothing ran');
});
