// The gradient-flow webview's page, rendered by renderPanelHtml with the server's panel data for examples/seed.grad
// (test/fixtures/seed-panel.json: the runtime's PanelCharts of a real run, written by PanelChartsTests), in headless
// Chromium (Debian's /usr/bin/chromium, driven by playwright-core from scripts/e2e-setup.sh's cache; no browser is
// ever downloaded). Checks that every chart is drawn, the legends name the runs, hovering shows the server's text of
// the values, dragging and scrolling zoom, the theme switch redraws, the CSP holds with nothing loaded from anywhere
// but the page's own files, and the cost's level sets are drawn behind the paths; and that the first render of a
// file before any run (test/fixtures/initial-panel.json) draws every network's ‖δˡ‖ at its initial weights; and that a
// run's loss landscape (test/fixtures/landscape-panel.json: the server's grad/panel after a code-lens run of
// examples/landscape.grad, written by LandscapeRunTests) draws its 1-D line and its 2-D level sets with the projected path;
// and that a live run's panels posted to the page (test/fixtures/live-panels.json: the runtime's LiveRun panels, what
// grad/runProgress carries, written by PanelChartsTests) are drawn in place: the charts grow, the document stays.
// Saves screenshots to artifacts/webview/.
// Needs: npm run build (dist/webview) and npm run build:tests (out/src). Skips when playwright-core or Chromium is missing.
// Env: GRAD_E2E_DIR (default ~/.cache/grad-e2e), CHROMIUM, OUT_DIR (default artifacts/webview),
//      UPDATE_SCREENSHOT=1 (also copy the screenshot to vscode-extension/images/screenshot-gradient-flow.png).
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
if (missing) console.log(`skipped webview render test: ${missing}`);

const fixture = (name) => JSON.parse(fs.readFileSync(path.join(EXT, 'test', 'fixtures', name), 'utf8'));

let browser;
let page;
let data;
let renderPanelHtml;
const consoleMessages = [];
const requests = [];

before(async () => {
  if (missing) return;
  for (const f of ['dist/webview/gradientFlow.js', 'dist/webview/gradientFlow.css', 'out/src/panel/renderPanelHtml.js']) {
    assert.ok(fs.existsSync(path.join(EXT, f)), `${f} is missing: run npm run build and npm run build:tests in vscode-extension`);
  }
  ({ renderPanelHtml } = require(path.join(EXT, 'out/src/panel/renderPanelHtml.js')));
  data = fixture('seed-panel.json');

  // The page as the webview gets it, with the webview's URIs replaced by files in a temp dir.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grad-webview-'));
  for (const f of ['gradientFlow.js', 'gradientFlow.css']) fs.copyFileSync(path.join(EXT, 'dist', 'webview', f), path.join(dir, f));
  const url = (f) => `file://${path.join(dir, f)}`;
  const html = renderPanelHtml(data, { cspSource: 'file:', nonce: 'dGVzdC1ub25jZS0xMjM0', scriptUri: url('gradientFlow.js'), styleUri: url('gradientFlow.css'), theme: 'dark' });
  // One script without the nonce: the CSP must stop it (proves the policy is in force on this page).
  fs.writeFileSync(path.join(dir, 'panel.html'), html.replace('</body>', '<script>document.body.dataset.inlineScriptRan = "yes"</script></body>'));

  const { chromium } = require(PLAYWRIGHT);
  browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  page.on('console', (m) => consoleMessages.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => consoleMessages.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  // VS Code's webview API, as far as the script uses it: the state that keeps the zoom.
  await page.addInitScript(() => {
    window.savedStates = [];
    window.acquireVsCodeApi = () => ({ getState: () => undefined, setState: (s) => window.savedStates.push(JSON.parse(JSON.stringify(s))), postMessage() {} });
  });
  await page.goto(url('panel.html'));
  await page.waitForSelector('body[data-charts-drawn]', { timeout: 15000 });
});

after(async () => { await browser?.close(); });

const chartIds = () => data.sections.flatMap((s) => s.charts.map((c) => c.id));
const chartById = (id) => data.sections.flatMap((s) => s.charts).find((c) => c.id === id);

/** Canvas pixels that are drawn (not transparent) and the number of distinct colours among them. */
async function canvasInk(id) {
  return page.evaluate((chartId) => {
    const canvas = document.querySelector(`#chart-${chartId} canvas`);
    if (!canvas) return { width: 0, height: 0, drawn: 0, colours: 0 };
    const { width, height } = canvas;
    const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    let drawn = 0;
    const colours = new Set();
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] === 0) continue;
      drawn++;
      colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
    }
    return { width, height, drawn, colours: colours.size, cssWidth: canvas.getBoundingClientRect().width };
  }, id);
}

