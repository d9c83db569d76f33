#!/usr/bin/env node
// End-to-end test of the Grad extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) in
// headless Chromium, driven by playwright-core (set up offline by scripts/e2e-setup.sh).
//  1. fresh HOME / TMPDIR / user-data / extensions dirs under $GRAD_E2E_DIR/runs/<base36 time>, a
//     workspace with a copy of examples/ (seed.grad, errors/bad.grad)
//  2. code-server --install-extension vscode-extension/grad-<version>.vsix (the .vsix a user installs,
//     with the bundled server: nothing here points the extension at the repository's build)
//  3. code-server on 127.0.0.1:<free port>, --auth none; Chromium opens the workbench
//  4. seed.grad: keywords carry TextMate colours (semantic highlighting is off, so the colours are the grammar's)
//  5. the status bar item says "Grad: ready" (the language client has started the server)
//  6. hover on the `dense … as out` layer of network `chain`: ‖δ‖ in the hover equals `grad inspect --json`'s;
//     hover on its `repeat` line: a row per layer, the vanishing ‖δ¹‖ equal to grad inspect's
//  7. the "▶ Run" code lens above `run plain`: the run's summary (notification, or the lens turns "Run again")
//     agrees with `grad run --json`
//  8. Grad: Run File summarises every run; its "Show Gradient Flow" button opens the panel: the table, one row
//     per layer, and the charts drawn
//  8b. residual.grad (written into the workspace): the hover on a layer whose output enters a residual block
//     shows the chain rule with the identity term and numbers (δ² equal to grad inspect's) and the skip's share
//  10. the what-if panel of run deep (Grad: What If…): moving the lr slider re-runs it, the overlay's what-if is
//      that lr, Apply writes `optimizer sgd(lr = …)` into the document and one Undo takes it back
//  11. live.grad (written into the workspace): with the Gradient Flow panel open, ▶ Run streams the run: a
//      progress notification with the step and loss, the panel's heatmap of the run so far
//      (updated in place: data posted to the same page); Cancel stops it and the summary says "cancelled"
//  12. landscape.grad: ▶ Run computes the run's loss landscape and the panel draws it (level sets with the path, the line)
//  9. errors/bad.grad: a squiggle and a Problems entry
//  Screenshots + result.json in $OUT_DIR (default artifacts/e2e). Exit code 0 = every check passed.
// Env: GRAD_E2E_DIR (default ~/.cache/grad-e2e; scripts/e2e-setup.sh fills it), VSIX, OUT_DIR, CHROMIUM,
//      GRAD_CLI (command line of the CLI, e.g. "dotnet /path/grad.dll"; default: the built runtime/Grad.Cli),
//      E2E_KEEP=1 (keep the run dir), E2E_DEBUG=1 (more logging),
//      E2E_SERVER=mock (checks the harness against scripts/e2e-mock-server.js instead of the real server).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const { spawn, execFileSync, spawnSync } = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const E2E_DIR = process.env.GRAD_E2E_DIR || path.join(os.homedir(), '.cache', 'grad-e2e');
const CODE_SERVER = path.join(E2E_DIR, 'cs/node_modules/code-server/out/node/entry.js');
const PLAYWRIGHT = path.join(E2E_DIR, 'tools/node_modules/playwright-core');
const EXT_VERSION = require(path.join(ROOT, 'vscode-extension/package.json')).version;
const VSIX = process.env.VSIX || path.join(ROOT, 'vscode-extension', `grad-${EXT_VERSION}.vsix`);
const OUT = path.resolve(process.env.OUT_DIR || path.join(ROOT, 'artifacts/e2e'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const DEBUG = process.env.E2E_DEBUG === '1';

const t0 = Date.now();
const timings = {};
const mark = (name) => { timings[name] = +((Date.now() - t0) / 1000).toFixed(1); console.log(`[${timings[name].toFixed(1)}s] ${name}`); };
const checks = []; // { name, ok, detail }
/** A check the rest of the test depends on: a failure stops the test. */
const check = (name, ok, detail) => {
  checks.push({ name, ok: !!ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ': ' + detail : ''}`);
  if (!ok) throw new Error(`${name}: ${detail}`);
};
/** A check the later steps do not depend on: a failure is reported and the test goes on (and fails at the end). */
const softCheck = (name, ok, detail) => {
  checks.push({ name, ok: !!ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ': ' + detail : ''}`);
};

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// --- the CLI: the numbers the editor must agree with --------------------------------------------
function cliCommand() {
  if (process.env.GRAD_CLI) { const parts = process.env.GRAD_CLI.split(' ').filter(Boolean); return { cmd: parts[0], args: parts.slice(1) }; }
  for (const config of ['Release', 'Debug']) {
    const dll = path.join(ROOT, 'runtime/Grad.Cli/bin', config, 'net10.0/grad.dll');
    if (fs.existsSync(dll)) return { cmd: 'dotnet', args: [dll] };
  }
  return { cmd: 'dotnet', args: ['run', '--project', path.join(ROOT, 'runtime/Grad.Cli'), '-c', 'Release', '--'] };
}

/** Runs `grad <verb> <file> --json -` and parses stdout (exit code 0 or 1 both carry JSON). */
function cliJson(verb, file, env) {
  const { cmd, args } = cliCommand();
  const r = spawnSync(cmd, [...args, verb, file, '--json', '-'], { encoding: 'utf8', env, timeout: 180000 });
  const text = (r.stdout || '').trim();
  try { return JSON.parse(text); } catch (_) {
    throw new Error(`grad ${verb} ${file} --json - (exit ${r.status}) did not print JSON: ${text.slice(0, 300)} ${String(r.stderr || '').slice(0, 500)}`);
  }
}

/** Finds network `name`'s layer (by index, or the last one) anywhere in `grad inspect --json`'s object; returns its ‖δ‖. */
function inspectDeltaNorm(inspect, networkName, layerIndex) {
  const networks = [];
  (function walk(v) {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      if (v.name === networkName && Array.isArray(v.layers)) networks.push(v);
      Object.values(v).forEach(walk);
    }
  })(inspect);
  if (networks.length === 0) throw new Error(`no network "${networkName}" with layers in grad inspect's JSON: ${JSON.stringify(inspect).slice(0, 400)}`);
  const layers = networks[0].layers;
  const layer = layers.find((l) => l.index === layerIndex) ?? layers[layers.length - 1];
  const d = layer.deltaNorm;
  const value = typeof d === 'object' && d !== null ? (d.initial ?? d.value) : d;
  if (typeof value !== 'number') throw new Error(`layer ${layerIndex} of ${networkName} has no numeric deltaNorm: ${JSON.stringify(layer)}`);
  return value;
}

/** The number after ‖δ‖, ‖δ^l‖ or ‖δ⁹‖ (superscripts) in the hover text. */
function hoverDeltaNorm(text) {
  const m = /(?<!\/)‖δ(?:\^?[0-9A-Za-zˡᴸ⁰¹²³⁴⁵⁶⁷⁸⁹]*)‖(?!\s*\/)[\s|:=]*(-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?)/.exec(text);
  return m ? { shown: m[1], value: Number(m[1]) } : null;
}

/** Whether `value` rounds to what the hover shows, within half a unit of the last digit shown. */
function agreesToShownPrecision(shown, value) {
  const [mantissa, exponent = '0'] = shown.toLowerCase().replace(/^-/, '').split('e');
  const decimals = (mantissa.split('.')[1] || '').length;
  const unit = 10 ** (Number(exponent) - decimals);
  return Math.abs(Math.abs(Number(shown)) - Math.abs(value)) <= 0.5 * unit * 1.0001 && Math.sign(Number(shown)) === Math.sign(value);
}

async function main() {
  for (const [what, p] of [['code-server', CODE_SERVER], ['playwright-core', PLAYWRIGHT], ['chromium', CHROMIUM], ['the .vsix (npm run package)', VSIX]]) {
    if (!fs.existsSync(p)) throw new Error(`${what} not found at ${p}; run scripts/e2e-setup.sh${what.includes('vsix') ? ' and npm run package' : ''}`);
  }
  const { chromium } = require(PLAYWRIGHT);
  fs.mkdirSync(OUT, { recursive: true });
  for (const f of fs.readdirSync(OUT)) if (/\.(png|json|log)$/.test(f)) fs.rmSync(path.join(OUT, f));

  // Short run-dir name: the extension host creates unix sockets in $TMPDIR, and their paths must stay < 108 bytes.
  const runs = path.join(E2E_DIR, 'runs');
  const run = path.join(runs, Date.now().toString(36));
  // A passing run removes its dir; keep only the 4 newest failed ones for their logs.
  if (fs.existsSync(runs)) {
    for (const old of fs.readdirSync(runs).sort().slice(0, -4)) fs.rmSync(path.join(runs, old), { recursive: true, force: true });
  }
  const dirs = { home: path.join(run, 'home'), ud: path.join(run, 'ud'), ext: path.join(run, 'ext'), ws: path.join(run, 'ws'), tmp: path.join(run, 'tmp') };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  const env = {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: path.join(dirs.home, '.config'),
    XDG_DATA_HOME: path.join(dirs.home, '.local/share'),
    XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
    TMPDIR: dirs.tmp,
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    DOTNET_NOLOGO: '1',
  };
  delete env.VSCODE_IPC_HOOK_CLI;
  delete env.GRAD_LANGUAGE_SERVER_PATH; // the test is of the .vsix with its bundled server
  const MOCK = process.env.E2E_SERVER === 'mock'; // harness self-check only: see scripts/e2e-mock-server.js
  process.env.TMPDIR = dirs.tmp; // Playwright's temporary Chromium profile

  fs.cpSync(path.join(ROOT, 'examples'), dirs.ws, { recursive: true });
  const seedFile = path.join(dirs.ws, 'seed.grad');
  const badFile = path.join(dirs.ws, 'errors', 'bad.grad');
  // Residual blocks one unit wide, each on its own lines: the hover on layer 2 (its output enters the second block)
  // shows the chain rule with the identity term and numbers.
  const residualFile = path.join(dirs.ws, 'residual.grad');
  fs.writeFileSync(residualFile, [
    '// residual.grad (written by the e2e test): one-unit layers with residual blocks',
    'network skip {', '  input 1', '  dense 1 sigmoid',
    '  residual {', '    dense 1 sigmoid as inner', '  }',
    '  residual {', '    dense 1 sigmoid', '  }',
    '  dense 1 sigmoid', '  init normal(mean = 0, std = 1)', '  loss mse', '  seed 3', '}', '',
    'data point { x: [0.7]  y: [0.2] }', '',
    'run fit {', '  train skip on point', '  optimizer sgd(lr = 0.1)', '  epochs 5', '}', ''].join('\n'));

  // A training run long enough to be watched and cancelled (the editor's budget is raised to 120 s below).
  const liveFile = path.join(dirs.ws, 'live.grad');
  fs.writeFileSync(liveFile, [
    '// live.grad (written by the e2e test): a long run to watch and cancel',
    'network deepnet {', '  input 2', '  repeat 6 { dense 16 tanh }', '  dense 1 sigmoid', '  loss bce', '}', '',
    'data moons2 = moons(n = 256, noise = 0.1, seed = 4)', '',
    'run fit {', '  train deepnet on moons2', '  optimizer sgd(lr = 0.05)', '  steps 5000000', '  batch 32', '}', ''].join('\n'));

  // The numbers the editor must show, from the CLI (run on the same files, before the editor starts).
  const cliEnv = { ...env, HOME: process.env.HOME, TMPDIR: os.tmpdir() };
  let inspectJson; let runJson; let residualInspect; let cliError = null;
  try {
    inspectJson = cliJson('inspect', seedFile, cliEnv);
    residualInspect = cliJson('inspect', residualFile, cliEnv);
    runJson = cliJson('run', seedFile, cliEnv);
  } catch (e) { cliError = e.message; }
  mark('CLI ran (grad inspect, grad run)');
  if (MOCK) {
    console.log('E2E_SERVER=mock: the extension talks to scripts/e2e-mock-server.js, NOT the Grad server (checks the harness only)');
    fs.writeFileSync(path.join(run, 'inspect.json'), JSON.stringify(inspectJson ?? null));
    fs.writeFileSync(path.join(run, 'run.json'), JSON.stringify(runJson ?? null));
    Object.assign(env, { GRAD_LANGUAGE_SERVER_PATH: path.join(__dirname, 'e2e-mock-server.js'),
      MOCK_INSPECT_JSON: path.join(run, 'inspect.json'), MOCK_RUN_JSON: path.join(run, 'run.json') });
  }

  fs.mkdirSync(path.join(dirs.ud, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.ud, 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none',
    'security.workspace.trust.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'workbench.enableExperiments': false,
    'workbench.tips.enabled': false,
    'chat.disableAIFeatures': true,
    'editor.hover.delay': 300,
    'editor.minimap.enabled': false,
    'editor.semanticHighlighting.enabled': false, // colours come from the TextMate grammar only
    'grad.analysis.debounceMs': 0,
    'grad.analysis.budgetSeconds': 120, // the live run must still be going when the test cancels it
  }, null, 2));

  const common = ['--user-data-dir', dirs.ud, '--extensions-dir', dirs.ext, '--disable-telemetry'];
  execFileSync(process.execPath, [CODE_SERVER, ...common, '--install-extension', VSIX], { env, stdio: DEBUG ? 'inherit' : 'pipe' });
  const installed = fs.readdirSync(dirs.ext).filter((d) => d.startsWith('grad-lang.grad-'));
  check('the .vsix installs with --install-extension', installed.length === 1 &&
    fs.existsSync(path.join(dirs.ext, installed[0], 'server', 'Grad.LanguageServer.dll')), installed.join(', '));
  mark('extension installed');

  const port = await freePort();
  const csLog = fs.openSync(path.join(run, 'code-server.log'), 'w');
  const cs = spawn(process.execPath, [CODE_SERVER, ...common, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', dirs.ws],
  { env, stdio: ['ignore', csLog, csLog], detached: true });
  const killServer = () => { try { process.kill(-cs.pid, 'SIGTERM'); } catch (_) { /* gone */ } };
  process.on('exit', killServer);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { const r = await fetch(base + '/healthz'); if (r.ok) break; } catch (_) { /* not up yet */ }
    if (i > 300) throw new Error('code-server did not come up; see ' + path.join(run, 'code-server.log'));
    await new Promise((r) => setTimeout(r, 100));
  }
  mark('code-server listening');

  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true, env,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  const consoleLog = [];
  page.on('console', (m) => consoleLog.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => consoleLog.push(`[pageerror] ${e.message}`));
  const shot = (name) => page.screenshot({ path: path.join(OUT, name) });
  /** Lines of the extension's output channel ("Grad Language Server") matching a pattern, from the extension host's log file. */
  const gradLogLines = (pattern) => {
    const lines = [];
    const logs = path.join(dirs.ud, 'logs');
    if (!fs.existsSync(logs)) return lines;
    for (const f of fs.readdirSync(logs, { recursive: true })) {
      if (!String(f).endsWith('Grad Language Server.log')) continue;
      for (const line of fs.readFileSync(path.join(logs, String(f)), 'utf8').split('\n')) if (pattern.test(line)) lines.push(line);
    }
    return lines;
  };
  const result = { ok: false, server: MOCK ? 'MOCK (harness check only)' : 'bundled', checks, timings, runDir: run };
  /** A part of the test that later parts do not need: its failure is recorded (with a screenshot) and the test goes on. */
  const section = async (name, body) => {
    try { await body(); } catch (e) {
      checks.push({ name: `${name} section`, ok: false, detail: e.message.split('\n')[0] });
      console.log(`FAIL ${name}: ${e.message.split('\n').slice(0, 3).join(' | ')}`);
      await shot(`failure-${name}.png`).catch(() => {});
      await page.keyboard.press('Escape').catch(() => {});
    }
  };

  try {
    await page.goto(`${base}/?folder=${encodeURIComponent(dirs.ws)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60000 });
    mark('workbench loaded');

    const editorFor = (name) => `.editor-instance .monaco-editor[data-uri$="/${name}"]`;
    const openFile = async (relative) => {
      const name = path.basename(relative);
      await page.keyboard.press('Control+P');
      const qi = page.locator('.quick-input-widget input');
      await qi.waitFor({ timeout: 10000 });
      await qi.fill(relative);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15000 });
      await page.keyboard.press('Enter');
      await page.locator(editorFor(name)).waitFor({ timeout: 15000 });
    };
    const seed = editorFor('seed.grad');
    await page.locator('.monaco-workbench').click({ position: { x: 640, y: 300 } }).catch(() => {});
    await openFile('seed.grad');
    await page.locator(`${seed} .view-lines`, { hasText: 'network' }).waitFor({ timeout: 15000 });
    mark('seed.grad open');

    // --- 4. TextMate colours -------------------------------------------------------------------------
    // All on the first screen of seed.grad (lines below it are not in the DOM).
    const keywords = ['let', 'cost', 'run', 'minimize', 'from', 'optimizer', 'steps', 'until', 'network', 'input', 'repeat', 'dense', 'sgd', 'adagrad', 'sigmoid'];
    const probe = () => page.evaluate(({ sel, keywords }) => {
      const ed = document.querySelector(sel);
      const plainColor = getComputedStyle(ed.querySelector('.view-lines')).color; // the editor's default foreground
      const spans = [...ed.querySelectorAll('.view-line span span')];
      const text = (x) => x.textContent.replace(/\u00a0/g, ' '); // the editor renders spaces as no-break spaces
      const out = {};
      for (const k of keywords) {
        const s = spans.find((x) => x.textContent === k);
        if (s) out[k] = { cls: s.className, color: getComputedStyle(s).color };
      }
      const comment = spans.find((x) => text(x).includes('stop once'));
      const number = spans.find((x) => x.textContent === '0.001');
      return { plainColor, keywords: out, comment: comment && getComputedStyle(comment).color, number: number && getComputedStyle(number).color,
        language: document.getElementById('status.editor.mode')?.textContent.trim() };
    }, { sel: seed, keywords });
    let tok = null;
    const coloured = (t) => t && keywords.every((k) => t.keywords[k] && t.keywords[k].color !== t.plainColor && t.keywords[k].cls !== 'mtk1') &&
      t.comment && t.comment !== t.plainColor && t.number && t.number !== t.plainColor;
    for (let i = 0; i < 150 && !coloured(tok); i++) { tok = await probe(); if (!coloured(tok)) await page.waitForTimeout(100); }
    if (DEBUG) console.log('tokens:', JSON.stringify(tok));
    check('the language of seed.grad is Grad', tok && tok.language === 'Grad', tok && tok.language);
    check('keywords, a comment and a number are coloured by the grammar (not the default foreground)', coloured(tok),
      tok && `${keywords.map((k) => `${k}=${tok.keywords[k] ? tok.keywords[k].color : 'missing'}`).join(' ')} comment=${tok.comment} number=${tok.number} plain=${tok.plainColor}`);
    check('declaration keywords and layer keywords are told apart', tok.keywords.network.color !== tok.keywords.sigmoid.color,
      `network ${tok.keywords.network.color}, sigmoid ${tok.keywords.sigmoid.color}`);
    await shot('01-highlighting.png');
    mark('syntax highlighting checked');

    // --- 5. the language client has started the bundled server -----------------------------------------
    // Read the item's text in the page: it changes often (analysing → ready), so no locator that could go stale.
    const readStatus = () => page.evaluate(() => {
      const item = [...document.querySelectorAll('.statusbar-item')].find((e) => /Grad: /.test(e.textContent));
      return item ? item.textContent.trim() : null;
    });
    let statusText = null;
    const statusSeen = [];
    for (let i = 0; i < 600 && !/Grad: (ready|stopped)/.test(statusText || ''); i++) {
      statusText = await readStatus();
      if (statusText && statusSeen[statusSeen.length - 1] !== statusText) statusSeen.push(statusText);
      await page.waitForTimeout(100);
    }
    result.statusSeen = statusSeen;
    console.log('status bar:', statusSeen.join(' → '));
    check('the language client started the bundled server (status bar not "Grad: stopped")', !/Grad: stopped/.test(statusText), statusText);
    softCheck('the status bar says "Grad: ready" for seed.grad (analysis up to date)', /Grad: ready/.test(statusText), statusText);
    mark('language server ready');

    if (cliError) console.log(`note: the CLI could not give the reference numbers: ${cliError}`);

    /** Hovers `word` on the line containing `lineText` of `editor` (showing `file`) with the mouse (Ctrl+K Ctrl+I as a last resort); the hover's text. */
    const hoverOn = async (lineText, word, expected, editor = seed, file = seedFile) => {
      const wordBox = async () => page.evaluate(({ sel, lineText, word }) => {
        const ed = document.querySelector(sel);
        const line = [...ed.querySelectorAll('.view-line')].find((l) => l.textContent.replace(/\u00a0/g, ' ').includes(lineText));
        if (!line) return null;
        for (const span of line.querySelectorAll('span span')) {
          const node = span.firstChild;
          const i = node && node.textContent.indexOf(word);
          if (node && i >= 0) {
            const r = document.createRange(); r.setStart(node, i + 1); r.setEnd(node, i + word.length - 1);
            const b = r.getBoundingClientRect();
            return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
          }
        }
        return null;
      }, { sel: editor, lineText, word });
      let box = await wordBox();
      if (!box) {
        // The line may be scrolled out of view: put the cursor on it with Go to Line, then measure again.
        const lineNumber = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(lineText)) + 1;
        await page.keyboard.press('Control+G');
        await page.keyboard.type(String(lineNumber));
        await page.keyboard.press('Enter');
        await page.waitForTimeout(300);
        box = await wordBox();
      }
      if (!box) throw new Error(`line "${lineText}" not found in the editor DOM`);
      await page.keyboard.press('Escape');
      const hover = page.locator('.monaco-hover', { hasText: expected });
      let via = null;
      for (let attempt = 1; attempt <= 4 && !via; attempt++) {
        await page.mouse.move(box.x - 40, box.y + 80);
        await page.mouse.move(box.x, box.y, { steps: 5 });
        try { await hover.first().waitFor({ state: 'visible', timeout: 6000 }); via = `mouse (attempt ${attempt})`; } catch (_) {
          const failed = page.locator('.notification-toast', { hasText: 'textDocument/hover failed' }).first();
          if (await failed.isVisible()) throw new Error(`the server failed the hover: ${(await failed.innerText()).replace(/\s+/g, ' ')}`);
        }
      }
      if (!via) {
        via = 'keyboard Ctrl+K Ctrl+I';
        await page.mouse.click(box.x, box.y);
        await page.keyboard.press('Control+K');
        await page.keyboard.press('Control+I');
        await hover.first().waitFor({ state: 'visible', timeout: 10000 });
      }
      const text = (await hover.first().innerText()).trim();
      console.log(`hover on ${word} of "${lineText}" (${via}):`, JSON.stringify(text));
      return text;
    };

    // --- 6. hover on a layer of `chain`: ‖δ‖ equals grad inspect's ------------------------------------
    await section('hover', async () => {
      // Code lenses insert lines above runs and move the text: wait for them before measuring positions.
      await page.locator(`${seed} .codelens-decoration a`, { hasText: /Run/ }).first().waitFor({ timeout: 60000 });
      mark('code lenses shown');
      const hoverText = await hoverOn('dense 1 sigmoid as out', 'dense', '‖δ');
      result.hoverText = hoverText;
      await shot('02-hover-layer.png');
      const shown = hoverDeltaNorm(hoverText);
      check('the layer hover shows ‖δ‖ with a number', shown !== null, hoverText.slice(0, 200));
      softCheck('the hover names the layer as the last of 9 in chain', /\b9\b[^\n]*\b9\b|layer 9 of 9/.test(hoverText), hoverText.split('\n')[0]);
      let expectedDelta = null;
      try { if (cliError) throw new Error(cliError); expectedDelta = inspectDeltaNorm(inspectJson, 'chain', 9); } catch (e) { cliError = e.message; }
      result.delta = { hover: shown.shown, inspect: expectedDelta };
      softCheck(`the hover's ‖δ‖ equals grad inspect's (layer 9 of chain)`, expectedDelta !== null && agreesToShownPrecision(shown.shown, expectedDelta),
        expectedDelta === null ? `hover ${shown.shown}; grad inspect gave no number: ${cliError}` : `hover ${shown.shown}, grad inspect ${expectedDelta}`);

      // The vanishing gradient itself: the repeat line's hover has one row per layer; layer 1's ‖δ¹‖ is grad inspect's.
      const repeatText = await hoverOn('repeat 8 { dense 1 sigmoid }', 'repeat', 'sigmoid');
      result.repeatHoverText = repeatText;
      await shot('02b-hover-repeat.png');
      const cells = repeatText.split('\n').map((l) => l.split('\t').map((c) => c.trim()));
      const header = cells.find((c) => c[0] === 'l') ?? [];
      const deltaColumn = header.findIndex((c) => /^‖δ[^‖]*‖$/.test(c)); // ‖δˡ‖, not ‖δˡ‖/‖δᴸ‖
      const rows = cells.filter((c) => /^[1-8]$/.test(c[0]));
      result.repeatRows = rows.length;
      const firstDelta = deltaColumn > 0 ? rows.find((c) => c[0] === '1')?.[deltaColumn] : undefined;
      let expectedFirst = null;
      try { expectedFirst = inspectDeltaNorm(inspectJson, 'chain', 1); } catch (_) { /* reported below */ }
      softCheck('the repeat hover has a row for each of its 8 layers', rows.length === 8, `${rows.length} rows`);
      softCheck(`its ‖δ¹‖ equals grad inspect's (the vanishing first layer)`, !!firstDelta && expectedFirst !== null && agreesToShownPrecision(firstDelta, expectedFirst),
        `hover ${firstDelta}, grad inspect ${expectedFirst}`);
      await page.keyboard.press('Escape');
      mark('hover checked');
    });

    // --- 7. the "▶ Run" code lens of `run plain` ---------------------------------------------------------
    await section('code-lens', async () => {
      await page.keyboard.press('Escape');
      await page.mouse.move(5, 400);
      const lenses = page.locator(`${seed} .codelens-decoration a`);
      const lensTexts = await lenses.allInnerTexts();
      if (DEBUG) console.log('code lenses:', lensTexts);
      // Only the lenses of lines on screen are in the DOM (plain, early, adaptive; not deep). The server may
      // already have run the cheap minimize runs in the background: then the lenses say "Run again · …".
      check('the runs on screen have "▶ Run" / "Run again" code lenses', lensTexts.filter((t) => /▶ Run|Run again/.test(t)).length >= 3,
        JSON.stringify(lensTexts));
      const lensBefore = lensTexts[0];
      const lensFailuresBefore = gradLogLines(/Request workspace\/executeCommand failed/).length;
      await lenses.filter({ hasText: /Run/ }).first().click();
      const plainRun = runJson && runJson.runs && runJson.runs.find((r) => r.name === 'plain');
      // Either signal counts: our notification "Grad ▸ plain: …", or the server's lens turning from "▶ Run" into "Run again · …".
      const toast = page.locator('.notification-toast', { hasText: 'plain:' }).first();
      const again = /Run again/.test(lensBefore) ? null : lenses.filter({ hasText: /Run again/ }).first();
      const failed = page.locator('.notification-toast', { hasText: /executeCommand failed|grad\.run/ }).first();
      // Poll (no racing waitFor()s left pending when one of them wins).
      for (let waited = 0; ; waited += 250) {
        if (await toast.isVisible() || (again && await again.count() > 0)) break;
        if (await failed.isVisible()) throw new Error(`the run failed: ${(await failed.innerText()).replace(/\s+/g, ' ')}`);
        if (gradLogLines(/Request workspace\/executeCommand failed/).length > lensFailuresBefore) {
          throw new Error(`the run failed: ${gradLogLines(/Message: /).pop() || 'see the Grad Language Server log'}`);
        }
        if (waited > 90000) throw new Error('no run summary within 90 s (no notification, no "Run again" lens)');
        await page.waitForTimeout(250);
      }
      await page.waitForTimeout(500);
      const toastText = (await toast.isVisible()) ? (await toast.locator('.notification-list-item-message').innerText()).trim() : null;
      const againText = again && (await again.count()) > 0 ? (await again.innerText()).trim() : null;
      result.runSummary = { notification: toastText, lens: againText };
      console.log('run summary:', JSON.stringify(result.runSummary));
      await shot('03-code-lens-run.png');
      const summary = toastText || againText || '';
      check('the run shows its summary', /plain|Run again/.test(summary) && /\d/.test(summary), summary);
      if (toastText) {
        softCheck(`the summary's step count is grad run's (${plainRun ? plainRun.stepsTaken : '?'})`, !!plainRun && toastText.includes(`${plainRun.stepsTaken} step`),
          plainRun ? toastText : `grad run gave no result for plain: ${cliError}`);
      }
      mark('code lens ran');
    });

    // --- 8. Grad: Run File, then the gradient-flow table of the train run `deep` ------------------------
    await section('gradient-flow', async () => {
      await page.keyboard.press('Escape');
      await page.locator(`${seed} .view-lines`).click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('F1');
      const qi = page.locator('.quick-input-widget input');
      await qi.waitFor({ timeout: 10000 });
      await qi.fill('>Grad: Run File');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Grad: Run File' }).first().waitFor({ timeout: 10000 });
      const toast = page.locator('.notification-toast', { hasText: 'deep:' }).first();
      // A failure shows as an error notification, but VS Code does not always pop it up as a toast
      // (after earlier errors it may only light the bell): read the extension's log instead.
      const failuresBefore = gradLogLines(/Run File failed/).length;
      await page.keyboard.press('Enter');
      for (let waited = 0; !(await toast.isVisible()); waited += 250) {
        const failures = gradLogLines(/Run File failed/);
        if (failures.length > failuresBefore) throw new Error(failures[failures.length - 1].replace(/^.*?\[error\] /, ''));
        if (waited > 90000) throw new Error('no summary of Grad: Run File within 90 s');
        await page.waitForTimeout(250);
      }
      const summary = (await toast.locator('.notification-list-item-message').innerText()).trim();
      console.log('run file:', JSON.stringify(summary));
      softCheck('Grad: Run File summarises all four runs', ['plain:', 'early:', 'adaptive:', 'deep:'].every((r) => summary.includes(r)), summary);
      await toast.locator('.monaco-button', { hasText: 'Show Gradient Flow' }).click();
      const webview = page.frameLocator('iframe.webview').frameLocator('#active-frame');
      await webview.locator('h1', { hasText: 'Gradient flow' }).waitFor({ timeout: 20000 });
      const deepRows = await webview.locator('h2:has-text("run deep") + p + table tbody tr').allInnerTexts();
      result.gradientFlow = deepRows;
      await page.waitForTimeout(300);
      await shot('05-gradient-flow.png');
      check('the gradient-flow table has one row per layer of chain (9)', deepRows.length === 9, JSON.stringify(deepRows.slice(0, 2)));
      const deepRun = runJson && runJson.runs && runJson.runs.find((r) => r.name === 'deep');
      const firstDelta = deepRows[0].split('\t')[3];
      softCheck('its ‖δ¹‖ before training equals grad run --json\'s', !!deepRun && agreesToShownPrecision(firstDelta, deepRun.layers[0].deltaNorm.initial),
        `table ${firstDelta}, grad run ${deepRun ? deepRun.layers[0].deltaNorm.initial : cliError}`);
      // The charts: the bundled uPlot script ran under the webview's Content-Security-Policy and drew all of them.
      const drawn = await webview.locator('body[data-charts-drawn]').getAttribute('data-charts-drawn', { timeout: 10000 }).catch(() => null);
      const canvases = await webview.locator('figure.grad-chart canvas').count();
      // Every chart the server sent is drawn: the seed's 8 (paths, loss, flow, heatmap, …) and deep's health charts.
      const figures = await webview.locator('figure.grad-chart').count();
      softCheck('the gradient-flow panel draws every chart it was sent (uPlot canvases)', drawn === String(figures) && figures > 8 && canvases >= figures,
        `data-charts-drawn ${drawn}, ${figures} charts, ${canvases} canvases`);
      // The server's panel data (grad/panel): bowl's level sets behind the minimize runs' paths.
      const contourLines = await webview.locator('body[data-contour-lines]').getAttribute('data-contour-lines', { timeout: 10000 }).catch(() => null);
      const contourTitle = await webview.locator('figure.grad-chart figcaption', { hasText: 'cost bowl: level sets and paths' }).count();
      result.contourLines = contourLines;
      softCheck('the paths chart draws bowl\'s level sets (the server\'s contours)', Number(contourLines) >= 10 && contourTitle === 1,
        `data-contour-lines ${contourLines}, ${contourTitle} caption(s) "cost bowl: level sets and paths"`);
      mark('gradient flow shown');
    });

    // --- 8b. hover on a layer inside a residual block: the chain rule with the identity term -------------
    await section('residual hover', async () => {
      await openFile('residual.grad');
      const residual = editorFor('residual.grad');
      await page.locator(`${residual} .codelens-decoration a`, { hasText: /Run/ }).first().waitFor({ timeout: 60000 });
      const text = await hoverOn('dense 1 sigmoid as inner', 'dense', 'ᵒᵘᵗ', residual, residualFile);
      result.residualHoverText = text;
      await shot('02c-hover-residual.png');
      const rule = /δ² = \(∂C\/∂aᵒᵘᵗ \+ W³ᵀδ³\) ⊙ σ'\(z²\) = \((\S+) [+−] (\d\S*)\) × (\S+) = (\S+)/.exec(text);
      check('the hover on a layer inside a residual block shows the chain rule with the identity term, with numbers', rule !== null, text.slice(0, 300));
      check('it says how much of the gradient arrives through the skip', /% of it arrives through the skip/.test(text), text.slice(-200));
      const expected = residualInspect ? inspectDeltaNorm(residualInspect, 'skip', 2) : null;
      result.residualDelta = { hover: rule && rule[4], inspect: expected };
      softCheck("its δ² equals grad inspect's ‖δ²‖ (one unit, one sample)", rule !== null && expected !== null && agreesToShownPrecision(rule[4].replace(/^-/, ''), expected),
        `hover ${rule && rule[4]}, grad inspect ${expected}`);
      mark('residual hover checked');
    });

    /** The webview frame (of any panel) whose page has `selector` with `text`; polls, since pages reload. */
    const findFrame = async (selector, text, timeout = 60000) => {
      for (let waited = 0; waited <= timeout; waited += 200) {
        for (const frame of page.frames()) {
          try {
            if (await frame.locator(selector, { hasText: text }).count() > 0) return frame;
          } catch (_) { /* detached while reloading */ }
        }
        await page.waitForTimeout(200);
      }
      throw new Error(`no webview shows ${selector} "${text}" within ${timeout / 1000} s`);
    };
    const command = async (title) => {
      await page.keyboard.press('F1');
      const qi = page.locator('.quick-input-widget input');
      await qi.waitFor({ timeout: 10000 });
      await qi.fill(`>${title}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 10000 });
      await page.keyboard.press('Enter');
    };
    const editorLines = (editor) => page.$$eval(`${editor} .view-line`, (ls) => ls.map((l) => l.textContent.replace(/\u00a0/g, ' ')));

    // --- 10. the what-if panel of run deep: move the learning rate, the overlay changes, Apply writes lr --
    await section('what-if', async () => {
      await page.keyboard.press('Escape');
      await page.locator('.tabs-container .tab', { hasText: 'seed.grad' }).first().click();
      await page.locator(seed).waitFor({ timeout: 15000 });
      await page.locator(`${seed} .view-lines`).click({ position: { x: 5, y: 5 } });
      const deepLine = fs.readFileSync(seedFile, 'utf8').split('\n').findIndex((l) => l.includes('train chain on point')) + 1;
      await page.keyboard.press('Control+G');
      await page.keyboard.type(String(deepLine));
      await page.keyboard.press('Enter');
      await command('Grad: What If… (Run at Cursor)');
      let frame = await findFrame('h1', 'What if: run deep');
      await frame.waitForSelector('body[data-answers="1"]', { timeout: 120000 });
      const lrBefore = await frame.locator('#knob-lr-value').innerText();
      const legendOf = (f) => f.$$eval('#chart-whatif-curve .u-legend th', (ths) => ths.map((th) => th.textContent.trim()).filter(Boolean));
      softCheck('the what-if panel opens on run deep with the file\'s lr and the run drawn twice (run and what-if)', lrBefore === '0.1',
        `lr ${lrBefore}, legend ${JSON.stringify(await legendOf(frame))}`);
      const at = Number(await frame.locator('#knob-lr').inputValue());
      await frame.locator('#knob-lr').fill(String(at + 3));
      const lrAfter = await frame.locator('#knob-lr-value').innerText();
      frame = await findFrame('body[data-answers="2"]', '', 120000);
      const label = await frame.evaluate(() => document.body.dataset.label);
      const legend = await legendOf(frame);
      const summaries = await frame.locator('#grad-summaries').innerText();
      result.whatIf = { lrBefore, lrAfter, label, legend, summaries };
      console.log('what-if:', JSON.stringify(result.whatIf));
      await shot('06-what-if.png');
      check('moving the lr slider re-runs deep with that lr: the overlay is the what-if\'s', label === `lr = ${lrAfter}` && legend.includes(`what-if (lr = ${lrAfter})`),
        `label ${label}, legend ${JSON.stringify(legend)}`);
      const [runLine, whatIfLine] = summaries.split(/\n+/);
      softCheck('the what-if\'s summary differs from the run\'s', runLine && whatIfLine && runLine.split(': ')[1] !== whatIfLine.split(': ')[1], summaries);

      await frame.locator('#grad-apply').click();
      await frame.waitForSelector('#grad-status:has-text("Wrote")', { timeout: 30000 });
      const written = `optimizer sgd(lr = ${lrAfter})`;
      let lines = [];
      for (let waited = 0; waited < 10000 && !lines.some((l) => l.includes(written)); waited += 250) {
        lines = await editorLines(seed);
        await page.waitForTimeout(250);
      }
      result.whatIfApplied = lines.filter((l) => l.includes('optimizer'));
      await shot('07-what-if-applied.png');
      check(`Apply writes lr into the document (\`${written}\`)`, lines.some((l) => l.includes(written)), JSON.stringify(result.whatIfApplied));
      // One edit: one undo takes it back (in the editor, focused through its tab).
      await page.locator('.tabs-container .tab', { hasText: 'seed.grad' }).first().click();
      await page.waitForTimeout(300);
      await page.keyboard.press('Control+Z');
      await page.waitForTimeout(500);
      lines = await editorLines(seed);
      softCheck('one Undo takes the whole edit back', !lines.some((l) => l.includes(written)) && lines.some((l) => l.includes('optimizer sgd(lr = 0.1)')),
        JSON.stringify(lines.filter((l) => l.includes('optimizer'))));
      mark('what-if checked');
    });

    // --- 11. a live run: the panel updates while it goes; Cancel in its progress notification stops it ----
    await section('live run', async () => {
      await page.keyboard.press('Escape');
      // Into the first editor group (the panels are in the second), then live.grad there.
      await page.locator('.tabs-container .tab', { hasText: 'seed.grad' }).first().click();
      await openFile('live.grad');
      const live = editorFor('live.grad');
      await command('Grad: Show Gradient Flow');
      await findFrame('h1', 'Gradient flow: live.grad', 60000);
      const lens = page.locator(`${live} .codelens-decoration a`, { hasText: /Run/ }).first();
      await lens.waitFor({ timeout: 60000 });
      await lens.click();
      const progress = page.locator('.notification-toast', { hasText: 'Grad: running fit' }).first();
      await progress.waitFor({ state: 'visible', timeout: 60000 });
      // The panel draws the run so far while it goes, in place: the page posted to (data-updates counts the
      // updates) keeps a mark set on its window at the first one (a reloaded page would lose it).
      let noticeText = '';
      let drawn = 0;
      let livePage;
      let firstStep = -1;
      let lastStep = -1;
      let updates = 0;
      const stepOf = (text) => Number((/Running: step (\d+) of/.exec(text) || [])[1] ?? -1);
      for (let waited = 0; waited < 60000 && !(lastStep > firstStep && firstStep >= 0 && updates >= 2 && drawn > 0); waited += 300) {
        for (const frame of livePage ? [livePage] : page.frames()) {
          try {
            const notice = frame.locator('.grad-notice', { hasText: 'Running: step' });
            if (await notice.count() === 0 || await frame.locator('body[data-charts-drawn]').count() === 0) continue;
            noticeText = await notice.innerText();
            drawn = await frame.locator('figure.grad-chart-heatmap canvas').count();
            if (!livePage) {
              livePage = frame;
              firstStep = stepOf(noticeText);
              await frame.evaluate(() => { window.e2eMark = 'this page'; });
            }
            lastStep = stepOf(noticeText);
            updates = Number(await frame.evaluate(() => (window.e2eMark === 'this page' ? document.body.dataset.updates ?? 0 : -1)));
          } catch (_) { /* detached */ }
        }
        await page.waitForTimeout(300);
      }
      result.liveNotice = noticeText;
      result.liveUpdates = { firstStep, lastStep, updates };
      await shot('08-live-run.png');
      const stillRunning = await progress.isVisible();
      check('the panel shows the run so far (its heatmap) while it runs', /Running: step \d+ of 5000000/.test(noticeText) && drawn > 0 && stillRunning,
        `notice "${noticeText}", ${drawn} heatmap canvas(es), progress still shown: ${stillRunning}`);
      check('the panel updates in place while the run goes (posted data, the same page)', updates >= 2 && lastStep > firstStep,
        `step ${firstStep} → ${lastStep} on one page, ${updates} update(s) (−1: the page was reloaded)`);
      const progressText = (await progress.innerText()).replace(/\s+/g, ' ');
      softCheck('the progress notification says the step and the loss', /step \d+ of 5000000 · loss/.test(progressText), progressText);
      await progress.hover();
      await progress.locator('.monaco-button', { hasText: 'Cancel' }).first().click();
      const summary = page.locator('.notification-toast', { hasText: 'fit: cancelled' }).first();
      await summary.waitFor({ state: 'visible', timeout: 30000 });
      const summaryText = (await summary.locator('.notification-list-item-message').innerText()).trim();
      result.liveCancelled = summaryText;
      await shot('09-live-cancelled.png');
      check('Cancel in the progress notification stops the run, and its summary says it was cancelled', /fit: cancelled, \d+ steps/.test(summaryText), summaryText);
      mark('live run checked');
    });

    // --- 12. examples/landscape.grad: ▶ Run computes the run's loss landscape (grad.landscape.resolution, 21 by
    // default) and the panel draws it: the plane's level sets with the path, and the line from θ0 to θT ---------
    await section('landscape', async () => {
      await page.keyboard.press('Escape');
      await page.locator('.tabs-container .tab', { hasText: 'seed.grad' }).first().click();
      await openFile('landscape.grad');
      const landscape = editorFor('landscape.grad');
      await command('Grad: Show Gradient Flow');
      await findFrame('h1', 'Gradient flow: landscape.grad', 60000);
      const lens = page.locator(`${landscape} .codelens-decoration a`, { hasText: /Run/ }).first();
      await lens.waitFor({ timeout: 60000 });
      const started = Date.now();
      await lens.click();
      const frame = await findFrame('figcaption', 'run walk: loss landscape around the final weights', 30000);
      const seconds = (Date.now() - started) / 1000;
      await frame.waitForSelector('#chart-landscape-0 .grad-plot[data-contour-lines]', { timeout: 10000 });
      const contourLines = Number(await frame.locator('#chart-landscape-0 .grad-plot').getAttribute('data-contour-lines'));
      const canvases = await frame.locator('#chart-landscape-0 canvas, #chart-landscape-line-0 canvas').count();
      const lineCaption = await frame.locator('#chart-landscape-line-0 figcaption').innerText();
      result.landscape = { seconds, contourLines, canvases, lineCaption };
      await frame.locator('#chart-landscape-0').scrollIntoViewIfNeeded();
      await shot('10-landscape.png');
      check('after ▶ Run of landscape.grad the panel draws its loss landscape (level sets with the path, and the line)',
        contourLines > 0 && canvases >= 2 && /loss along θ0 \+ α\(θT − θ0\)/.test(lineCaption),
        `${contourLines} level lines, ${canvases} canvases, "${lineCaption}", ${seconds.toFixed(1)} s after the click`);
      mark('landscape checked');
    });

    // --- 9. diagnostics in a file with an error --------------------------------------------------------
    await section('diagnostics', async () => {
      await openFile('errors/bad.grad');
      const bad = editorFor('bad.grad');
      await page.locator(`${bad} .squiggly-error`).first().waitFor({ timeout: 60000 });
      await page.keyboard.press('Control+Shift+M');
      const row = page.locator('.markers-panel .monaco-list-row', { hasText: /sigmod|GRAD\d{4}/ }).first();
      await row.waitFor({ timeout: 20000 });
      const problem = (await row.innerText()).replace(/\s+/g, ' ').trim();
      result.problem = problem;
      await shot('04-diagnostics.png');
      check('bad.grad has a squiggle and a Problems entry from the server', /GRAD\d{4}/.test(problem) || /sigmod/.test(problem), problem);
      mark('diagnostics checked');
    });
    result.ok = checks.every((c) => c.ok);
    if (!result.ok) process.exitCode = 1;
  } catch (e) {
    result.error = e.message;
    await shot('failure.png').catch(() => {});
    console.error(`FAIL: ${e.stack}\nscreenshots: ${OUT}\ncode-server log and extension host logs (ud/logs/*/exthost1/): ${run}`);
    process.exitCode = 1;
  } finally {
    fs.writeFileSync(path.join(OUT, 'console.log'), consoleLog.join('\n'));
    fs.writeFileSync(path.join(OUT, 'result.json'), JSON.stringify(result, null, 2));
    // Keep the extension host log with the artefacts: it has the language client's output.
    try {
      const logs = path.join(dirs.ud, 'logs');
      for (const session of fs.readdirSync(logs)) {
        const exthost = path.join(logs, session, 'exthost1');
        if (!fs.existsSync(exthost)) continue;
        for (const f of fs.readdirSync(exthost, { recursive: true })) {
          if (String(f).endsWith('.log') && (String(f).includes('Grad') || String(f).includes('exthost'))) {
            fs.copyFileSync(path.join(exthost, String(f)), path.join(OUT, 'exthost-' + path.basename(String(f)).replace(/\s+/g, '_')));
          }
        }
      }
    } catch (_) { /* no logs */ }
    await browser.close();
    killServer();
    if (result.ok && process.env.E2E_KEEP !== '1') fs.rmSync(run, { recursive: true, force: true });
  }
  const failed = checks.filter((c) => !c.ok);
  console.log(result.ok ? `PASS: ${checks.length} checks in ${((Date.now() - t0) / 1000).toFixed(1)}s`
    : `FAILED: ${failed.length} of ${checks.length} checks failed${result.error ? ' (stopped early)' : ''}: ${failed.map((c) => c.name).join('; ')}`);
}

module.exports = { hoverDeltaNorm, agreesToShownPrecision, inspectDeltaNorm };
if (require.main === module) main().catch((e) => { console.error(e); process.exitCode = 1; });
