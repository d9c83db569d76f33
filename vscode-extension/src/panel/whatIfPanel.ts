// The what-if panel: one webview beside the editor for one run of one document. Each move of a knob in the webview
// becomes a `grad/whatIf` request (the previous one is cancelled here and in the server); the answer goes back to the
// webview as it is. "Apply" asks the server for the edit (`grad/whatIfEdits`: it knows where lr, the repeat count, …
// are written) and applies it as one WorkspaceEdit, so one undo takes it back.
import { randomBytes } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import { renderWhatIfHtml } from './renderWhatIfHtml';
import type { WhatIfAnswer, WhatIfEditsAnswer, WhatIfHostMessage, WhatIfOverrides, WhatIfWebviewMessage } from './whatIfData';

/** What the panel needs of the language client (tests give their own). */
export interface WhatIfServer {
  whatIf(params: { uri: string; run: string; overrides: WhatIfOverrides }, token: vscode.CancellationToken): Promise<WhatIfAnswer>;
  whatIfEdits(params: { uri: string; run: string; overrides: WhatIfOverrides }): Promise<WhatIfEditsAnswer>;
  /** The server's WorkspaceEdit as VS Code's. */
  asWorkspaceEdit(edit: WhatIfEditsAnswer['edit']): Promise<vscode.WorkspaceEdit | undefined>;
}

/** True for the error a cancelled request ends with (a newer move replaced it): not shown. */
function isCancellation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (('code' in e && (e as { code: unknown }).code === -32800) || e instanceof vscode.CancellationError);
}

export class WhatIfPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private target: { uri: string; run: string } | undefined;
  private pending: vscode.CancellationTokenSource | undefined;

  constructor(private readonly extensionPath: string, private readonly server: () => WhatIfServer | undefined) {}

  /** The run the panel shows, while it is open. */
  get shown(): { uri: string; run: string } | undefined {
    return this.panel ? this.target : undefined;
  }

  /** Opens (or reuses) the panel for `run` of the document `uri` and asks the server for the run as the file says. */
  show(uri: string, run: string): void {
    if (!this.panel) {
      const root = vscode.Uri.file(this.extensionPath);
      this.panel = vscode.window.createWebviewPanel('grad.whatIf', `What if: ${run}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview')],
      });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.pending?.cancel();
      });
      this.panel.webview.onDidReceiveMessage((message: WhatIfWebviewMessage) => {
        // The page is listening once it says so: only then is the first answer (the run as the file says) sent.
        if (message.type === 'ready') void this.ask({});
        else if (message.type === 'whatIf') void this.ask(message.overrides);
        else if (message.type === 'apply') void this.apply(message.overrides);
      });
    }
    this.target = { uri, run };
    const webview = this.panel.webview;
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(vscode.Uri.file(this.extensionPath), 'dist', 'webview', name)).toString();
    this.panel.title = `What if: ${run}`;
    webview.html = renderWhatIfHtml(run, path.basename(vscode.Uri.parse(uri).fsPath), {
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: asset('whatIf.js'),
      styleUri: asset('whatIf.css'),
    });
    this.panel.reveal(undefined, true);
  }

  private post(message: WhatIfHostMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  /** One what-if: the one before it is cancelled (the server cancels its run too). */
  private async ask(overrides: WhatIfOverrides): Promise<void> {
    const server = this.server();
    const target = this.target;
    if (!server || !target) {
      this.post({ type: 'error', message: 'The Grad language server is not running.' });
      return;
    }
    this.pending?.cancel();
    const pending = new vscode.CancellationTokenSource();
    this.pending = pending;
    try {
      const answer = await server.whatIf({ ...target, overrides }, pending.token);
      if (this.pending === pending) this.post({ type: 'answer', answer });
    } catch (e) {
      if (this.pending === pending && !isCancellation(e)) this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    } finally {
      pending.dispose();
    }
  }

  /** Writes the values into the document as one edit (one undo), for the version the server computed it for. */
  private async apply(overrides: WhatIfOverrides): Promise<void> {
    const server = this.server();
    const target = this.target;
    if (!server || !target) return;
    try {
      const answer = await server.whatIfEdits({ ...target, overrides });
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.uri);
      if (document && document.version !== answer.version) {
        this.post({ type: 'error', message: 'The file changed while the edit was computed: press Apply again.' });
        return;
      }
      const edits = answer.edit.changes[target.uri] ?? [];
      const edit = edits.length > 0 ? await server.asWorkspaceEdit(answer.edit) : undefined;
      const applied = edit ? await vscode.workspace.applyEdit(edit) : false;
      const written = edits.length === 0 ? 'Nothing to write: the values are the file\'s.' : applied ? `Wrote ${edits.length} change${edits.length === 1 ? '' : 's'} into the file (one undo).` : 'VS Code did not apply the edit.';
      this.post({ type: applied || edits.length === 0 ? 'applied' : 'error', message: [written, ...answer.notWritten.map((n) => `Not written: ${n}`)].join(' ') });
    } catch (e) {
      this.post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  }

  dispose(): void {
    this.pending?.cancel();
    this.panel?.dispose();
    this.panel = undefined;
  }
}
