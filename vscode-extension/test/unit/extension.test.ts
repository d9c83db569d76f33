// activate() under a stubbed `vscode` and `vscode-languageclient/node`: what the extension hands to the
// LanguageClient, which commands it registers, what it says when dotnet is missing, and what the status
// bar shows. The fakes must be installed before the extension module is loaded.
import { changeConfiguration, compiledSrc, FakeLanguageClient, FakeResponseError, grantTrust, recorded, resetRecorded, restrictWorkspace, setActiveEditor, settings } from './fakeVscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, test } from 'node:test';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require(path.join(compiledSrc, 'extension')) as typeof import('../../src/extension');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { dotnetMissingMessage, SERVER_PATH_ENV } = require(path.join(compiledSrc, 'serverResolution')) as typeof import('../../src/serverResolution');

// eslint-disable-next-line @typescript-eslint/no-require-imports
const clientModule = require(path.join(compiledSrc, 'client')) as typeof import('../../src/client');

const packageJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
let tmp: string;
let savedEnv: NodeJS.ProcessEnv;

function context(extensionPath: string) {
  return { subscriptions: [] as { dispose(): unknown }[], extensionPath } as unknown as import('vscode').ExtensionContext;
}
function touch(...parts: string[]): string {
  const p = path.join(tmp, ...parts);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, '');
  return p;
}
const statusText = () => recorded.statusItems[0]?.text ?? '';

