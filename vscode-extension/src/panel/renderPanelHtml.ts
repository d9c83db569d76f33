// The gradient-flow panel's HTML: headings, the numbers as tables, one placeholder per chart and the chart
// data as a JSON block that the bundled webview script (media/gradientFlow.ts) draws. Pure (no VS Code).
import { chartData, PanelData } from './chartData';
import { FileResults, formatNumber, JsonNumber, RunResult, summarizeRun } from '../runResults';

export interface PanelHtmlOptions {
  /** `webview.cspSource`: the only origin scripts, styles and images may come from. */
  cspSource: string;
  /** A fresh random value per render; only the script carrying it runs. */
  nonce: string;
  /** `webview.asWebviewUri` of dist/webview/gradientFlow.js and .css. */
  scriptUri: string;
  styleUri: string;
  /** Outside VS Code (tests): the body class VS Code would set. In VS Code the webview host sets it. */
  theme?: 'dark' | 'light';
  /** A line above the charts, e.g. that the results are from an earlier version of the file. */
  notice?: string;
}

/** The id of the JSON block that carries `PanelData`. */
export const CHART_DATA_ELEMENT_ID = 'grad-chart-data';

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** JSON that cannot end the <script> element it sits in, nor open a comment or CDATA section. */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `img-src ${cspSource} data:`,
    `font-src ${cspSource}`].join('; ');
}

function cell(value: JsonNumber | undefined | null): string {
  return `<td class="num">${escapeHtml(formatNumber(value))}</td>`;
}

/** A run's heading, one line of final numbers and a table: the same h2 + p + table the e2e test reads. */
function runNumbers(run: RunResult): string {
  const summary = summarizeRun(run).slice(run.name.length + 2);
  const heading = `<h2>run ${escapeHtml(run.name)} <small>${escapeHtml(run.kind)}, ${escapeHtml(run.optimizer?.name ?? '')}: ${escapeHtml(summary)}</small></h2>`;
  if (run.kind === 'train') {
    const rows = (run.layers ?? []).map((l) => '<tr>' +
      `<td>${l.index}${l.label ? ` <code>${escapeHtml(l.label)}</code>` : ''}</td><td>${l.units}</td><td>${escapeHtml(l.activation ?? "norm")}</td>` +
      cell(l.deltaNorm?.initial) + cell(l.deltaNorm?.final) + cell(l.weightGradNorm?.initial) + cell(l.weightGradNorm?.final) + '</tr>').join('\n');
    return heading + `<p>final loss ${escapeHtml(formatNumber(run.final?.loss))}</p>` +
      '<table><thead><tr><th>layer l</th><th>units</th><th>activation</th><th>‖δˡ‖ initial</th><th>‖δˡ‖ after training</th>' +
      '<th>‖∂C/∂Wˡ‖ initial</th><th>‖∂C/∂Wˡ‖ after training</th></tr></thead><tbody>\n' + rows + '\n</tbody></table>';
  }
  const params = Object.keys({ ...run.final?.params, ...run.final?.gradient });
  const rows = params.map((p) => `<tr><td>${escapeHtml(p)}</td>${cell(run.final?.params?.[p])}${cell(run.final?.gradient?.[p])}</tr>`).join('\n');
  return heading + `<p>final cost ${escapeHtml(formatNumber(run.final?.cost))}</p>` +
    '<table><thead><tr><th>parameter</th><th>final value</th><th>final gradient</th></tr></thead><tbody>\n' + rows + '\n</tbody></table>';
}

function chartPlaceholders(data: PanelData, sectionIndex: number): string {
  return '<div class="grad-charts">' + data.sections[sectionIndex].charts.map((chart) =>
    `<figure class="grad-chart grad-chart-${chart.kind}" id="chart-${escapeHtml(chart.id)}" data-chart-id="${escapeHtml(chart.id)}">` +
    `<figcaption>${escapeHtml(chart.title)}</figcaption><div class="grad-plot"></div></figure>`).join('\n') + '</div>';
}

/** The whole page. Everything the user's file says is escaped; the only script is the bundled one, by nonce. */
export function renderPanelHtml(results: FileResults, options: PanelHtmlOptions): string {
  const data = chartData(results);
  const fileName = results.file.split(/[\\/]/).pop() ?? results.file;
  const body: string[] = [];
  const errors = (results.diagnostics ?? []).filter((d) => d.severity === 'error');
  if (options.notice) body.push(`<p class="grad-notice">${escapeHtml(options.notice)}</p>`);
  if (errors.length > 0) {
    body.push('<h2>Errors</h2><ul>' + errors.map((d) =>
      `<li>${escapeHtml(`${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code ?? ''} ${d.message}`)}</li>`).join('') + '</ul>');
  }
  if (results.runs.length === 0 && errors.length === 0) {
    body.push('<p>No run results for this file yet: run it with ▶ Run or "Grad: Run File".</p>');
  }
  data.sections.forEach((section, i) => {
    const run = section.run === undefined ? undefined : results.runs.find((r) => r.name === section.run);
    const heading = run ? runNumbers(run) : `<h2>${escapeHtml(section.title)}</h2>`;
    body.push(`<section class="grad-section">\n${heading}\n${chartPlaceholders(data, i)}\n</section>`);
  });
  const bodyClass = options.theme ? ` class="vscode-${options.theme}"` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(options.cspSource, options.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
<title>Gradient flow: ${escapeHtml(fileName)}</title>
</head>
<body${bodyClass}>
<h1>Gradient flow: ${escapeHtml(fileName)}</h1>
<p class="grad-help">Hover a chart for the step and the values; drag to zoom into steps, scroll to zoom, double-click to zoom out.</p>
${body.join('\n')}
<script type="application/json" id="${CHART_DATA_ELEMENT_ID}">${jsonForScriptElement(data)}</script>
<script nonce="${escapeHtml(options.nonce)}" src="${escapeHtml(options.scriptUri)}"></script>
</body></html>`;
}
