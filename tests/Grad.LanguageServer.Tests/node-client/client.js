// Starts the built Grad language server over stdio and talks to it with
// vscode-languageserver-protocol (the library VS Code's client is built on):
// initialize, open a file, wait for its diagnostics, hover a layer, shutdown, exit.
// Usage: node client.js <Grad.LanguageServer.dll> <file.grad>
// Prints one JSON object with what it saw; exits non-zero on any failure.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const url = require('url');
const rpc = require('vscode-languageserver-protocol/node');

const [serverDll, file] = process.argv.slice(2);
const timeoutMs = 60000;
const timer = setTimeout(() => fail(new Error('timed out')), timeoutMs);

function fail(error) {
  console.error(String(error && error.stack || error));
  try { child.kill(); } catch { /* already gone */ }
  process.exit(1);
}

const child = spawn('dotnet', [serverDll, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
let stderr = '';
child.stderr.on('data', (chunk) => { stderr += chunk; });
child.on('error', fail);

const connection = rpc.createProtocolConnection(
  new rpc.StreamMessageReader(child.stdout),
  new rpc.StreamMessageWriter(child.stdin));
connection.onError((e) => fail(e[0]));

const uri = url.pathToFileURL(path.resolve(file)).href;
const text = fs.readFileSync(file, 'utf8');
const diagnosticsSeen = new Promise((resolve) => {
  connection.onNotification(rpc.PublishDiagnosticsNotification.type, (params) => {
    if (params.uri === uri && params.diagnostics.length > 0) {
      resolve(params);
    }
  });
});
connection.listen();

(async () => {
  const init = await connection.sendRequest(rpc.InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { textDocument: { hover: { contentFormat: ['markdown'] } } },
    initializationOptions: { analysis: { debounceMs: 0 } },
  });
  await connection.sendNotification(rpc.InitializedNotification.type, {});
  await connection.sendNotification(rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'grad', version: 1, text },
  });
  const diagnostics = await diagnosticsSeen;

  const lines = text.split(/\r?\n/);
  const line = lines.findIndex((l) => l.includes('as out'));
  const hover = await connection.sendRequest(rpc.HoverRequest.type, {
    textDocument: { uri },
    position: { line, character: lines[line].indexOf('dense') + 1 },
  });

  await connection.sendRequest(rpc.ShutdownRequest.type);
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  await connection.sendNotification(rpc.ExitNotification.type);
  const exitCode = await exited;
  clearTimeout(timer);
  connection.dispose();
  console.log(JSON.stringify({
    serverName: init.serverInfo && init.serverInfo.name,
    hoverProvider: init.capabilities.hoverProvider === true,
    diagnostics: diagnostics.diagnostics.map((d) => ({ code: d.code, line: d.range.start.line, message: d.message })),
    hover: hover && hover.contents && hover.contents.value,
    exitCode,
  }));
})().catch(fail);