/** The plotting area of a chart, scrolled into view (mouse coordinates are the viewport's). */
async function plotArea(id) {
  const over = page.locator(`#chart-${id} .u-over`);
  await over.scrollIntoViewIfNeeded();
  return over.boundingBox();
}

/** uPlot's legend of a chart: [label, value] per row, the x row first. */
async function legend(id) {
  return page.$$eval(`#chart-${id} .u-legend tr`, (rows) => rows.map((r) => [r.querySelector('th')?.textContent.trim(), r.querySelector('td')?.textContent.trim()]));
}

test('every chart is drawn: a canvas of non-zero size with ink in several colours', { skip: missing }, async () => {
  assert.equal(await page.evaluate(() => document.body.dataset.chartsDrawn), String(chartIds().length));
  assert.equal(chartIds().length, 8 + 19, 'seed: cost, paths, loss, the network\'s gradient flow, heatmap, three gradient charts; deep\'s health: units, updates, sharpness, δ and W histograms of 8 layers');
  assert.equal(await page.locator('figure.grad-chart canvas').count() >= chartIds().length, true);
  for (const id of chartIds()) {
    const ink = await canvasInk(id);
    assert.ok(ink.width > 200 && ink.height > 100, `${id}: ${ink.width}×${ink.height}`);
    assert.ok(ink.drawn > ink.width * 2, `${id}: ${ink.drawn} drawn pixels`);
    assert.ok(ink.colours >= 3, `${id}: ${ink.colours} colours (axes, grid, series)`);
  }
  const heatmap = await canvasInk('heatmap-3');
  assert.ok(heatmap.colours > 9, `the heatmap has a colour per layer at least: ${heatmap.colours}`);
});

test('the legends name the runs and the series', { skip: missing }, async () => {
  assert.deepEqual((await legend('compared-0')).map(([label]) => label), ['step', 'plain: sgd(lr = 0.5)', 'early: sgd(lr = 0.5)', 'adaptive: adagrad(lr = 0.5)']);
  assert.deepEqual((await legend('compared-2')).map(([label]) => label), ['step', 'deep (chain)']);
  assert.deepEqual((await legend('flow-0')).map(([label]) => label),
    ['layer', '‖δ^l‖ initial', '‖∂C/∂W^l‖ initial', '‖δ^l‖ after deep', '‖∂C/∂W^l‖ after deep']);
  assert.deepEqual((await legend('gradient-0')).map(([label]) => label), ['step', '|∂bowl/∂w1|', '|∂bowl/∂w2|']);
  const pathLabels = await page.$$eval('#chart-paths-1 .u-legend .u-series th', (ths) => ths.map((th) => th.textContent.trim()).filter(Boolean));
  assert.deepEqual(pathLabels, ['plain', 'early', 'adaptive']);
  const captions = await page.locator('figure.grad-chart figcaption').allInnerTexts();
  assert.ok(captions.includes('run deep: log10 ‖δ^l‖ per layer of chain over training'), captions.join(' | '));
});

test('a training run\'s health charts (docs/training.md) are drawn with their series', { skip: missing }, async () => {
  const byTitle = (title) => chartIds().find((id) => chartById(id).title === title);
  const sharpness = byTitle('run deep: sharpness λmax of the loss against the stability limit');
  assert.ok(sharpness, 'the sharpness chart is in deep\'s section');
  assert.deepEqual((await legend(sharpness)).map(([label]) => label), ['step', 'sharpness λmax', 'stability limit (2/lr for plain sgd)']);
  const updates = byTitle('run deep: update/weight ratio ‖ΔWˡ‖/‖Wˡ‖ per layer');
  assert.equal((await legend(updates)).length, 1 + 9, 'the step and one series per layer');
  assert.equal(chartById(updates).logY, true);
  const histogram = byTitle('run deep: histogram of W of layer 9 out (32 bins)');
  assert.deepEqual((await legend(histogram)).map(([label]) => label), ['W⁹', 'step 0', 'step 25', 'step 50', 'step 75', 'step 100']);
  for (const id of [sharpness, updates, histogram]) {
    const ink = await canvasInk(id);
    assert.ok(ink.colours >= 3 && ink.drawn > ink.width * 2, `${id}: ${ink.drawn} drawn pixels in ${ink.colours} colours`);
  }
});

