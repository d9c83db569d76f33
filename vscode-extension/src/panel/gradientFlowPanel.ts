// The "Grad: Show Gradient Flow" webview panel: one panel beside the editor, following one document. It shows
// the server's panel data (grad/panel: the runtime's charts and numbers; before any run, each network's ‖δˡ‖
// at its initial weights) and refreshes it when a run finishes or the server has analysed a new version of the
// document; while a live run goes, it posts the run so far to the page, which draws it in place (no reload).
// The page itself is renderPanelHtml's (pure); this class only talks to VS Code.
import { randomBytes } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import type { PanelData, PanelHostMessage, PanelWebviewMessage } from './panelData';
import { renderPanelHtml } from './renderPanelHtml';

/** Waits this long after the last trigger (edits come in bursts of analyses) before asking the server again. */
export const REFRESH_DEBOUNCE_MS = 300;

/** A live run's charts are drawn at most this often (the server sends them every 100 ms). */
export const LIVE_REDRAW_MS = 250;

/** The line above a live run's charts. */
export function liveNotice(message: string): string {
  return `Running: ${message}. The charts show the run so far.`;
}

export const STALE_NOTICE = 'The file has changed since these runs: the charts show the last results. Run it again (▶ Run or "Grad: Run File") to update them.';

export class GradientFlowPanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private documentUri: string | undefined;
  private shown: PanelData | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private lastLiveRender = 0;
  /** The page's script listens (it said `ready` since the last render): new data is posted to it instead of reloading it. */
  private pageReady = false;
  /** The latest live data while the page loads: posted when it is ready. */
  private pending: PanelHostMessage | undefined;

  constructor(
    private readonly extensionPath: string,
    /** `grad/panel` for a document: its charts and numbers (null when the server does not have it open). */
    private readonly fetchPanel: (uri: string) => Promise<PanelData | null | undefined>,
  ) {}

  /** The document the panel follows, while it is open. */
  get uri(): string | undefined {
    return this.panel ? this.documentUri : undefined;
  }

  /**
   * Opens the panel beside the editor (or reuses it) for the document `uri` and draws what the server has for
   * it: at once, before any run, the networks' gradient flow at their initial weights. False when the server
   * had nothing to show (it is not running, or does not have the document).
   */
  async show(uri: string): Promise<boolean> {
    let data: PanelData | null | undefined;
    try {
      data = await this.fetchPanel(uri);
    } catch {
      data = undefined;
    }
    if (!data || !Array.isArray(data.sections)) return false;
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
        this.pending = undefined;
        clearTimeout(this.refreshTimer);
      });
      this.panel.webview.onDidReceiveMessage((message: PanelWebviewMessage) => {
        if (message?.type !== 'ready') return;
        this.pageReady = true;
        const pending = this.pending;
        this.pending = undefined;
        if (pending) this.post(pending);
      });
    }
    this.documentUri = uri;
    this.render(data);
    this.panel.reveal(undefined, true);
    return true;
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

  /**
   * A live run of `uri` reported its progress: the page draws the run so far (its loss curve, ‖δˡ‖ per layer and
   * heatmap, from the server's panel data) in place, with a line saying how far it is; at its end, reads the
   * finished results.
   */
  showLive(uri: string, panel: PanelData | null, message: string, final: boolean): void {
    if (!this.panel || uri !== this.documentUri) return;
    if (final) {
      this.refreshSoon(uri);
      return;
    }
    // At most every LIVE_REDRAW_MS: the page redraws every chart of the run with each update.
    const now = Date.now();
    if (!panel || !Array.isArray(panel.sections) || now - this.lastLiveRender < LIVE_REDRAW_MS) return;
    this.lastLiveRender = now;
    this.shown = panel;
    this.panel.title = `Gradient Flow: ${path.basename(panel.file)}`;
    const update: PanelHostMessage = { type: 'panel', data: panel, notice: liveNotice(message) };
    if (this.pageReady) this.post(update); else this.pending = update;
  }

  private post(message: PanelHostMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  /** Reads the shown document's results from the server now and redraws. */
  async refresh(): Promise<void> {
    const uri = this.documentUri;
    if (!this.panel || uri === undefined) return;
    let data: PanelData | null | undefined;
    try {
      data = await this.fetchPanel(uri);
    } catch {
      return; // The server is restarting or busy; the next run or analysis refreshes again.
    }
    if (!this.panel || uri !== this.documentUri || !data || !Array.isArray(data.sections)) return;
    const previous = this.shown;
    // Edited text whose runs have not run yet: keep the last pictures, say that they are older.
    if (data.runCount === 0 && previous && previous.runCount > 0 && data.errors.length === 0) {
      this.render(previous, STALE_NOTICE);
      return;
    }
    this.render(data);
  }

  private render(data: PanelData, notice?: string): void {
    const panel = this.panel!;
    const webview = panel.webview;
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(vscode.Uri.file(this.extensionPath), 'dist', 'webview', name)).toString();
    this.shown = data;
    this.pageReady = false;
    this.pending = undefined;
    panel.title = `Gradient Flow: ${path.basename(data.file)}`;
    webview.html = renderPanelHtml(data, {
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
