// The what-if webview (renderWhatIfHtml + dist/webview/whatIf.js) in headless Chromium, fed the server's own answers
// (test/fixtures/whatif-file.json: run `fit` as the file says; whatif-lr.json: with lr = 0.5; both written by the
// server's WhatIfTests with GRAD_UPDATE_BASELINES=1). Checks that the knobs are built from the answer (sliders over
// the server's stops with their texts, a picker, the unavailable ones saying why), that moving the learning-rate
// slider posts the what-if with that stop's value, that the overlay (run and what-if) is drawn on both charts and
// changes with the next answer, that Apply posts the values, and that an error is shown. Screenshot in artifacts/webview/.
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { test, before, after } = require('node:test');

const EXT = path.resolve(__dirname, '..', '..');
const ROOT = path.resolve(EXT, '..');
const E2E_DIR = process.env.GRAD_E2E_DIR || path.join(os.homedir(), '.cache', 'grad-e2e');
const PLAYWRIGHT = path.join(E2E_DIR, 'tools', 'node_modules', 'playwright-core');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const OUT = path.resolve(process.env.OUT_DIR || path.join(ROOT, 'artifacts', 'webview'));

const missing = !fs.existsSync(PLAYWRIGHT) ? `playwright-core not installed in ${PLAYWRIGHT}; run scripts/e2e-setup.sh`
  : !fs.existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}; apt-get install chromium` : undefined;
if (missing) console.log(`skipped what-if webview test: ${missing}`);

const fixture = (name) => JSON.parse(fs.readFileSync(path.join(EXT, 'test', 'fixtures', name), 'utf8'));

let browser;
let page;
const consoleMessages = [];

before(async () => {
  if (missing) return;
  for (const f of ['dist/webview/whatIf.js', 'dist/webview/whatIf.css', 'out/src/panel/renderWhatIfHtml.js']) {
    assert.ok(fs.existsSync(path.join(EXT, f)), `${f} is missing: run npm run build and npm run build:tests in vscode-extension`);
  }
  const { renderWhatIfHtml } = require(path.join(EXT, 'out/src/panel/renderWhatIfHtml.js'));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grad-whatif-'));
  for (const f of ['whatIf.js', 'whatIf.css']) fs.copyFileSync(path.join(EXT, 'dist', 'webview', f), path.join(dir, f));
  const url = (f) => `file://${path.join(dir, f)}`;
  fs.writeFileSync(path.join(dir, 'whatif.html'), renderWhatIfHtml('fit', 'whatif.grad',
    { cspSource: 'file:', nonce: 'dGVzdC1ub25jZS01Njc4', scriptUri: url('whatIf.js'), styleUri: url('whatIf.css'), theme: 'dark' }));

  const { chromium } = require(PLAYWRIGHT);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  page = await browser.newPage({ viewport: { width: 1100, height: 1000 }, deviceScaleFactor: 1 });
  page.on('console', (m) => consoleMessages.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleMessages.push(`pageerror: ${e.message}`));
  // VS Code's webview API as the script uses it: what it posts is kept for the test.
  await page.addInitScript(() => {
    window.posted = [];
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(JSON.parse(JSON.stringify(m))), getState() {}, setState() {} });
  });
  await page.goto(url('whatif.html'));
});

after(async () => { await browser?.close(); });

const answer = (data) => page.evaluate((message) => window.postMessage(message, '*'), { type: 'answer', answer: data });
const posted = () => page.evaluate(() => window.posted);

async function canvasInk(id) {
  return page.evaluate((chartId) => {
    const canvas = document.querySelector(`#chart-${chartId} canvas`);
    if (!canvas) return { drawn: 0, colours: 0 };
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    const colours = new Set();
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] === 0) continue;
      drawn++;
      colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    }
    return { drawn, colours: colours.size, pixels: Array.from(pixels.filter((_, i) => i % 97 === 0)).join(',') };
  }, id);
}

const legend = (id) => page.$$eval(`#chart-${id} .u-legend tr`, (rows) => rows.map((r) => [r.querySelector('th')?.textContent.trim(), r.querySelector('td')?.textContent.trim()]));