test('the paths chart draws the level sets of bowl behind the paths, over the contour\'s window', { skip: missing }, async () => {
  const chart = chartById('paths-1');
  const contour = chart.contour;
  assert.equal(chart.title, 'cost bowl: level sets and paths');
  const count = String(contour.lines.length);
  assert.ok(contour.lines.length >= 10, `${count} level lines`);
  assert.equal(await page.evaluate(() => document.body.dataset.contourLines), count);
  assert.equal(await page.$eval('#chart-paths-1 .grad-plot', (e) => e.dataset.contourLines), count);
  const captions = await page.locator('figure.grad-chart figcaption').allInnerTexts();
  assert.ok(captions.includes('cost bowl: level sets and paths'), captions.join(' | '));
  assert.match(await page.locator('#chart-paths-1 .grad-note').innerText(), /level sets of bowl, \d+ levels log-spaced/);

  // Points of the level lines away from the paths (w2 = 0, w1 = 1 and the diagonal) have ink at their pixel.
  const { xMin, xMax, yMin, yMax } = contour.window;
  const samples = contour.lines.flatMap((l) => l.xs.map((x, k) => [x, l.ys[k]]).filter((_, k) => k % 7 === 0))
    .filter(([x, y]) => Math.abs(y) > 0.05 && Math.abs(x - 1) > 0.05 && Math.abs(x - y) > 0.05);
  assert.ok(samples.length > 50, `${samples.length} sample points`);
  // And between the two highest levels, above the paths, there is none (no grid behind the level lines either).
  const [below, above] = contour.levels.slice(-2);
  const between = [0.2, 0.3, 0.4, 0.5].map((x) => [x, Math.sqrt(Math.sqrt(below * above) - 0.001 * x * x)]);
  const inkAt = (points) => page.evaluate(({ samples, xMin, xMax, yMin, yMax }) => {
    const canvas = document.querySelector('#chart-paths-1 canvas');
    const over = document.querySelector('#chart-paths-1 .u-over').getBoundingClientRect();
    const at = canvas.getBoundingClientRect();
    const scale = canvas.width / at.width;
    const ctx = canvas.getContext('2d');
    return samples.filter(([x, y]) => {
      const px = Math.round((over.left - at.left + ((x - xMin) / (xMax - xMin)) * over.width) * scale);
      const py = Math.round((over.top - at.top + ((yMax - y) / (yMax - yMin)) * over.height) * scale);
      const pixels = ctx.getImageData(px - 1, py - 1, 3, 3).data;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) return true;
      return false;
    }).length;
  }, { samples: points, xMin, xMax, yMin, yMax });
  const inked = await inkAt(samples);
  assert.ok(inked >= 0.95 * samples.length, `${inked} of ${samples.length} level-line points drawn`);
  assert.equal(await inkAt(between), 0, `nothing drawn between the levels ${below} and ${above}: ${JSON.stringify(between)}`);
});

test('hovering a curve shows the step and the server\'s text of the values in the legend', { skip: missing }, async () => {
  const cost = chartById('compared-0');
  const box = await plotArea('compared-0');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  const rows = await legend('compared-0');
  const step = Number(rows[0][1]);
  assert.ok(Number.isInteger(step) && step > 0, `the hovered step: ${rows[0][1]}`);
  const at = cost.xs.indexOf(step);
  assert.ok(at >= 0 && cost.series[0].values[at] !== null, `plain has step ${step}`);
  assert.equal(rows[1][1], cost.series[0].texts[at], `plain's cost at step ${step}`);
  assert.match(rows[1][1], /^[0-9.]+(e-?\d+)?$/);
  assert.equal(rows[2][1], '–', 'early stopped at step 2: no value');

  const flow = chartById('flow-0');
  const layers = await plotArea('flow-0');
  await page.mouse.move(layers.x + 2, layers.y + layers.height / 2); // the first layer
  const layerRows = await legend('flow-0');
  assert.deepEqual(layerRows[0], ['layer', '1']);
  assert.equal(layerRows[1][1], flow.series[0].texts[0], '‖δ¹‖ initial');
  assert.equal(layerRows[1][1], data.sections.find((s) => s.run === 'deep').table.rows[0][3], 'the same text as the table');
  assert.equal(layerRows[4][1], flow.series[3].texts[0], '‖∂C/∂W¹‖ after training');
});

