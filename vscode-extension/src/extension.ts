// Entry point: contributes the commands and the status bar item, and starts the language client.
// Everything that can be decided without VS Code lives in pure modules (serverResolution, settings,
// runResults, runLocator, status) with unit tests.
import * as path from 'path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LSPErrorCodes, ResponseError } from 'vscode-languageclient/node';
import { GradClient } from './client';
import { RUN_COMMAND, RunResultsRequest } from './protocol';
import { FileResults, RunResult, summarizeFile, summarizeRun } from './runResults';
import { findRunAt, findRunBlocks } from './runLocator';
import { GradientFlowPanel } from './panel/gradientFlowPanel';

let gradClient: GradClient | undefined;
let gradientFlowPanel: GradientFlowPanel | undefined;

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
    async (uri) => (await client.languageClient?.sendRequest(RunResultsRequest, { uri })) ?? null);
  gradientFlowPanel = panel;
  client.onAnalysisState = (state) => { if (state.state === 'ready') panel.refreshSoon(state.uri); };
  context.subscriptions.push(client, panel);

  context.subscriptions.push(
    vscode.commands.registerCommand('grad.restartServer', () => client.restart()),
    vscode.commands.registerCommand('grad.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('grad.runFile', () => runFile(client)),
    vscode.commands.registerCommand('grad.runAtCursor', () => runAtCursor(client)),
    vscode.commands.registerCommand('grad.showGradientFlow', () => showGradientFlow(client)),
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

/** Runs every run of the file in the server and shows a summary; the table is one click away. */
async function runFile(client: GradClient): Promise<void> {
  const document = activeGradDocument();
  const languageClient = document && runningClient(client);
  if (!document || !languageClient) return;
  // The server runs the text it has (the editor's, saved or not): nothing to save first.
  // grad.run without a run name runs every run and answers the whole `grad run --json` object.
  const results = await withServer(client, 'Run File', `Grad: running ${path.basename(document.fileName)}`,
    (token) => languageClient.sendRequest(ExecuteCommandRequest.type,
      { command: RUN_COMMAND, arguments: [document.uri.toString()] }, token)) as FileResults | null | undefined;
  if (!results || !Array.isArray(results.runs)) return;
  client.output.info(summarizeFile(results));
  const uri = document.uri.toString();
  if (gradientFlowPanel?.uri === uri) gradientFlowPanel.show(results, uri);
  const choice = await vscode.window.showInformationMessage(`Grad ▸ ${summarizeFile(results)}`, 'Show Gradient Flow');
  if (choice) showGradientFlowPanel(results, uri);
}

/** Runs the `run` block around the cursor, the same way the "▶ Run" code lens does. */
async function runAtCursor(client: GradClient): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const document = activeGradDocument();
  const languageClient = document && runningClient(client);
  if (!editor || !document || !languageClient) return;
  const run = findRunAt(document.getText(), document.offsetAt(editor.selection.active));
  if (!run) {
    void vscode.window.showWarningMessage('Put the cursor inside a `run NAME { … }` block to run it.');
    return;
  }
  const result = await withServer(client, `Run ${run.name}`, `Grad: running ${run.name}`,
    (token) => languageClient.sendRequest(ExecuteCommandRequest.type,
      { command: RUN_COMMAND, arguments: [document.uri.toString(), run.name] }, token));
  if (result && typeof result === 'object' && 'name' in result) await showRunSummary(result as RunResult);
}

async function showRunSummary(run: RunResult): Promise<void> {
  const choice = await vscode.window.showInformationMessage(`Grad ▸ ${summarizeRun(run)}`, 'Show Gradient Flow');
  // The whole file's charts (the server has this run's result now), or this run's alone without an editor.
  if (choice && gradClient && vscode.window.activeTextEditor?.document.languageId === 'grad') await showGradientFlow(gradClient);
  else if (choice) showGradientFlowPanel({ file: `run ${run.name}`, runs: [run] });
}

/** The file's run results as charts (cost, gradients, ‖δ^l‖ per layer and over training) in a panel beside the editor. */
async function showGradientFlow(client: GradClient): Promise<void> {
  const document = activeGradDocument();
  const languageClient = document && runningClient(client);
  if (!document || !languageClient) return;
  const uri = document.uri.toString();
  const results = await withServer(client, 'Show Gradient Flow', `Grad: gradient flow of ${path.basename(document.fileName)}`,
    async (token) => {
      // The results the server has; when it has none for a file with runs, run them first.
      const known = await languageClient.sendRequest(RunResultsRequest, { uri }, token);
      if (known && known.runs.length > 0) return known;
      if (findRunBlocks(document.getText()).length === 0) return known;
      return await languageClient.sendRequest(ExecuteCommandRequest.type, { command: RUN_COMMAND, arguments: [uri] }, token) as FileResults | null;
    });
  if (results && Array.isArray(results.runs)) showGradientFlowPanel(results, uri);
}

function showGradientFlowPanel(results: FileResults, uri?: string): void {
  gradientFlowPanel?.show(results, uri);
}
