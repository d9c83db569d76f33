// A stand-in for the `vscode` module and for `vscode-languageclient/node`, installed in Node's module
// loader before the extension is required, so that activate() runs under plain `node --test`.
// It records what the extension does (messages, registered commands, the LanguageClient it builds).
import Module = require('module');
import * as path from 'path';

export interface Recorded {
  errors: string[];
  infos: string[];
  warnings: string[];
  commands: Map<string, (...args: unknown[]) => unknown>;
  clients: FakeLanguageClient[];
  statusItems: { text: string; tooltip?: string; visible: boolean }[];
  panels: { title: string; options?: unknown; webview: FakeWebview }[];
  logs: string[];
  /** Every vscode.window.withProgress: its options, what was reported, and its cancel button. */
  progress: { options: any; reports: unknown[]; cancel(): void }[];
}

/** A webview as far as the panels use it: its HTML, the messages posted to it, and receive() to play the page's messages. */
export interface FakeWebview {
  html: string;
  cspSource: string;
  posted: unknown[];
  receive(message: unknown): void;
}

export const recorded: Recorded = { errors: [], infos: [], warnings: [], commands: new Map(), clients: [], statusItems: [], panels: [], logs: [], progress: [] };

/** The `grad` section of the settings, by key (e.g. `analysis.debounceMs`). */
export const settings = new Map<string, unknown>();
let configListeners: ((e: { affectsConfiguration(section: string): boolean }) => void)[] = [];
let activeEditorListeners: (() => void)[] = [];
let trustListeners: (() => void)[] = [];

export interface FakeEditor {
  document: { languageId: string; uri: { toString(): string }; fileName?: string; getText?(): string; offsetAt?(p: unknown): number };
  selection?: { active: unknown };
}
export const fakeWindow = { activeTextEditor: undefined as undefined | FakeEditor };

export function resetRecorded(): void {
  recorded.errors.length = 0; recorded.infos.length = 0; recorded.warnings.length = 0;
  recorded.commands.clear(); recorded.clients.length = 0; recorded.statusItems.length = 0; recorded.logs.length = 0;
  recorded.panels.length = 0; recorded.progress.length = 0;
  settings.clear();
  configListeners = []; activeEditorListeners = []; trustListeners = [];
  vscode.workspace.isTrusted = true;
  fakeWindow.activeTextEditor = undefined;
}

/** Opens the workspace in Restricted Mode (call before activate). */
export function restrictWorkspace(): void {
  vscode.workspace.isTrusted = false;
}

/** Leaves Restricted Mode: the workspace becomes trusted and onDidGrantWorkspaceTrust fires. */
export function grantTrust(): void {
  vscode.workspace.isTrusted = true;
  for (const l of trustListeners) l();
}

/** Fires onDidChangeConfiguration for the given changed settings (e.g. `grad.analysis.debounceMs`). */
export function changeConfiguration(...changed: string[]): void {
  const e = { affectsConfiguration: (section: string) => changed.some((c) => c === section || c.startsWith(section + '.')) };
  for (const l of configListeners) l(e);
}

export function setActiveEditor(languageId: string, uri: string, text = '', cursorOffset = 0): void {
  fakeWindow.activeTextEditor = {
    document: { languageId, uri: { toString: () => uri }, fileName: uri.replace('file://', ''), getText: () => text, offsetAt: (p) => p as number },
    // The cursor as VS Code gives it: line and character (UTF-16) of the offset.
    selection: { active: { line: text.slice(0, cursorOffset).split('\n').length - 1, character: cursorOffset - (text.lastIndexOf('\n', cursorOffset - 1) + 1) } },
  };
  for (const l of activeEditorListeners) l();
}

const disposable = { dispose() { /* nothing */ } };