test('hovering a heatmap cell shows its step, layer and the traced ‖δˡ‖', { skip: missing }, async () => {
  const box = await plotArea('heatmap-3');
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.95); // the bottom row: layer 1
  const text = await page.locator('#chart-heatmap-3 .grad-readout').innerText();
  const match = text.match(/^step (\d+) · layer (\S+) · ‖δˡ‖ = (\S+)/);
  assert.ok(match, text);
  const [, step, layer, value] = match;
  assert.equal(layer, '1');
  const heatmap = chartById('heatmap-3');
  assert.equal(value, heatmap.texts[0][heatmap.steps.indexOf(Number(step))], text);
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.05); // the top row
  assert.match(await page.locator('#chart-heatmap-3 .grad-readout').innerText(), /layer 9 out/);
});

test('hovering a parameter path shows the run, the step and the traced parameters', { skip: missing }, async () => {
  const box = await plotArea('paths-1');
  // The right end of the w1 axis at w2 = 0: plain and early after their first step.
  await page.mouse.move(box.x + box.width - 3, box.y + box.height - 3);
  const text = await page.locator('#chart-paths-1 .grad-readout').innerText();
  const match = text.match(/^(\w+) · step (\d+) · w1 = (\S+), w2 = (\S+)$/);
  assert.ok(match, text);
  const [, run, step, w1, w2] = match;
  const series = chartById('paths-1').series.find((s) => s.label === run);
  const k = series.steps.indexOf(Number(step));
  assert.deepEqual([w1, w2], [series.xTexts[k], series.yTexts[k]], text);
  assert.equal(w2, '0');
});

test('dragging zooms into steps, the wheel zooms, a double-click zooms out; the zoom is kept in the webview state', { skip: missing }, async () => {
  const cost = chartById('compared-0');
  const box = await plotArea('compared-0');
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const zoomOf = async (id) => (await page.evaluate(() => window.savedStates.at(-1)?.zoom ?? {}))[id];
  const range = await zoomOf('compared-0');
  const span = cost.xs.at(-1) - cost.xs[0];
  assert.ok(range, 'a zoomed range is saved');
  assert.ok(Math.abs(range[0] - (cost.xs[0] + 0.2 * span)) < 0.02 * span && Math.abs(range[1] - (cost.xs[0] + 0.4 * span)) < 0.02 * span,
    `zoomed to ${range} of ${cost.xs[0]}…${cost.xs.at(-1)}`);
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.mouse.dblclick(box.x + box.width * 0.5, box.y + box.height / 2);
  assert.equal(await zoomOf('compared-0'), undefined, 'double-click: the whole range again');

  const loss = await plotArea('compared-2');
  await page.mouse.move(loss.x + loss.width * 0.5, loss.y + loss.height / 2);
  await page.mouse.wheel(0, -200);
  await page.waitForTimeout(100);
  const wheel = await zoomOf('compared-2');
  assert.ok(wheel && wheel[1] - wheel[0] < 100, `the wheel zoomed in: ${wheel}`);
  await page.mouse.dblclick(loss.x + loss.width * 0.5, loss.y + loss.height / 2);
});

