// The gradient-flow webview's page, rendered by renderPanelHtml with a real `grad run --json` result, in
// headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core from scripts/e2e-setup.sh's cache;
// no browser is ever downloaded). Checks that every chart is drawn, the legends name the runs, hovering shows
// the traced values, dragging and scrolling zoom, the theme switch redraws, and the CSP holds with nothing
// loaded from anywhere but the page's own files, and the cost's level sets are drawn behind the paths (the
// contours grad/runResults adds: test/fixtures/seed-contours.json). Saves screenshots to artifacts/webview/.
// Needs: npm run build (dist/webview) and npm run build:tests (out/src). Skips when playwright-core or Chromium is missing.
// Env: GRAD_E2E_DIR (default ~/.cache/grad-e2e), CHROMIUM, GRAD_CLI ("dotnet /path/grad.dll"; default the built
//      runtime/Grad.Cli when there is one, else the committed fixture), OUT_DIR (default artifacts/webview),
//      UPDATE_SCREENSHOT=1 (also copy the screenshot to vscode-extension/images/screenshot-gradient-flow.png).
'use strict';
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
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
const CLI_DLL = path.join(ROOT, 'runtime', 'Grad.Cli', 'bin', 'Release', 'net10.0', 'grad.dll');

const missing = !fs.existsSync(PLAYWRIGHT) ? `playwright-core not installed in ${PLAYWRIGHT}; run scripts/e2e-setup.sh`
  : !fs.existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}; apt-get install chromium` : undefined;
if (missing) console.log(`skipped webview render test: ${missing}`);

/** The sample: the real CLI's output for examples/seed.grad when the CLI is built, else the committed fixture. */
function sampleResult() {
  const cli = process.env.GRAD_CLI ? process.env.GRAD_CLI.split(' ') : fs.existsSync(CLI_DLL) ? ['dotnet', CLI_DLL] : undefined;
  if (cli) {
    try {
      const json = execFileSync(cli[0], [...cli.slice(1), 'run', path.join(ROOT, 'examples', 'seed.grad'), '--json', '-'],
        { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 120000 });
      return { source: `${cli.join(' ')} run examples/seed.grad --json -`, result: JSON.parse(json) };
    } catch (e) {
      console.log(`the CLI failed (${e.message.split('\n')[0]}); using the committed fixture`);
    }
  }
  return { source: 'test/fixtures/seed-run.json', result: JSON.parse(fs.readFileSync(path.join(EXT, 'test', 'fixtures', 'seed-run.json'), 'utf8')) };
}

let browser;
let page;
let sample;
let data;
let formatNumber;
const consoleMessages = [];
const requests = [];

before(async () => {
  if (missing) return;
  for (const f of ['dist/webview/gradientFlow.js', 'dist/webview/gradientFlow.css', 'out/src/panel/renderPanelHtml.js']) {
    assert.ok(fs.existsSync(path.join(EXT, f)), `${f} is missing: run npm run build and npm run build:tests in vscode-extension`);
  }
  const { renderPanelHtml } = require(path.join(EXT, 'out/src/panel/renderPanelHtml.js'));
  const { chartData } = require(path.join(EXT, 'out/src/panel/chartData.js'));
  ({ formatNumber } = require(path.join(EXT, 'out/src/runResults.js')));
  sample = sampleResult();
  // `grad run --json` has no contours; the language server's grad/runResults adds them. The committed ones are
  // the server's for the seed's minimize runs (tests/Grad.LanguageServer.Tests SeedTests checks how they are made).
  sample.result.contours = JSON.parse(fs.readFileSync(path.join(EXT, 'test', 'fixtures', 'seed-contours.json'), 'utf8')).contours;
  console.log(`sample result: ${sample.source} with the contours of test/fixtures/seed-contours.json`);
  data = chartData(sample.result);

  // The page as the webview gets it, with the webview's URIs replaced by files in a temp dir.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grad-webview-'));
  for (const f of ['gradientFlow.js', 'gradientFlow.css']) fs.copyFileSync(path.join(EXT, 'dist', 'webview', f), path.join(dir, f));
  const url = (f) => `file://${path.join(dir, f)}`;
  const html = renderPanelHtml(sample.result, { cspSource: 'file:', nonce: 'dGVzdC1ub25jZS0xMjM0', scriptUri: url('gradientFlow.js'), styleUri: url('gradientFlow.css'), theme: 'dark' });
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
  assert.equal(chartIds().length, 8, 'seed: cost, paths, loss, per-layer norms, heatmap, three gradient charts');
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
  assert.deepEqual((await legend('cost-0')).map(([label]) => label), ['step', 'plain', 'early', 'adaptive']);
  assert.deepEqual((await legend('loss')).map(([label]) => label), ['step', 'deep']);
  assert.deepEqual((await legend('layers-3')).map(([label]) => label),
    ['layer', '‖δˡ‖ initial', '‖δˡ‖ after training', '‖∂C/∂Wˡ‖ initial', '‖∂C/∂Wˡ‖ after training']);
  assert.deepEqual((await legend('gradient-0')).map(([label]) => label), ['step', '|∂f/∂w1|', '|∂f/∂w2|']);
  const pathLabels = await page.$$eval('#chart-paths-0 .u-legend .u-series th', (ths) => ths.map((th) => th.textContent.trim()).filter(Boolean));
  assert.deepEqual(pathLabels, ['plain', 'early', 'adaptive']);
  const captions = await page.locator('figure.grad-chart figcaption').allInnerTexts();
  assert.ok(captions.includes('run deep: log10 ‖δˡ‖ over training'), captions.join(' | '));
});