beforeEach(() => {
  resetRecorded();
  FakeLanguageClient.failStartWith = undefined;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'grad-ext-test-'));
  savedEnv = { ...process.env };
  delete process.env[SERVER_PATH_ENV];
});
afterEach(async () => {
  await extension.deactivate();
  process.env = savedEnv;
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('no dotnet: no client, an error message with the fix, status "stopped"', async () => {
  touch('ext', 'server', 'Grad.LanguageServer.dll');
  process.env.PATH = path.join(tmp, 'empty-bin');
  delete process.env.DOTNET_ROOT;
  // This machine has a dotnet in a usual install folder: let the extension see only files under tmp.
  const realIsFile = clientModule.host.isFile;
  clientModule.host.isFile = (p) => p.startsWith(tmp) && realIsFile(p);
  try {
    await extension.activate(context(path.join(tmp, 'ext')));
  } finally {
    clientModule.host.isFile = realIsFile;
  }
  assert.equal(recorded.clients.length, 0);
  assert.deepEqual(recorded.errors, [dotnetMissingMessage()]);
  assert.match(statusText(), /Grad: stopped/);
});

test('the client gets the resolved command line, id "grad" and the settings as initializationOptions', async () => {
  const dll = touch('dev', 'Grad.LanguageServer.dll');
  const dotnet = touch('sdk', 'dotnet');
  process.env[SERVER_PATH_ENV] = dll;
  settings.set('dotnetPath', dotnet);
  settings.set('analysis.debounceMs', 0);
  settings.set('analysis.autoRun', true);
  settings.set('analysis.budgetSeconds', 3);
  await extension.activate(context(path.join(tmp, 'ext')));
  assert.equal(recorded.clients.length, 1);
  const client = recorded.clients[0];
  assert.equal(client.id, 'grad', 'id "grad" makes vscode-languageclient read grad.trace.server');
  assert.equal(client.serverOptions.command, dotnet);
  assert.deepEqual(client.serverOptions.args, [dll, '--stdio']);
  assert.deepEqual(client.clientOptions.initializationOptions,
    { analysis: { debounceMs: 0, autoRun: true, budgetSeconds: 3 }, limits: {}, data: { allowOutsideWorkspace: false }, landscape: { resolution: 21, directions: 'random' }, trusted: true });
  assert.deepEqual(client.clientOptions.documentSelector.map((s: { language: string }) => s.language), ['grad', 'grad']);
  assert.ok(client.started);
  assert.deepEqual(recorded.errors, []);

  // The server's stderr lines land in the output channel at the level they name, not all as errors.
  const stderr = Readable.from(['[grad-ls 10:00:00.000] info: connection closed: Remote\n[grad-ls 10:00:00.001] warning: answered a bad message body\n']);
  recorded.logs.length = 0;
  client.clientOptions.stdioOptions.stderr(stderr, client.clientOptions.outputChannel);
  await new Promise((resolve) => stderr.on('end', resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(recorded.logs, ['info connection closed: Remote', 'warn answered a bad message body']);
});

test('every command in package.json is registered, and "Grad: ready" shows on a grad file once started', async () => {
  process.env[SERVER_PATH_ENV] = touch('bin', 'grad-language-server');
  await extension.activate(context(path.join(tmp, 'ext')));
  const contributed = packageJson.contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual([...recorded.commands.keys()].sort(), contributed);
  for (const id of ['grad.runFile', 'grad.runAtCursor', 'grad.restartServer', 'grad.showGradientFlow']) assert.ok(contributed.includes(id), id);
  setActiveEditor('grad', 'file:///w/seed.grad');
  assert.match(statusText(), /Grad: ready$/);
  assert.equal(recorded.statusItems[0].visible, true);
  setActiveEditor('markdown', 'file:///w/README.md');
  assert.equal(recorded.statusItems[0].visible, false, 'hidden outside grad files');
});

test('grad/analysisState notifications drive the status of the active document', async () => {
  process.env[SERVER_PATH_ENV] = touch('bin', 'grad-language-server');
  await extension.activate(context(path.join(tmp, 'ext')));
  setActiveEditor('grad', 'file:///w/seed.grad');
  const notify = recorded.clients[0].notificationHandlers.get('grad/analysisState');
  assert.ok(notify, 'a handler for grad/analysisState');
  notify({ uri: 'file:///w/seed.grad', state: 'analysing' });
  assert.match(statusText(), /Grad: analysing/);
  notify({ uri: 'file:///w/other.grad', state: 'error', message: 'boom' });
  assert.match(statusText(), /Grad: analysing/, 'another document does not change the status');
  notify({ uri: 'file:///w/seed.grad', state: 'error', message: 'analysis crashed' });
  assert.match(statusText(), /Grad: error/);
  assert.equal(recorded.statusItems[0].tooltip, 'analysis crashed');
  notify({ uri: 'file:///w/seed.grad', state: 'ready' });
  assert.match(statusText(), /Grad: ready$/);
});

test('a live run\'s work-done progress is a cancellable notification; Cancel sends window/workDoneProgress/cancel', async () => {
  process.env[SERVER_PATH_ENV] = touch('bin', 'grad-language-server');
  await extension.activate(context(path.join(tmp, 'ext')));
  const client = recorded.clients[0];
  const create = client.requestHandlers.get('window/workDoneProgress/create');
  assert.ok(create, 'the extension answers window/workDoneProgress/create itself');
  create({ token: 'grad-run-1' });
  const progress = client.progressHandlers.get('grad-run-1');
  assert.ok(progress, 'it listens to the token\'s $/progress');
  progress({ kind: 'begin', title: 'Grad: running fit', cancellable: true, message: 'starting', percentage: 0 });
  await new Promise((resolve) => setImmediate(resolve));
  const shown = recorded.progress.at(-1)!;
  assert.deepEqual(shown.options, { location: 15, title: 'Grad: running fit', cancellable: true });
  progress({ kind: 'report', message: 'step 120 of 1000 · loss 0.25', percentage: 12 });
  progress({ kind: 'report', message: 'step 500 of 1000 · loss 0.125', percentage: 50 });
  assert.deepEqual(shown.reports, [{ message: 'starting' }, { message: 'step 120 of 1000 · loss 0.25', increment: 12 }, { message: 'step 500 of 1000 · loss 0.125', increment: 38 }]);
  shown.cancel();
  assert.deepEqual(client.notificationsSent.at(-1), { method: 'window/workDoneProgress/cancel', params: { token: 'grad-run-1' } });
  progress({ kind: 'end', message: 'cancelled: 500 steps, interrupted, loss 0.125' });
  assert.equal(client.progressHandlers.has('grad-run-1'), false, 'the listener ends with the progress');
});

test('changed analysis settings go to the running server; a changed server path restarts it', async () => {
  process.env[SERVER_PATH_ENV] = touch('bin', 'grad-language-server');
  await extension.activate(context(path.join(tmp, 'ext')));
  const first = recorded.clients[0];
  settings.set('analysis.debounceMs', 40);
  changeConfiguration('grad.analysis.debounceMs');
  assert.deepEqual(first.notificationsSent, [{ method: 'workspace/didChangeConfiguration',
    params: { settings: { grad: { analysis: { debounceMs: 40, autoRun: false, budgetSeconds: 10 }, limits: {}, data: { allowOutsideWorkspace: false }, landscape: { resolution: 21, directions: 'random' } } } } }]);
  changeConfiguration('editor.fontSize');
  assert.equal(first.notificationsSent.length, 1, 'unrelated settings are not sent');
  settings.set('landscape.resolution', 0);
  settings.set('landscape.directions', 'pca');
  changeConfiguration('grad.landscape.resolution');
  assert.deepEqual((first.notificationsSent.at(-1) as { params: { settings: { grad: { landscape: unknown } } } }).params.settings.grad.landscape,
    { resolution: 0, directions: 'pca' });
  changeConfiguration('grad.server.path');
  await new Promise((r) => setTimeout(r, 10));
  assert.ok(first.stopped, 'the old server was stopped');
  assert.equal(recorded.clients.length, 2, 'a new client was started');
  assert.ok(recorded.clients[1].started);
});

test('a server that fails to start: error message, status "stopped", restart command tries again', async () => {
  process.env[SERVER_PATH_ENV] = touch('bin', 'grad-language-server');
  FakeLanguageClient.failStartWith = new Error('spawn EACCES');
  await extension.activate(context(path.join(tmp, 'ext')));
  assert.equal(recorded.errors.length, 1);
  assert.match(recorded.errors[0], /did not start: spawn EACCES/);
  setActiveEditor('grad', 'file:///w/seed.grad');
  assert.match(statusText(), /Grad: stopped/);
  FakeLanguageClient.failStartWith = undefined;
  await recorded.commands.get('grad.restartServer')!();
  assert.equal(recorded.clients.length, 2);
  assert.match(statusText(), /Grad: ready$/);
});

const plainResult = { name: 'early', kind: 'minimize', optimizer: { name: 'sgd', lr: 0.5 }, stepsTaken: 2, stopReason: 'until',
  final: { cost: 0.997, params: { w1: 0.998, w2: 0 } } };
/** The server's panel data for the file with run early (grad/panel): its summary line is the server's text. */
const earlyPanel = { file: 'seed.grad', errors: [], runCount: 1, sections: [{ title: 'run early', run: 'early', kind: 'minimize', optimizer: 'sgd',
  summary: '2 steps, stopped by until, cost 0.997, w1 = 0.998, w2 = 0', charts: [] }] };

test('Run Experiment at Cursor asks the server which run holds the cursor, sends grad.run with [uri, it] and shows the server\'s summary', async () => {
  process.env[SERVER_PATH_ENV] = touch('bin', 'grad-language-server');
  await extension.activate(context(path.join(tmp, 'ext')));
  const text = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'examples', 'seed.grad'), 'utf8');
  const cursor = text.indexOf('until change < 1e-3');
  setActiveEditor('grad', 'file:///w/seed.grad', text, cursor);
  const client = recorded.clients[0];
  client.responses.set('grad/runAt', 'early');
  client.responses.set('workspace/executeCommand', plainResult);
  client.responses.set('grad/panel', earlyPanel);
  await recorded.commands.get('grad.runAtCursor')!();
  const line = text.slice(0, cursor).split('\n').length - 1;
  assert.deepEqual(client.requestsSent, [
    { method: 'grad/runAt', params: { textDocument: { uri: 'file:///w/seed.grad' }, position: { line, character: 2 } } },
    { method: 'workspace/executeCommand', params: { command: 'grad.run', arguments: ['file:///w/seed.grad', 'early'] } },
    { method: 'grad/panel', params: { uri: 'file:///w/seed.grad' } },
  ]);
  assert.deepEqual(recorded.infos, ['Grad ▸ early: 2 steps, stopped by until, cost 0.997, w1 = 0.998, w2 = 0']);
});

test('Run Experiment at Cursor outside a run block asks for one and runs nothing', async () => {
  process.env[SERVER_PATH_ENV] = touch('bin', 'grad-language-server');
  await extension.activate(context(path.join(tmp, 'ext')));
  const text = 'network n {\n  input 1\n}\n';
  setActiveEditor('grad', 'file:///w/n.grad', text, 5);
  await recorded.commands.get('grad.runAtCursor')!();
  assert.deepEqual(recorded.clients[0].requestsSent.map((r) => r.method), ['grad/runAt'], 'the server said: no run there');
  assert.equal(recorded.warnings.length, 1);
  assert.match(recorded.warnings[0], /inside a `run NAME/);
});

test('the ▶ Run code lens (the server command grad.run) shows the run summary the server writes', async () => {
  process.env[SERVER_PATH_ENV] = touch('bin', 'grad-language-server');
  await extension.activate(context(path.join(tmp, 'ext')));
  setActiveEditor('grad', 'file:///w/seed.grad', 'run early {\n}\n', 0);
  recorded.clients[0].responses.set('grad/panel', earlyPanel);
  const middleware = recorded.clients[0].clientOptions.middleware;
  const result = await middleware.executeCommand('grad.run', ['file:///w/seed.grad', 'early'], async () => plainResult);
  assert.equal(result, plainResult, 'the result is passed through');
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  assert.deepEqual(recorded.infos, ['Grad ▸ early: 2 steps, stopped by until, cost 0.997, w1 = 0.998, w2 = 0']);
  await middleware.executeCommand('grad.other', [], async () => ({ name: 'x' }));
  assert.equal(recorded.infos.length, 1, 'other commands show nothing');
});

test('Run File runs every run (grad.run with [uri] only) and summarises them in the server\'s words', async () => {
  process.env[SERVER_PATH_ENV] = touch('bin', 'grad-language-server');
  await extension.activate(context(path.join(tmp, 'ext')));
  setActiveEditor('grad', 'file:///w/seed.grad', 'run early {\n}\n', 0);
  recorded.clients[0].responses.set('workspace/executeCommand', { file: 'seed.grad', diagnostics: [], runs: [plainResult] });
  recorded.clients[0].responses.set('grad/panel', earlyPanel);
  await recorded.commands.get('grad.runFile')!();
  assert.deepEqual(recorded.clients[0].requestsSent, [
    { method: 'workspace/executeCommand', params: { command: 'grad.run', arguments: ['file:///w/seed.grad'] } },
    { method: 'grad/panel', params: { uri: 'file:///w/seed.grad' } },
  ]);
  assert.deepEqual(recorded.infos, ['Grad ▸ early: 2 steps, stopped by until, cost 0.997, w1 = 0.998, w2 = 0']);
});

test('Show Gradient Flow shows what the server has and runs nothing; the panel is reused', async () => {
  process.env[SERVER_PATH_ENV] = touch('bin', 'grad-language-server');
  await extension.activate(context(path.join(tmp, 'ext')));
  setActiveEditor('grad', 'file:///w/seed.grad', 'run early {\n}\n', 0);
  const client = recorded.clients[0];
  client.responses.set('grad/panel', earlyPanel);
  await recorded.commands.get('grad.showGradientFlow')!();
  assert.deepEqual(client.requestsSent.map((r) => r.method), ['grad/panel']);
  assert.equal(recorded.panels.length, 1);
  assert.match(recorded.panels[0].webview.html, /run early/);
  await recorded.commands.get('grad.showGradientFlow')!();
  assert.equal(recorded.panels.length, 1, 'the same panel is reused');
});

test('a run the server fails is one error message naming it; a cancelled one says nothing', async () => {
  process.env[SERVER_PATH_ENV] = touch('bin', 'grad-language-server');
  await extension.activate(context(path.join(tmp, 'ext')));
  setActiveEditor('grad', 'file:///w/seed.grad', 'run early {\n}\n', 3);
  const client = recorded.clients[0];
  client.responses.set('grad/runAt', 'early');
  client.responses.set('workspace/executeCommand', new FakeResponseError(-32000, "run 'early' has errors; fix them before running it"));
  await recorded.commands.get('grad.runAtCursor')!();
  assert.deepEqual(recorded.errors, ["Grad: Run early failed: run 'early' has errors; fix them before running it"]);
  client.responses.set('workspace/executeCommand', new FakeResponseError(-32800, 'cancelled'));
  await recorded.commands.get('grad.runFile')!();
  assert.equal(recorded.errors.length, 1, 'no message for a cancellation');
  assert.deepEqual(recorded.infos, []);
});

test('in Restricted Mode the server is told so (no data file, no run) and granting trust restarts it trusted', async () => {
  process.env[SERVER_PATH_ENV] = touch('bin', 'grad-language-server');
  settings.set('data.allowOutsideWorkspace', true);
  settings.set('limits', { layers: 50, parameters: 0, steps: 'many' });
  restrictWorkspace();
  await extension.activate(context(path.join(tmp, 'ext')));
  const restricted = recorded.clients[0];
  assert.deepEqual(restricted.clientOptions.initializationOptions,
    { analysis: { debounceMs: 250, autoRun: false, budgetSeconds: 10 }, limits: { layers: 50 }, data: { allowOutsideWorkspace: false }, landscape: { resolution: 21, directions: 'random' }, trusted: false });
  settings.set('limits', { layers: 60 });
  changeConfiguration('grad.limits.layers');
  assert.deepEqual(restricted.notificationsSent.at(-1), { method: 'workspace/didChangeConfiguration',
    params: { settings: { grad: { analysis: { debounceMs: 250, autoRun: false, budgetSeconds: 10 }, limits: { layers: 60 }, data: { allowOutsideWorkspace: false }, landscape: { resolution: 21, directions: 'random' } } } } });

  grantTrust();
  await new Promise((r) => setTimeout(r, 10));
  assert.ok(restricted.stopped, 'the restricted server was stopped');
  assert.equal(recorded.clients.length, 2);
  assert.equal(recorded.clients[1].clientOptions.initializationOptions.trusted, true);
  assert.equal(recorded.clients[1].clientOptions.initializationOptions.data.allowOutsideWorkspace, true);
});