test('nothing but the page\'s own files is loaded, the CSP stops a script without the nonce, and no errors', { skip: missing }, async () => {
  const foreign = requests.filter((u) => !u.startsWith('file://') && !u.startsWith('data:'));
  assert.deepEqual(foreign, []);
  assert.equal(await page.evaluate(() => document.body.dataset.inlineScriptRan), undefined, 'the inline script without nonce did not run');
  const violations = consoleMessages.filter((m) => /Content Security Policy/i.test(m));
  assert.equal(violations.length, 1, violations.join('\n'));
  assert.match(violations[0], /inline script/i, 'the only violation is the planted inline script (uPlot sets no inline style attributes)');
  const errors = consoleMessages.filter((m) => /^(error|pageerror)/.test(m) && !/Content Security Policy/i.test(m));
  assert.deepEqual(errors, []);
});

test('screenshots (dark theme), then the light theme redraws in its colours', { skip: missing }, async () => {
  fs.mkdirSync(OUT, { recursive: true });
  const full = path.join(OUT, 'gradient-flow.png');
  await page.screenshot({ path: full, fullPage: true });
  // The top of the page down to the heatmap in one viewport, hovering layer 5 of the per-layer chart so
  // that the picture shows the legend's values and the cursor.
  const heatmapBottom = await page.evaluate(() => document.getElementById('chart-heatmap-3').getBoundingClientRect().bottom + window.scrollY);
  await page.setViewportSize({ width: 1200, height: Math.ceil(heatmapBottom + 12) });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(150); // the ResizeObserver's debounce
  const layers = await plotArea('flow-0');
  await page.mouse.move(layers.x + layers.width / 2, layers.y + layers.height / 2);
  const top = path.join(OUT, 'gradient-flow-top.png');
  await page.screenshot({ path: top });
  await page.setViewportSize({ width: 1200, height: 900 });
  for (const f of [full, top]) assert.ok(fs.statSync(f).size > 20000, `${f} is a picture`);
  if (process.env.UPDATE_SCREENSHOT === '1') fs.copyFileSync(top, path.join(EXT, 'images', 'screenshot-gradient-flow.png'));
  console.log(`screenshots: ${full}, ${top}`);

  const marker = () => page.$eval('#chart-compared-0 .u-legend .u-series:nth-child(2) .u-marker', (m) => getComputedStyle(m).borderTopColor);
  const darkMarker = await marker();
  const darkInk = await canvasInk('compared-0');
  await page.evaluate(() => { document.body.className = 'vscode-light'; });
  await page.waitForFunction((before) => {
    const m = document.querySelector('#chart-compared-0 .u-legend .u-series:nth-child(2) .u-marker');
    return m && getComputedStyle(m).borderTopColor !== before;
  }, darkMarker, { timeout: 5000 });
  assert.equal(darkMarker, 'rgb(55, 148, 255)', 'dark: charts.blue');
  assert.equal(await marker(), 'rgb(26, 133, 255)', 'light: charts.blue of the light theme');
  assert.equal(await page.evaluate(() => document.body.dataset.chartsDrawn), String(chartIds().length));
  const lightInk = await canvasInk('compared-0');
  assert.ok(lightInk.drawn > 0 && lightInk.colours >= 3);
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(30, 30, 30)', 'light background');
  await page.screenshot({ path: path.join(OUT, 'gradient-flow-light.png'), fullPage: true });
  void darkInk;
});

test('the first render, before any run: every network\'s ‖δˡ‖ at its initial weights is drawn', { skip: missing }, async () => {
  const initial = fixture('initial-panel.json');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grad-webview-initial-'));
  for (const f of ['gradientFlow.js', 'gradientFlow.css']) fs.copyFileSync(path.join(EXT, 'dist', 'webview', f), path.join(dir, f));
  const url = (f) => `file://${path.join(dir, f)}`;
  fs.writeFileSync(path.join(dir, 'panel.html'), renderPanelHtml(initial, { cspSource: 'file:', nonce: 'dGVzdC1ub25jZS0xMjM0', scriptUri: url('gradientFlow.js'), styleUri: url('gradientFlow.css'), theme: 'dark' }));
  const first = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  try {
    await first.goto(url('panel.html'));
    await first.waitForSelector('body[data-charts-drawn]', { timeout: 15000 });
    const ids = initial.sections.flatMap((s) => s.charts.map((c) => c.id));
    assert.equal(await first.evaluate(() => document.body.dataset.chartsDrawn), String(ids.length));
    assert.equal(ids.length, 5, 'deep_chain: four networks and all of them compared');
    assert.equal(await first.locator('figure.grad-chart canvas').count() >= ids.length, true);
    // Hovering the first layer of sigmoid_normal's chart shows its initial ‖δ¹‖ as the server wrote it.
    const over = first.locator('#chart-flow-0 .u-over');
    const box = await over.boundingBox();
    await first.mouse.move(box.x + 2, box.y + box.height / 2);
    const rows = await first.$$eval('#chart-flow-0 .u-legend tr', (trs) => trs.map((r) => [r.querySelector('th')?.textContent.trim(), r.querySelector('td')?.textContent.trim()]));
    assert.deepEqual(rows[0], ['layer', '1']);
    assert.deepEqual(rows[1], ['‖δ^l‖ initial', initial.sections[0].charts[0].series[0].texts[0]]);
    assert.match(await first.locator('body').innerText(), /No run results for this file yet/);
  } finally {
    await first.close();
  }
});