test('the paths chart draws the level sets of bowl behind the paths, over the contour\'s window', { skip: missing }, async () => {
  const contour = sample.result.contours[0];
  const chart = chartById('paths-0');
  assert.equal(chart.title, 'cost bowl: level sets and paths');
  assert.equal(chart.contour.lines.length, contour.lines.length);
  const count = String(contour.lines.length);
  assert.ok(contour.lines.length >= 10, `${count} level lines`);
  assert.equal(await page.evaluate(() => document.body.dataset.contourLines), count);
  assert.equal(await page.$eval('#chart-paths-0 .grad-plot', (e) => e.dataset.contourLines), count);
  const captions = await page.locator('figure.grad-chart figcaption').allInnerTexts();
  assert.ok(captions.includes('cost bowl: level sets and paths'), captions.join(' | '));
  assert.match(await page.locator('#chart-paths-0 .grad-note').innerText(), /level sets of bowl, \d+ levels log-spaced/);

  // Points of the level lines away from the paths (w2 = 0, w1 = 1 and the diagonal) have ink at their pixel.
  const { xMin, xMax, yMin, yMax } = contour.window;
  const samples = contour.lines.flatMap((l) => l.points.filter((_, k) => k % 7 === 0))
    .filter(([x, y]) => Math.abs(y) > 0.05 && Math.abs(x - 1) > 0.05 && Math.abs(x - y) > 0.05);
  assert.ok(samples.length > 50, `${samples.length} sample points`);
  // And between the two highest levels, above the paths, there is none (no grid behind the level lines either).
  const [below, above] = contour.levels.slice(-2);
  const between = [0.2, 0.3, 0.4, 0.5].map((x) => [x, Math.sqrt(Math.sqrt(below * above) - 0.001 * x * x)]);
  const inkAt = (points) => page.evaluate(({ samples, xMin, xMax, yMin, yMax }) => {
    const canvas = document.querySelector('#chart-paths-0 canvas');
    const over = document.querySelector('#chart-paths-0 .u-over').getBoundingClientRect();
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

test('hovering a curve shows the step and the traced values in the legend', { skip: missing }, async () => {
  const box = await plotArea('cost-0');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.5);
  const rows = await legend('cost-0');
  const step = Number(rows[0][1]);
  assert.ok(Number.isInteger(step) && step > 0, `the hovered step: ${rows[0][1]}`);
  const plain = sample.result.runs.find((r) => r.name === 'plain').trace.find((p) => p.step === step);
  assert.ok(plain, `plain has step ${step}`);
  assert.equal(rows[1][1], formatNumber(plain.cost), `plain's cost at step ${step}`);
  assert.equal(rows[2][1], '–', 'early stopped at step 2: no value');

  const layers = await plotArea('layers-3');
  await page.mouse.move(layers.x + 2, layers.y + layers.height / 2); // the first layer
  const layerRows = await legend('layers-3');
  const deep = sample.result.runs.find((r) => r.name === 'deep');
  assert.deepEqual(layerRows[0], ['layer', '1']);
  assert.equal(layerRows[1][1], formatNumber(deep.layers[0].deltaNorm.initial), '‖δ¹‖ initial');
  assert.equal(layerRows[4][1], formatNumber(deep.layers[0].weightGradNorm.final), '‖∂C/∂W¹‖ after training');
});

test('hovering a heatmap cell shows its step, layer and the traced ‖δˡ‖', { skip: missing }, async () => {
  const box = await plotArea('heatmap-3');
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.95); // the bottom row: layer 1
  const text = await page.locator('#chart-heatmap-3 .grad-readout').innerText();
  const match = text.match(/^step (\d+) · layer (\S+) · ‖δˡ‖ = (\S+)/);
  assert.ok(match, text);
  const [, step, layer, value] = match;
  assert.equal(layer, '1');
  const point = sample.result.runs.find((r) => r.name === 'deep').trace.find((p) => p.step === Number(step));
  assert.equal(value, formatNumber(point.deltaNorms[0]), text);
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.05); // the top row
  assert.match(await page.locator('#chart-heatmap-3 .grad-readout').innerText(), /layer 9 out/);
});

test('hovering a parameter path shows the run, the step and the traced parameters', { skip: missing }, async () => {
  const box = await plotArea('paths-0');
  // The right end of the w1 axis at w2 = 0: plain and early after their first step.
  await page.mouse.move(box.x + box.width - 3, box.y + box.height - 3);
  const text = await page.locator('#chart-paths-0 .grad-readout').innerText();
  const match = text.match(/^(\w+) · step (\d+) · w1 = (\S+), w2 = (\S+)$/);
  assert.ok(match, text);
  const [, run, step, w1, w2] = match;
  const point = sample.result.runs.find((r) => r.name === run).trace.find((p) => p.step === Number(step));
  assert.deepEqual([w1, w2], [formatNumber(point.params.w1), formatNumber(point.params.w2)], text);
  assert.equal(w2, '0');
});

test('dragging zooms into steps, the wheel zooms, a double-click zooms out; the zoom is kept in the webview state', { skip: missing }, async () => {
  const cost = chartById('cost-0');
  const box = await plotArea('cost-0');
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  const zoomOf = async (id) => (await page.evaluate(() => window.savedStates.at(-1)?.zoom ?? {}))[id];
  const range = await zoomOf('cost-0');
  const span = cost.xs.at(-1) - cost.xs[0];
  assert.ok(range, 'a zoomed range is saved');
  assert.ok(Math.abs(range[0] - (cost.xs[0] + 0.2 * span)) < 0.02 * span && Math.abs(range[1] - (cost.xs[0] + 0.4 * span)) < 0.02 * span,
    `zoomed to ${range} of ${cost.xs[0]}…${cost.xs.at(-1)}`);
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.mouse.dblclick(box.x + box.width * 0.5, box.y + box.height / 2);
  assert.equal(await zoomOf('cost-0'), undefined, 'double-click: the whole range again');

  const loss = await plotArea('loss');
  await page.mouse.move(loss.x + loss.width * 0.5, loss.y + loss.height / 2);
  await page.mouse.wheel(0, -200);
  await page.waitForTimeout(100);
  const wheel = await zoomOf('loss');
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
  const layers = await plotArea('layers-3');
  await page.mouse.move(layers.x + layers.width / 2, layers.y + layers.height / 2);
  const top = path.join(OUT, 'gradient-flow-top.png');
  await page.screenshot({ path: top });
  await page.setViewportSize({ width: 1200, height: 900 });
  for (const f of [full, top]) assert.ok(fs.statSync(f).size > 20000, `${f} is a picture`);
  if (process.env.UPDATE_SCREENSHOT === '1') fs.copyFileSync(top, path.join(EXT, 'images', 'screenshot-gradient-flow.png'));
  console.log(`screenshots: ${full}, ${top}`);

  const marker = () => page.$eval('#chart-cost-0 .u-legend .u-series:nth-child(2) .u-marker', (m) => getComputedStyle(m).borderTopColor);
  const darkMarker = await marker();
  const darkInk = await canvasInk('cost-0');
  await page.evaluate(() => { document.body.className = 'vscode-light'; });
  await page.waitForFunction((before) => {
    const m = document.querySelector('#chart-cost-0 .u-legend .u-series:nth-child(2) .u-marker');
    return m && getComputedStyle(m).borderTopColor !== before;
  }, darkMarker, { timeout: 5000 });
  assert.equal(darkMarker, 'rgb(55, 148, 255)', 'dark: charts.blue');
  assert.equal(await marker(), 'rgb(26, 133, 255)', 'light: charts.blue of the light theme');
  assert.equal(await page.evaluate(() => document.body.dataset.chartsDrawn), String(chartIds().length));
  const lightInk = await canvasInk('cost-0');
  assert.ok(lightInk.drawn > 0 && lightInk.colours >= 3);
  assert.notEqual(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(30, 30, 30)', 'light background');
  await page.screenshot({ path: path.join(OUT, 'gradient-flow-light.png'), fullPage: true });
  void darkInk;
});
