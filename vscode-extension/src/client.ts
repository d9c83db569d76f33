// Owns the LanguageClient: finds the server, starts and restarts it, forwards settings, and tracks
// the analysis state for the status bar.
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State } from 'vscode-languageclient/node';
import { AnalysisStateNotification, RUN_COMMAND, RunProgressNotification, type RunProgressParams } from './protocol';
import { showServerProgressAsNotifications } from './serverProgress';
import type { RunResult } from './runResults';
import { serverStdio } from './serverLog';
import { resolveServerLaunch, Resolution, DOTNET_DOWNLOAD_URL } from './serverResolution';
import { didChangeConfigurationParams, initializationOptions, readServerSettings, RESTART_SETTINGS, SERVER_SETTINGS_SECTIONS } from './settings';
import { AnalysisStateParams, documentState, statusView, StatusState } from './status';

export const CLIENT_ID = 'grad'; // also makes vscode-languageclient honour `grad.trace.server`
export const CLIENT_NAME = 'Grad Language Server';

/** The machine as the server resolution sees it; unit tests replace parts of it. */
export const host = {
  isFile(p: string): boolean {
    try { return fs.statSync(p).isFile(); } catch { return false; }
  },
  platform: process.platform,
  homeDir: os.homedir(),
};

/** Reads the settings and the environment and resolves how to start the server. */
export function resolveFromVsCode(extensionPath: string): Resolution {
  const config = vscode.workspace.getConfiguration('grad');
  return resolveServerLaunch({
    env: process.env,
    serverPathSetting: config.get<string>('server.path') ?? '',
    dotnetPathSetting: config.get<string>('dotnetPath') ?? '',
    extensionPath,
    // A relative server path never resolves into an untrusted workspace (it could ship a program).
    workspaceFolder: vscode.workspace.isTrusted ? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath : undefined,
    platform: host.platform,
    homeDir: host.homeDir,
    isFile: (p) => host.isFile(p),
  });
}

function currentServerSettings() {
  const config = vscode.workspace.getConfiguration('grad');
  return readServerSettings((key) => config.get(key));
}