/** A page of its own for another fixture: the panel's HTML with the bundled script, drawn in dark. */
async function openPanel(panelData, prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const f of ['gradientFlow.js', 'gradientFlow.css']) fs.copyFileSync(path.join(EXT, 'dist', 'webview', f), path.join(dir, f));
  const url = (f) => `file://${path.join(dir, f)}`;
  fs.writeFileSync(path.join(dir, 'panel.html'), renderPanelHtml(panelData, { cspSource: 'file:', nonce: 'dGVzdC1ub25jZS0xMjM0', scriptUri: url('gradientFlow.js'), styleUri: url('gradientFlow.css'), theme: 'dark' }));
  const opened = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 1 });
  await opened.addInitScript(() => {
    window.posted = [];
    window.acquireVsCodeApi = () => ({ getState: () => undefined, setState() {}, postMessage: (m) => window.posted.push(m) });
  });
  const errors = [];
  opened.on('pageerror', (e) => errors.push(e.message));
  opened.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await opened.goto(url('panel.html'));
  await opened.waitForSelector('body[data-charts-drawn]', { timeout: 15000 });
  return { opened, errors };
}

test('a run\'s loss landscape: the line along α and the level sets on the plane with the projected path', { skip: missing }, async () => {
  const landscape = fixture('landscape-panel.json');
  const walk = landscape.sections.find((s) => s.run === 'walk');
  const line = walk.charts.find((c) => c.id === 'landscape-line-0');
  const plane = walk.charts.find((c) => c.id === 'landscape-0');
  assert.ok(line && plane, 'the server sent both landscape charts');
  assert.equal(line.xs.length, 21, 'resolution 21: 21 points along α');
  assert.deepEqual([line.xs[0], line.xs.at(-1)], [-0.5, 1.5]);
  const { opened, errors } = await openPanel(landscape, 'grad-webview-landscape-');
  try {
    const ids = landscape.sections.flatMap((s) => s.charts.map((c) => c.id));
    assert.equal(await opened.evaluate(() => document.body.dataset.chartsDrawn), String(ids.length));
    const captions = await opened.locator('figure.grad-chart figcaption').allInnerTexts();
    assert.ok(captions.includes(line.title) && captions.includes(plane.title), captions.join(' | '));
    const ink = (id) => opened.evaluate((chartId) => {
      const canvas = document.querySelector(`#chart-${chartId} canvas`);
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let drawn = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) drawn++;
      return { width: canvas.width, height: canvas.height, drawn };
    }, id);
    for (const id of ['landscape-line-0', 'landscape-0']) {
      const drawn = await ink(id);
      assert.ok(drawn.width > 200 && drawn.height > 100 && drawn.drawn > drawn.width * 2, `${id}: ${JSON.stringify(drawn)}`);
    }

    // The line: its legend names the run, and hovering a point shows α and the server's text of the loss there.
    await opened.locator('#chart-landscape-line-0 .u-over').scrollIntoViewIfNeeded();
    const lineBox = await opened.locator('#chart-landscape-line-0 .u-over').boundingBox();
    await opened.mouse.move(lineBox.x + lineBox.width * 0.75, lineBox.y + lineBox.height / 2);
    const rows = await opened.$$eval('#chart-landscape-line-0 .u-legend tr', (trs) => trs.map((r) => [r.querySelector('th')?.textContent.trim(), r.querySelector('td')?.textContent.trim()]));
    assert.deepEqual(rows.map(([label]) => label), [line.xLabel, line.series[0].label]);
    const at = line.xs.indexOf(Number(rows[0][1]));
    assert.ok(at >= 0, `hovered α = ${rows[0][1]}`);
    assert.equal(rows[1][1], line.series[0].texts[at], `the loss at α = ${line.xs[at]}`);

    // The plane: every level line is drawn behind the path, and the path's projected points have ink at their pixel.
    const { contour } = plane;
    assert.ok(contour.lines.length >= 10, `${contour.lines.length} level lines`);
    assert.equal(await opened.$eval('#chart-landscape-0 .grad-plot', (e) => e.dataset.contourLines), String(contour.lines.length));
    const inkAt = (points) => opened.evaluate(({ points, window }) => {
      const canvas = document.querySelector('#chart-landscape-0 canvas');
      const over = document.querySelector('#chart-landscape-0 .u-over').getBoundingClientRect();
      const box = canvas.getBoundingClientRect();
      const scale = canvas.width / box.width;
      const ctx = canvas.getContext('2d');
      return points.filter(([x, y]) => {
        const px = Math.round((over.left - box.left + ((x - window.xMin) / (window.xMax - window.xMin)) * over.width) * scale);
        const py = Math.round((over.top - box.top + ((window.yMax - y) / (window.yMax - window.yMin)) * over.height) * scale);
        const pixels = ctx.getImageData(px - 1, py - 1, 3, 3).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) return true;
        return false;
      }).length;
    }, { points, window: contour.window });
    const levelPoints = contour.lines.flatMap((l) => l.xs.map((x, k) => [x, l.ys[k]]));
    assert.ok(levelPoints.length > 100, `${levelPoints.length} level-line points`);
    assert.ok(await inkAt(levelPoints) >= 0.95 * levelPoints.length, 'the level lines are drawn');
    const walkPath = plane.series[0];
    assert.equal(walkPath.label, 'walk');
    assert.deepEqual([walkPath.steps[0], walkPath.steps.at(-1)], [0, 300]);
    assert.deepEqual([walkPath.xs.at(-1), walkPath.ys.at(-1)], [0, 0], 'the path ends at the final weights, the plane\'s origin');
    const pathPoints = walkPath.xs.map((x, k) => [x, walkPath.ys[k]]);
    assert.equal(await inkAt(pathPoints), pathPoints.length, 'every projected point of the path is drawn');

    // Hovering the origin shows the path's last point: the step and the server's text of its coordinates.
    const { xMin, xMax, yMin, yMax } = contour.window;
    await opened.locator('#chart-landscape-0 .u-over').scrollIntoViewIfNeeded();
    const planeBox = await opened.locator('#chart-landscape-0 .u-over').boundingBox();
    await opened.mouse.move(planeBox.x + ((0 - xMin) / (xMax - xMin)) * planeBox.width, planeBox.y + ((yMax - 0) / (yMax - yMin)) * planeBox.height);
    assert.equal(await opened.locator('#chart-landscape-0 .grad-readout').innerText(),
      `walk · step 300 · ${plane.xParam} = ${walkPath.xTexts.at(-1)}, ${plane.yParam} = ${walkPath.yTexts.at(-1)}`);
    assert.deepEqual(errors, []);
    fs.mkdirSync(OUT, { recursive: true });
    await opened.locator('#chart-landscape-0').screenshot({ path: path.join(OUT, 'landscape.png') });
  } finally {
    await opened.close();
  }
});

