// Entry point: contributes the commands and the status bar item, and starts the language client.
// Everything that can be decided without VS Code lives in pure modules (serverResolution, settings,
// panel/panelData, panel/renderPanelHtml, status) with unit tests; the numbers and charts come from the server.
import * as path from 'path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LSPErrorCodes, ResponseError } from 'vscode-languageclient/node';
import { GradClient } from './client';
import { PanelRequest, RUN_COMMAND, RunAtRequest, WhatIfEditsRequest, WhatIfRequest } from './protocol';
import type { FileResults, RunResult } from './runResults';
import { GradientFlowPanel } from './panel/gradientFlowPanel';
import { summarizePanel } from './panel/panelData';
import { WhatIfPanel } from './panel/whatIfPanel';

let gradClient: GradClient | undefined;
let gradientFlowPanel: GradientFlowPanel | undefined;
let whatIfPanel: WhatIfPanel | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Grad Language Server', { log: true });
  const status = vscode.window.createStatusBarItem('grad.status', vscode.StatusBarAlignment.Left, 100);
  status.name = 'Grad analysis';
  status.command = 'grad.showOutput';
  context.subscriptions.push(output, status);

  const client = new GradClient(context.extensionPath, output, status, (run) => {
    void showRunSummary(run);
    panel.refreshSoon();
  });
  gradClient = client;
  // The charts follow their document: a new analysis (after an edit, or after a run) may bring new results.
  const panel = new GradientFlowPanel(context.extensionPath,
    async (uri) => (await client.languageClient?.sendRequest(PanelRequest, { uri })) ?? null);
  gradientFlowPanel = panel;
  client.onAnalysisState = (state) => { if (state.state === 'ready') panel.refreshSoon(state.uri); };
  client.onRunProgress = (progress) => panel.showLive(progress.uri, progress.panel, progress.message, progress.final);
  whatIfPanel = new WhatIfPanel(context.extensionPath, () => {
    const languageClient = client.languageClient;
    return languageClient && {
      whatIf: (params, token) => languageClient.sendRequest(WhatIfRequest, params, token),
      whatIfEdits: (params) => languageClient.sendRequest(WhatIfEditsRequest, params),
      asWorkspaceEdit: (edit) => languageClient.protocol2CodeConverter.asWorkspaceEdit(edit),
    };
  });
  context.subscriptions.push(client, panel, whatIfPanel);

  context.subscriptions.push(
    vscode.commands.registerCommand('grad.restartServer', () => client.restart()),
    vscode.commands.registerCommand('grad.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('grad.runFile', () => runFile(client)),
    vscode.commands.registerCommand('grad.runAtCursor', () => runAtCursor(client)),
    vscode.commands.registerCommand('grad.showGradientFlow', () => showGradientFlow(client)),
    vscode.commands.registerCommand('grad.whatIf', (uri?: string, run?: string) => showWhatIf(client, uri, run)),
  );

  await client.start();
}

export async function deactivate(): Promise<void> {
  const client = gradClient;
  gradClient = undefined;
  await client?.stop();
}

function activeGradDocument(): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (document?.languageId === 'grad') return document;
  void vscode.window.showWarningMessage('Open a .grad file first.');
  return undefined;
}

function runningClient(client: GradClient) {
  const languageClient = client.languageClient;
  if (!languageClient) {
    void vscode.window.showErrorMessage('The Grad language server is not running.', 'Show Log', 'Restart').then((choice) => {
      if (choice === 'Show Log') client.output.show(true);
      if (choice === 'Restart') void client.restart();
    });
  }
  return languageClient;
}

/**
 * Sends requests to the server under a cancellable progress notification. A failure (the server's
 * error, or no answer) becomes one error message naming the action; a cancellation is silent.
 */
async function withServer<T>(client: GradClient, action: string, title: string,
  task: (token: vscode.CancellationToken) => Promise<T>): Promise<T | undefined> {
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (_progress, token) => task(token));
  } catch (e) {
    if (e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled) return undefined;
    const message = e instanceof Error ? e.message : String(e);
    client.output.error(`${action} failed: ${message}`);
    void vscode.window.showErrorMessage(`Grad: ${action} failed: ${message}`, 'Show Log').then((choice) => { if (choice) client.output.show(true); });
    return undefined;
  }
}

