// The what-if panel's HTML: a heading, the knobs' place, the summaries' place and the charts' place. The webview
// script (media/whatIf.ts) fills them from the server's answers, which arrive as messages. Pure (no VS Code).
import { escapeHtml, webviewPage, type PanelHtmlOptions } from './renderPanelHtml';

export function renderWhatIfHtml(run: string, fileName: string, options: Omit<PanelHtmlOptions, 'notice'>): string {
  return webviewPage(`What if: ${run}`, `<h1>What if: run ${escapeHtml(run)} <small>${escapeHtml(fileName)}</small></h1>
<p class="grad-help">Move a slider: the server runs <code>${escapeHtml(run)}</code> again with that value (within the analysis budget) and draws it over the run as the file says. Apply writes the values into the file as one edit.</p>
<form id="grad-knobs" class="grad-knobs"><p class="grad-note">Asking the server…</p></form>
<div class="grad-actions"><button id="grad-apply" type="button" disabled>Apply to the file</button> <button id="grad-reset" type="button" disabled>Reset</button></div>
<p id="grad-status" class="grad-status" role="status"></p>
<div id="grad-summaries" class="grad-summaries"></div>
<div id="grad-whatif-charts" class="grad-charts"></div>`, options, ` data-run="${escapeHtml(run)}"`);
}