test('a live run\'s panels posted to the page are drawn in place: the loss curve and the heatmap grow, the document is not reloaded', { skip: missing }, async () => {
  const { updates } = fixture('live-panels.json');
  assert.equal(updates.length, 4);
  const { opened, errors } = await openPanel(fixture('initial-panel.json'), 'grad-webview-live-');
  try {
    await opened.evaluate(() => { window.pageMark = 'loaded once'; });
    const chartOf = (update, id) => update.panel.sections.flatMap((s) => s.charts).find((c) => c.id === id);
    const post = async (update) => {
      const before = Number(await opened.evaluate(() => document.body.dataset.updates ?? 0));
      await opened.evaluate((message) => window.postMessage(message, '*'),
        { type: 'panel', data: update.panel, notice: `Running: ${update.message}. The charts show the run so far.` });
      await opened.waitForFunction((n) => Number(document.body.dataset.updates) === n, before + 1, { timeout: 5000 });
    };
    const points = (id) => opened.$eval(`#chart-${id} .grad-plot`, (e) => Number(e.dataset.points));

    // The first update has another shape (the file's networks before any run): the content is rebuilt in place.
    await post(updates[0]);
    const ids = updates[0].panel.sections.flatMap((s) => s.charts.map((c) => c.id));
    assert.equal(await opened.evaluate(() => document.body.dataset.chartsDrawn), String(ids.length));
    assert.equal(await points('compared-0'), chartOf(updates[0], 'compared-0').xs.length);
    // Marks on the canvases: a chart drawn anew would have a new one.
    // (uPlot's canvas, not the heatmap's colour bar, which is redrawn with the new scale.)
    await opened.evaluate(() => { for (const c of document.querySelectorAll('figure.grad-chart .u-wrap canvas')) c.dataset.mark = 'first'; });

    for (const update of updates.slice(1)) {
      await post(update);
      assert.equal(await points('compared-0'), chartOf(update, 'compared-0').xs.length, `the loss curve at ${update.message}`);
      assert.equal(await points('heatmap-0'), chartOf(update, 'heatmap-0').steps.length, `the heatmap at ${update.message}`);
      assert.equal(await opened.locator('.grad-notice').innerText(), `Running: ${update.message}. The charts show the run so far.`);
      const walk = update.panel.sections.find((s) => s.run === 'walk');
      assert.equal(await opened.locator('h2:has-text("run walk") small').innerText(), `train, ${walk.optimizer}: ${walk.summary}`);
    }
    const grown = [updates[0], updates[3]].map((u) => chartOf(u, 'compared-0').xs.length);
    assert.ok(grown[1] > grown[0], `the loss curve grew: ${grown}`);
    assert.equal(await opened.evaluate(() => window.pageMark), 'loaded once', 'the document was not reloaded');
    assert.equal(await opened.evaluate(() => document.body.dataset.updates), '4');
    const redrawn = await opened.$$eval('figure.grad-chart .u-wrap canvas', (cs) => cs.filter((c) => c.dataset.mark !== 'first').map((c) => c.closest('figure').id));
    assert.deepEqual(redrawn, [], 'every chart kept its canvas: its data was replaced (setData), it was not drawn anew');
    assert.equal(await opened.locator('figure.grad-chart .u-wrap canvas').count(), ids.length);

    // The heatmap's right edge is the last update's step: hover shows it with the server's text of ‖δ¹‖ there.
    const last = chartOf(updates[3], 'heatmap-0');
    await opened.locator('#chart-heatmap-0 .u-over').scrollIntoViewIfNeeded();
    const box = await opened.locator('#chart-heatmap-0 .u-over').boundingBox();
    await opened.mouse.move(box.x + box.width - 1, box.y + box.height * 0.95);
    assert.equal(await opened.locator('#chart-heatmap-0 .grad-readout').innerText(),
      `step ${last.steps.at(-1)} · layer ${last.layerLabels[0]} · ‖δˡ‖ = ${last.texts[0].at(-1)}`);
    // And the loss curve's last point is the last update's loss, as the server wrote it.
    await opened.locator('#chart-compared-0 .u-over').scrollIntoViewIfNeeded();
    const loss = await opened.locator('#chart-compared-0 .u-over').boundingBox();
    await opened.mouse.move(loss.x + loss.width - 1, loss.y + loss.height / 2);
    const rows = await opened.$$eval('#chart-compared-0 .u-legend tr', (trs) => trs.map((r) => r.querySelector('td')?.textContent.trim()));
    const curve = chartOf(updates[3], 'compared-0');
    assert.deepEqual(rows.slice(0, 2), [String(curve.xs.at(-1)), curve.series[0].texts.at(-1)]);
    assert.deepEqual(await opened.evaluate(() => window.posted), [{ type: 'ready' }], 'the page said it listens, once');
    assert.deepEqual(errors, []);
  } finally {
    await opened.close();
  }
});
