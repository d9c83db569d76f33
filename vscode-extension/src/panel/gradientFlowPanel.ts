// The "Grad: Show Gradient Flow" webview panel: one panel beside the editor, following one document. It shows
// the server's run results as charts and refreshes them when a run finishes or the server has analysed a new
// version of the document. The page itself is renderPanelHtml's (pure); this class only talks to VS Code.
import { randomBytes } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import type { FileResults } from '../runResults';
import { renderPanelHtml } from './renderPanelHtml';

/** Waits this long after the last trigger (edits come in bursts of analyses) before asking the server again. */
export const REFRESH_DEBOUNCE_MS = 300;

export const STALE_NOTICE = 'The file has changed since these runs: the charts show the last results. Run it again (▶ Run or "Grad: Run File") to update them.';

export class GradientFlowPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private documentUri: string | undefined;
  private shown: FileResults | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly extensionPath: string,
    /** `grad/runResults` for a document: the results the server has (null when it has none). */
    private readonly fetchResults: (uri: string) => Promise<FileResults | null | undefined>,
  ) {}

  /** The document the panel follows, while it is open. */
  get uri(): string | undefined {
    return this.panel ? this.documentUri : undefined;
  }

  /** Opens the panel beside the editor (or reuses it) for these results of the document `uri`. */
  show(results: FileResults, uri?: string): void {
    if (!this.panel) {
      const root = vscode.Uri.file(this.extensionPath);
      this.panel = vscode.window.createWebviewPanel('grad.gradientFlow', 'Grad: Gradient Flow',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
          enableScripts: true,
          // The bundled script and CSS only; no other file and nothing from a network.
          localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')],
        });
      this.panel.onDidDispose(() => {
        this.panel = undefined;
        this.shown = undefined;
        clearTimeout(this.refreshTimer);
      });
    }
    if (uri !== undefined) this.documentUri = uri;
    this.render(results);
    this.panel.reveal(undefined, true);
  }

  /**
   * A run finished (`uri` undefined: some document) or the server's analysis of `uri` is ready: read the
   * results again, debounced, if the panel shows that document.
   */
  refreshSoon(uri?: string): void {
    if (!this.panel || this.documentUri === undefined || (uri !== undefined && uri !== this.documentUri)) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), REFRESH_DEBOUNCE_MS);
  }

  /** Reads the shown document's results from the server now and redraws. */
  async refresh(): Promise<void> {
    const uri = this.documentUri;
    if (!this.panel || uri === undefined) return;
    let results: FileResults | null | undefined;
    try {
      results = await this.fetchResults(uri);
    } catch {
      return; // The server is restarting or busy; the next run or analysis refreshes again.
    }
    if (!this.panel || uri !== this.documentUri || !results || !Array.isArray(results.runs)) return;
    const previous = this.shown;
    // Edited text whose runs have not run yet: keep the last pictures, say that they are older.
    if (results.runs.length === 0 && previous && previous.runs.length > 0 && !results.diagnostics?.some((d) => d.severity === 'error')) {
      this.render(previous, STALE_NOTICE);
      return;
    }
    this.render(results);
  }

  private render(results: FileResults, notice?: string): void {
    const panel = this.panel!;
    const webview = panel.webview;
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(vscode.Uri.file(this.extensionPath), 'dist', 'webview', name)).toString();
    this.shown = results;
    panel.title = `Gradient Flow: ${path.basename(results.file)}`;
    webview.html = renderPanelHtml(results, {
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: asset('gradientFlow.js'),
      styleUri: asset('gradientFlow.css'),
      notice,
    });
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.panel?.dispose();
    this.panel = undefined;
  }
}