const vscode = {
  StatusBarAlignment: { Left: 1, Right: 2 },
  ProgressLocation: { Notification: 15 },
  ViewColumn: { Beside: -2 },
  ThemeColor: class { constructor(public id: string) {} },
  Uri: {
    parse: (s: string) => ({ toString: () => s }),
    file: (p: string) => ({ fsPath: p, toString: () => `file://${p}` }),
    joinPath: (base: { fsPath: string }, ...parts: string[]) => {
      const p = path.join(base.fsPath, ...parts);
      return { fsPath: p, toString: () => `file://${p}` };
    },
  },
  env: { openExternal: async () => true },
  window: {
    get activeTextEditor() { return fakeWindow.activeTextEditor; },
    createOutputChannel: () => ({
      info: (m: string) => recorded.logs.push(`info ${m}`), error: (m: string) => recorded.logs.push(`error ${m}`),
      warn: (m: string) => recorded.logs.push(`warn ${m}`), appendLine: (m: string) => recorded.logs.push(m),
      show() { /* nothing */ }, dispose() { /* nothing */ },
    }),
    createStatusBarItem: () => {
      const item = { text: '', tooltip: undefined as string | undefined, visible: false, name: '', command: '', backgroundColor: undefined,
        show() { item.visible = true; }, hide() { item.visible = false; }, dispose() { /* nothing */ } };
      recorded.statusItems.push(item);
      return item;
    },
    showErrorMessage: async (m: string) => { recorded.errors.push(m); return undefined; },
    showWarningMessage: async (m: string) => { recorded.warnings.push(m); return undefined; },
    showInformationMessage: async (m: string) => { recorded.infos.push(m); return undefined; },
    onDidChangeActiveTextEditor: (l: () => void) => { activeEditorListeners.push(l); return disposable; },
    createWebviewPanel: (_type: string, title: string, _column: unknown, options?: unknown) => {
      const listeners: ((message: unknown) => void)[] = [];
      const webview = { html: '', cspSource: 'vscode-webview:', posted: [] as unknown[],
        asWebviewUri: (uri: { fsPath: string }) => ({ toString: () => `vscode-webview://resource${uri.fsPath}` }),
        postMessage: async (message: unknown) => { webview.posted.push(message); return true; },
        onDidReceiveMessage: (l: (message: unknown) => void) => { listeners.push(l); return disposable; },
        receive: (message: unknown) => { for (const l of listeners) l(message); } };
      const panel = { title, options, webview, reveal() { /* nothing */ },
        onDidDispose: () => disposable, dispose() { /* nothing */ } };
      recorded.panels.push(panel);
      return panel;
    },
    withProgress: async (o: unknown, task: (p: unknown, token: unknown) => Promise<unknown>) => {
      // What was reported, and a cancel button a test can press (progress.cancel()).
      const shown = { options: o, reports: [] as unknown[], cancelListeners: [] as (() => void)[], cancel() { for (const l of this.cancelListeners) l(); } };
      recorded.progress.push(shown);
      return task({ report: (r: unknown) => shown.reports.push(r) }, { onCancellationRequested: (l: () => void) => { shown.cancelListeners.push(l); return disposable; } });
    },
  },
  workspace: {
    workspaceFolders: undefined as { uri: { fsPath: string } }[] | undefined,
    isTrusted: true,
    onDidGrantWorkspaceTrust: (l: () => void) => { trustListeners.push(l); return disposable; },
    getConfiguration: (section: string) => ({
      get: (key: string) => (section === 'grad' ? settings.get(key) : undefined),
    }),
    onDidChangeConfiguration: (l: (e: { affectsConfiguration(s: string): boolean }) => void) => { configListeners.push(l); return disposable; },
    onDidCloseTextDocument: () => disposable,
  },
  commands: {
    registerCommand: (id: string, f: (...args: unknown[]) => unknown) => { recorded.commands.set(id, f); return disposable; },
    executeCommand: async () => undefined,
  },
};

export { ResponseError as FakeResponseError };

export class FakeLanguageClient {
  state = 1; // Stopped
  started = false;
  stopped = false;
  readonly notificationsSent: { method: string; params: unknown }[] = [];
  readonly requestsSent: { method: string; params: unknown }[] = [];
  /** What sendRequest answers, by method. */
  readonly responses = new Map<string, unknown>();
  readonly notificationHandlers = new Map<string, (params: unknown) => void>();
  readonly requestHandlers = new Map<string, (params: any) => unknown>();
  readonly progressHandlers = new Map<string, (value: any) => void>();
  /** Set by a test to make start() fail. */
  static failStartWith: Error | undefined;

  constructor(public id: string, public name: string, public serverOptions: any, public clientOptions: any) {
    recorded.clients.push(this);
  }
  onNotification(type: { method: string } | string, handler: (params: unknown) => void) {
    this.notificationHandlers.set(typeof type === 'string' ? type : type.method, handler);
    return disposable;
  }
  onRequest(type: { method: string }, handler: (params: any) => unknown) {
    this.requestHandlers.set(type.method, handler);
    return disposable;
  }
  onProgress(_type: unknown, token: string, handler: (value: any) => void) {
    this.progressHandlers.set(token, handler);
    return { dispose: () => this.progressHandlers.delete(token) };
  }
  onDidChangeState() { return disposable; }
  async start() {
    if (FakeLanguageClient.failStartWith) throw FakeLanguageClient.failStartWith;
    this.started = true; this.state = 2; // Running
  }
  async stop() { this.stopped = true; this.state = 1; }
  async sendNotification(type: { method: string } | string, params: unknown) {
    this.notificationsSent.push({ method: typeof type === 'string' ? type : type.method, params });
  }
  async sendRequest(type: { method: string } | string, params: unknown) {
    const method = typeof type === 'string' ? type : type.method;
    this.requestsSent.push({ method, params });
    const response = this.responses.get(method);
    if (response instanceof Error) throw response;
    return response ?? null;
  }
}

class ResponseError extends Error {
  constructor(public code: number, message: string) { super(message); }
}

const languageClientModule = {
  ResponseError,
  LSPErrorCodes: { RequestCancelled: -32800 },
  LanguageClient: FakeLanguageClient,
  State: { Stopped: 1, Running: 2, Starting: 3 },
  ExecuteCommandRequest: { type: { method: 'workspace/executeCommand' } },
  RequestType: class { constructor(public method: string) {} },
  NotificationType: class { constructor(public method: string) {} },
  TransportKind: { stdio: 0 },
  WorkDoneProgress: { type: { method: '$/progress' } },
  WorkDoneProgressCreateRequest: { type: { method: 'window/workDoneProgress/create' } },
  WorkDoneProgressCancelNotification: { type: { method: 'window/workDoneProgress/cancel' } },
};

const moduleInternals = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
const originalLoad = moduleInternals._load;
moduleInternals._load = function (request: string, parent: unknown, isMain: boolean) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return languageClientModule;
  return originalLoad.call(this, request, parent, isMain);
};

/** The extension's source folder in the compiled test output (out/src). */
export const compiledSrc = path.resolve(__dirname, '..', '..', 'src');
