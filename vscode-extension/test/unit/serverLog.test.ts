// The server's log lines land in the output channel at their level: its stderr lines by the level
// they name (the server writes there only without a client), never all as errors.
import { compiledSrc } from './fakeVscode';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { logServerLine, serverStdio } = require(path.join(compiledSrc, 'serverLog')) as typeof import('../../src/serverLog');

function channel() {
  const lines: string[] = [];
  const at = (level: string) => (m: string) => { lines.push(`${level} ${m}`); };
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), trace: at('trace') };
}

test('each stderr line of the server lands at the level it names', () => {
  const c = channel();
  logServerLine('[grad-ls 17:01:02.345] info: initialize: debounce 300 ms, autoRun true, budget 20 s', c);
  logServerLine('[grad-ls 17:01:02.346] warning: didChange for file:///a.grad, which is not open: ignored', c);
  logServerLine('[grad-ls 17:01:02.347] error: analysis of file:///a.grad v3 crashed: boom', c);
  logServerLine('[grad-ls 17:01:02.348] log: a plain log line', c);
  logServerLine('[grad-ls 17:01:02.349] trace: client/registerCapability failed', c);
  logServerLine('Unhandled exception. System.InvalidOperationException: not the server\'s log', c);
  logServerLine('', c);
  assert.deepEqual(c.lines, [
    'info initialize: debounce 300 ms, autoRun true, budget 20 s',
    'warn didChange for file:///a.grad, which is not open: ignored',
    'error analysis of file:///a.grad v3 crashed: boom',
    'info a plain log line',
    'trace client/registerCapability failed',
    'error Unhandled exception. System.InvalidOperationException: not the server\'s log',
  ]);
});

test('serverStdio.stderr splits the stream into lines and routes each', async () => {
  const c = channel();
  const input = Readable.from(['[grad-ls 10:00:00.000] info: connection ', 'closed: Remote\n[grad-ls 10:00:00.001] error: connection closed on bad input\n']);
  serverStdio.stderr(input, c as unknown as import('vscode').LogOutputChannel);
  await new Promise((resolve) => input.on('end', resolve));
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(c.lines, ['info connection closed: Remote', 'error connection closed on bad input']);
});
