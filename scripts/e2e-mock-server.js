#!/usr/bin/env node
// A stand-in for the Grad language server, for checking the e2e harness itself (E2E_SERVER=mock):
// it speaks the same contract (hover with ‖δ‖, "▶ Run" lenses running grad.run, grad/runResults,
// grad/analysisState, diagnostics) but answers from the JSON the CLI printed (MOCK_INSPECT_JSON,
// MOCK_RUN_JSON files), so the e2e test's selectors and comparisons can be tried before the real
// server has every feature. It is never part of the product test: without E2E_SERVER=mock the
// e2e test uses the server bundled in the .vsix.
'use strict';
const fs = require('fs');
const path = require('path');
const root = path.resolve(__dirname, '..');
const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } =
  require(require.resolve('vscode-languageserver-protocol/node', { paths: [root] }));

const readJson = (env) => (process.env[env] && fs.existsSync(process.env[env]) ? JSON.parse(fs.readFileSync(process.env[env], 'utf8')) : null);
const inspect = readJson('MOCK_INSPECT_JSON');
const runs = readJson('MOCK_RUN_JSON');
const documents = new Map();
const ran = new Set();
const conn = createProtocolConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
const format = (x) => (Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5 ? String(+x.toPrecision(3)) : x.toExponential(2).replace('e+', 'e'));

conn.onRequest('initialize', () => ({
  capabilities: { textDocumentSync: 1, hoverProvider: true, codeLensProvider: {}, executeCommandProvider: { commands: ['grad.run'] } },
  serverInfo: { name: 'grad-mock' },
}));
conn.onNotification('initialized', () => {});
conn.onRequest('shutdown', () => null);
conn.onNotification('exit', () => process.exit(0));

function publish(uri) {
  const text = documents.get(uri) || '';
  const diagnostics = [];
  text.split('\n').forEach((line, i) => {
    const c = line.indexOf('sigmod');
    if (c >= 0) diagnostics.push({ range: { start: { line: i, character: c }, end: { line: i, character: c + 6 } }, severity: 1, code: 'GRAD0104', source: 'grad', message: "unknown activation 'sigmod' (mock)" });
  });
  conn.sendNotification('textDocument/publishDiagnostics', { uri, diagnostics });
  conn.sendNotification('grad/analysisState', { uri, state: 'ready' });
}
conn.onNotification('textDocument/didOpen', (p) => { documents.set(p.textDocument.uri, p.textDocument.text); publish(p.textDocument.uri); });
conn.onNotification('textDocument/didChange', (p) => { documents.set(p.textDocument.uri, p.contentChanges[p.contentChanges.length - 1].text); publish(p.textDocument.uri); });
conn.onNotification('textDocument/didClose', () => {});
conn.onNotification('workspace/didChangeConfiguration', () => {});

conn.onRequest('textDocument/hover', (p) => {
  const line = (documents.get(p.textDocument.uri) || '').split('\n')[p.position.line] || '';
  if (!/^\s*dense .* as out/.test(line) || !inspect) return null;
  const chain = inspect.networks.find((n) => n.name === 'chain');
  const layer = chain.layers[chain.layers.length - 1];
  return { contents: { kind: 'markdown', value: `**layer ${layer.index} of ${chain.layers.length}** in \`chain\` (mock)\n\n| | at initial weights |\n|---|---|\n| ‖δ⁹‖ | ${format(layer.deltaNorm)} |\n` } };
});

conn.onRequest('textDocument/codeLens', (p) => {
  const lines = (documents.get(p.textDocument.uri) || '').split('\n');
  const lenses = [];
  lines.forEach((line, i) => {
    const m = /^run (\w+)/.exec(line);
    if (m) lenses.push({ range: { start: { line: i, character: 0 }, end: { line: i, character: 3 } },
      command: { title: ran.has(m[1]) ? 'Run again · (mock)' : '▶ Run', command: 'grad.run', arguments: [p.textDocument.uri, m[1]] } });
  });
  return lenses;
});

conn.onRequest('workspace/executeCommand', (p) => {
  const [uri, name] = p.arguments;
  if (!runs) throw new Error('mock: no MOCK_RUN_JSON');
  if (process.env.MOCK_FAIL_RUNS === '1') throw new Error('mock: runs fail (MOCK_FAIL_RUNS=1)');
  if (name === undefined) { runs.runs.forEach((r) => ran.add(r.name)); return runs; }
  ran.add(name);
  void uri;
  return runs.runs.find((r) => r.name === name) ?? null;
});
conn.onRequest('grad/runResults', () => ({ ...runs, runs: runs.runs.filter((r) => ran.has(r.name)) }));
conn.listen();