test('the first answer builds the knobs from the server and draws the run and the what-if on each chart', { skip: missing }, async () => {
  assert.deepEqual(await posted(), [{ type: 'ready' }], 'the page says it is listening before anything is sent to it');
  const file = fixture('whatif-file.json');
  await answer(file);
  await page.waitForSelector('body[data-answers="1"]', { timeout: 10000 });
  const lr = file.knobs.find((k) => k.name === 'lr');
  assert.equal(await page.locator('#knob-lr').getAttribute('max'), String(lr.stops.length - 1));
  assert.equal(Number(await page.locator('#knob-lr').inputValue()), lr.stops.findIndex((s) => s.value === lr.value));
  assert.equal(await page.locator('#knob-lr-value').innerText(), '0.1');
  assert.equal(await page.locator('#knob-depth-value').innerText(), '2');
  assert.equal(await page.locator('#knob-activation').inputValue(), 'tanh');
  for (const chart of file.charts) {
    const ink = await canvasInk(chart.id);
    assert.ok(ink.drawn > 1000 && ink.colours >= 3, `${chart.id}: ${ink.drawn} pixels, ${ink.colours} colours`);
  }
  assert.deepEqual((await legend('whatif-curve')).map(([label]) => label), ['step', 'run fit', 'what-if (as the file says)']);
  assert.deepEqual((await legend('whatif-deltas')).map(([label]) => label).slice(1),
    ['‖δˡ‖ initial, run fit', '‖δˡ‖ after training, run fit', '‖δˡ‖ initial, what-if', '‖δˡ‖ after training, what-if']);
  assert.match(await page.locator('#grad-summaries').innerText(), /run fit: 40 steps, loss [0-9.]+/);
  assert.deepEqual(consoleMessages.filter((m) => m.startsWith('error') || m.startsWith('pageerror')), []);
});

test('moving the learning-rate slider posts a what-if with that stop\'s value; the next answer changes the overlay', { skip: missing }, async () => {
  const file = fixture('whatif-file.json');
  const lr = file.knobs.find((k) => k.name === 'lr');
  const target = lr.stops.findIndex((s) => s.value === 0.5);
  assert.ok(target > 0, 'the server offers lr = 0.5 among the stops');
  const before = await canvasInk('whatif-curve');
  await page.locator('#knob-lr').fill(String(target));
  assert.equal(await page.locator('#knob-lr-value').innerText(), '0.5');
  assert.deepEqual((await posted()).at(-1), { type: 'whatIf', overrides: { lr: 0.5 } });
  assert.equal(await page.evaluate(() => document.body.dataset.pending), 'yes');

  await answer(fixture('whatif-lr.json'));
  await page.waitForSelector('body[data-answers="2"]', { timeout: 10000 });
  assert.equal(await page.evaluate(() => document.body.dataset.label), 'lr = 0.5');
  assert.equal(await page.locator('#knob-lr-value').innerText(), '0.5', 'the slider stays where it was moved');
  assert.deepEqual((await legend('whatif-curve')).map(([label]) => label), ['step', 'run fit', 'what-if (lr = 0.5)']);
  assert.notEqual((await canvasInk('whatif-curve')).pixels, before.pixels, 'the what-if curve is drawn anew');
  assert.match(await page.locator('#grad-summaries').innerText(), /what-if \(lr = 0\.5\): 40 steps, loss/);
  fs.mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, 'whatif-panel.png'), fullPage: true });
});

test('Apply posts the values; an error from the server is shown', { skip: missing }, async () => {
  await page.locator('#knob-activation').selectOption('relu');
  assert.deepEqual((await posted()).at(-1), { type: 'whatIf', overrides: { lr: 0.5, activation: 'relu' } });
  await page.locator('#grad-apply').click();
  assert.deepEqual((await posted()).at(-1), { type: 'apply', overrides: { lr: 0.5, activation: 'relu' } });
  await page.evaluate(() => window.postMessage({ type: 'error', message: 'the learning rate must be a number above 0, not 0' }, '*'));
  await page.waitForSelector('#grad-status.grad-error');
  assert.equal(await page.locator('#grad-status').innerText(), 'the learning rate must be a number above 0, not 0');
  await page.locator('#grad-reset').click();
  assert.deepEqual((await posted()).at(-1).overrides, {});
});