export class GradClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly analysisStates = new Map<string, AnalysisStateParams>();
  private serverState: StatusState = 'starting';
  private serverMessage: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  /** Also told every `grad/analysisState` notification (the gradient-flow panel refreshes on "ready"). */
  onAnalysisState: ((params: AnalysisStateParams) => void) | undefined;
  /** Told every `grad/runProgress` notification: a live run's panel so far (the gradient-flow panel draws it). */
  onRunProgress: ((params: RunProgressParams) => void) | undefined;

  constructor(
    private readonly extensionPath: string,
    readonly output: vscode.LogOutputChannel,
    private readonly status: vscode.StatusBarItem,
    /** Called after a run from the "▶ Run" code lens (or any grad.run) returns. */
    private readonly onRunFinished: (run: RunResult) => void,
  ) {
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()),
      vscode.workspace.onDidChangeConfiguration((e) => this.onConfigurationChanged(e)),
      // Trust granted: a new server, which may read data files and run.
      vscode.workspace.onDidGrantWorkspaceTrust(() => { void this.restart(); }),
      vscode.workspace.onDidCloseTextDocument((d) => { this.analysisStates.delete(d.uri.toString()); }),
    );
  }

  get languageClient(): LanguageClient | undefined {
    return this.client?.state === State.Running ? this.client : undefined;
  }

  async start(): Promise<void> {
    this.setServerState('starting');
    const resolution = resolveFromVsCode(this.extensionPath);
    if (!resolution.ok) {
      this.output.error(resolution.message);
      this.setServerState('stopped', resolution.message);
      void this.showResolutionError(resolution);
      return;
    }
    const { launch } = resolution;
    this.output.info(`starting the language server (${launch.source}): ${launch.command} ${launch.args.join(' ')}`);
    const serverOptions: ServerOptions = { command: launch.command, args: launch.args, options: { env: process.env } };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'grad' }, { scheme: 'untitled', language: 'grad' }],
      outputChannel: this.output,
      stdioOptions: serverStdio,
      initializationOptions: initializationOptions(currentServerSettings(), vscode.workspace.isTrusted),
      middleware: {
        executeCommand: async (command, args, next) => {
          const result = await next(command, args);
          if (command === RUN_COMMAND && result && typeof result === 'object' && 'name' in result) this.onRunFinished(result as RunResult);
          return result;
        },
      },
    };
    const client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
    this.client = client;
    client.onNotification(AnalysisStateNotification, (params) => {
      this.analysisStates.set(params.uri, params);
      this.updateStatus();
      this.onAnalysisState?.(params);
    });
    client.onNotification(RunProgressNotification, (params) => this.onRunProgress?.(params));
    client.onDidChangeState((e) => {
      if (this.client !== client) return;
      // vscode-languageclient restarts a crashed server a few times on its own: follow it.
      if (e.newState === State.Stopped && this.serverState !== 'starting') {
        this.setServerState('stopped', 'The Grad language server stopped; see its output, or run "Grad: Restart Language Server".');
      } else if (e.newState === State.Running && this.serverState === 'stopped') {
        this.setServerState('ready');
      }
    });
    try {
      await client.start();
      this.disposables.push(showServerProgressAsNotifications(client));
      this.output.info('language server started');
      this.setServerState('ready');
    } catch (e) {
      const message = `The Grad language server did not start: ${e instanceof Error ? e.message : String(e)}`;
      this.output.error(message);
      this.setServerState('stopped', message);
      void vscode.window.showErrorMessage(message, 'Show Log').then((choice) => { if (choice) this.output.show(true); });
    }
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.analysisStates.clear();
    if (client && client.state !== State.Stopped) {
      try { await client.stop(3000); } catch (e) { this.output.info(`stopping the server: ${String(e)}`); }
    }
  }

  async restart(): Promise<void> {
    this.output.info('restarting the language server');
    await this.stop();
    await this.start();
  }

  private async showResolutionError(resolution: Extract<Resolution, { ok: false }>): Promise<void> {
    const actions = resolution.problem === 'dotnet-missing' ? ['Install .NET', 'Open Settings'] : ['Open Settings'];
    const choice = await vscode.window.showErrorMessage(resolution.message, ...actions);
    if (choice === 'Install .NET') await vscode.env.openExternal(vscode.Uri.parse(DOTNET_DOWNLOAD_URL));
    if (choice === 'Open Settings') {
      const setting = resolution.problem === 'server-missing' ? 'grad.server.path' : 'grad.dotnetPath';
      await vscode.commands.executeCommand('workbench.action.openSettings', setting);
    }
  }

  private onConfigurationChanged(e: vscode.ConfigurationChangeEvent): void {
    if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
      void this.restart();
      return;
    }
    if (SERVER_SETTINGS_SECTIONS.some((s) => e.affectsConfiguration(s)) && this.languageClient) {
      void this.languageClient.sendNotification('workspace/didChangeConfiguration', didChangeConfigurationParams(currentServerSettings(), vscode.workspace.isTrusted));
    }
  }

  private setServerState(state: StatusState, message?: string): void {
    this.serverState = state;
    this.serverMessage = message;
    this.updateStatus();
  }

  private updateStatus(): void {
    const editor = vscode.window.activeTextEditor;
    const view = this.serverState === 'ready'
      ? (() => { const d = documentState(this.analysisStates, editor?.document.uri.toString()); return statusView(d.state, d.message); })()
      : statusView(this.serverState, this.serverMessage);
    this.status.text = view.text;
    this.status.tooltip = view.tooltip;
    this.status.backgroundColor = view.isError ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    if (editor?.document.languageId === 'grad') this.status.show(); else this.status.hide();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    void this.stop();
  }
}