/** Runs every run of the file in the server and shows a summary; the charts are one click away. */
async function runFile(client: GradClient): Promise<void> {
  const document = activeGradDocument();
  const languageClient = document && runningClient(client);
  if (!document || !languageClient) return;
  const uri = document.uri.toString();
  const results = await withServer(client, 'Run File', `Grad: running ${path.basename(document.fileName)}`,
    (token) => languageClient.sendRequest(ExecuteCommandRequest.type,
      { command: RUN_COMMAND, arguments: [uri] }, token)) as FileResults | null | undefined;
  if (!results || !Array.isArray(results.runs)) return;
  // The numbers as the server writes them: the summaries of its panel data.
  const panel = await languageClient.sendRequest(PanelRequest, { uri }).catch(() => null);
  const summary = panel ? summarizePanel(panel) : `${path.basename(document.fileName)}: ${results.runs.length} run${results.runs.length === 1 ? '' : 's'} finished`;
  client.output.info(summary);
  if (gradientFlowPanel?.uri === uri) void gradientFlowPanel.show(uri);
  const choice = await vscode.window.showInformationMessage(`Grad ▸ ${summary}`, 'Show Gradient Flow');
  if (choice) await gradientFlowPanel?.show(uri);
}

/** Runs the `run` block around the cursor (the server knows where each run is), as the "▶ Run" code lens does. */
async function runAtCursor(client: GradClient): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const document = activeGradDocument();
  const languageClient = document && runningClient(client);
  if (!editor || !document || !languageClient) return;
  const uri = document.uri.toString();
  const position = editor.selection.active;
  const name = await languageClient.sendRequest(RunAtRequest, { textDocument: { uri }, position: { line: position.line, character: position.character } })
    .catch(() => null);
  if (!name) {
    void vscode.window.showWarningMessage('Put the cursor inside a `run NAME { … }` block to run it.');
    return;
  }
  const result = await withServer(client, `Run ${name}`, `Grad: running ${name}`,
    (token) => languageClient.sendRequest(ExecuteCommandRequest.type,
      { command: RUN_COMMAND, arguments: [uri, name] }, token));
  if (result && typeof result === 'object' && 'name' in result) await showRunSummary(result as RunResult);
}

/**
 * The what-if panel for a run: `uri` and `run` as a code lens or a test passes them, else the run around the cursor
 * (the server knows where each run is).
 */
async function showWhatIf(client: GradClient, uri?: string, run?: string): Promise<void> {
  if (uri === undefined || run === undefined) {
    const editor = vscode.window.activeTextEditor;
    const document = activeGradDocument();
    const languageClient = document && runningClient(client);
    if (!editor || !document || !languageClient) return;
    uri = document.uri.toString();
    const position = editor.selection.active;
    run = await languageClient.sendRequest(RunAtRequest, { textDocument: { uri }, position: { line: position.line, character: position.character } })
      .catch(() => null) ?? undefined;
    if (!run) {
      void vscode.window.showWarningMessage('Put the cursor inside a `run NAME { … }` block to ask what if.');
      return;
    }
  }
  whatIfPanel?.show(uri, run);
}

/** A run finished (the code lens or Run at Cursor): its summary line from the server's panel data, and the charts a click away. */
async function showRunSummary(run: RunResult): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  const uri = document?.languageId === 'grad' ? document.uri.toString() : undefined;
  const panel = uri ? await gradClient?.languageClient?.sendRequest(PanelRequest, { uri }).catch(() => null) : null;
  const section = panel?.sections.find((s) => s.run === run.name);
  const summary = (run.stopReason === 'cancelled' ? 'cancelled, ' : '') + (section?.summary ?? (run.error ? `failed: ${run.error}` : `${run.stepsTaken ?? 0} steps`));
  const choice = await vscode.window.showInformationMessage(`Grad ▸ ${run.name}: ${summary}`, 'Show Gradient Flow');
  if (choice && uri) await gradientFlowPanel?.show(uri);
}

/**
 * The file's charts in a panel beside the editor: as soon as it opens, every network's ‖δˡ‖ at its initial
 * weights, and the results of the runs the server has run (cost, gradients, ‖δˡ‖ per layer and over training).
 */
async function showGradientFlow(client: GradClient): Promise<void> {
  const document = activeGradDocument();
  const languageClient = document && runningClient(client);
  if (!document || !languageClient || !gradientFlowPanel) return;
  const shown = await withServer(client, 'Show Gradient Flow', `Grad: gradient flow of ${path.basename(document.fileName)}`,
    () => gradientFlowPanel!.show(document.uri.toString()));
  if (shown === false) void vscode.window.showWarningMessage('The Grad language server has nothing for this file yet: try again once it has analysed it.');
}
