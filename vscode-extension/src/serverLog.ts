// The language server's stderr, line by line, into the log output channel at the level each line
// names. The server sends its log lines as window/logMessage, which vscode-languageclient shows at
// their level; stderr carries only what it could not send (no client yet, or none any more), as
// `[grad-ls HH:MM:SS.fff] LEVEL: message`. vscode-languageclient's default would show every stderr
// line as an error.
import * as readline from 'readline';
import type { Readable } from 'stream';
import type { LogOutputChannel } from 'vscode';

type Levels = Pick<LogOutputChannel, 'error' | 'warn' | 'info' | 'trace'>;

const SERVER_LINE = /^\[grad-ls [0-9:.]+\] (error|warning|info|log|trace): (.*)$/;

/** One stderr line at its level; a line that is not the server's log (the .NET runtime's crash report) is an error. */
export function logServerLine(line: string, channel: Levels): void {
  const match = SERVER_LINE.exec(line);
  if (!match) {
    if (line.trim() !== '') channel.error(line);
    return;
  }
  const [, level, message] = match;
  switch (level) {
    case 'error': channel.error(message); break;
    case 'warning': channel.warn(message); break;
    case 'trace': channel.trace(message); break;
    default: channel.info(message); // info, and LSP's "log" type, which vscode-languageclient also shows as info
  }
}

function lines(input: Readable, each: (line: string) => void): void {
  readline.createInterface({ input, crlfDelay: Infinity, terminal: false, historySize: 0 }).on('line', each);
}

/** `LanguageClientOptions.stdioOptions`: stdout as the default does (info), stderr by the level of each line. */
export const serverStdio = {
  stdout: (input: Readable, channel: LogOutputChannel) => lines(input, (line) => channel.info(line)),
  stderr: (input: Readable, channel: LogOutputChannel) => lines(input, (line) => logServerLine(line, channel)),
};
