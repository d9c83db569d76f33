// The gradient-flow panel's HTML: headings, the numbers as tables, one placeholder per chart and the chart
// data as a JSON block that the bundled webview script (media/gradientFlow.ts) draws. Pure (no VS Code).
// Everything shown comes from the server's panel data (panelData.ts) as it is, escaped.
import type { ChartSection, PanelData } from './panelData';

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

/**
 * A webview page: the content-security policy, the stylesheet, the title, `body` and the bundled script (by
 * nonce; the only script that runs). `bodyAttributes` are already escaped. Both panels are built on it.
 */
export function webviewPage(title: string, body: string, options: Omit<PanelHtmlOptions, 'notice'>, bodyAttributes = ''): string {
  const bodyClass = options.theme ? ` class="vscode-${options.theme}"` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(options.cspSource, options.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
<title>${escapeHtml(title)}</title>
</head>
<body${bodyClass}${bodyAttributes}>
${body}
<script nonce="${escapeHtml(options.nonce)}" src="${escapeHtml(options.scriptUri)}"></script>
</body></html>`;
}

/** A run's heading, one line of final numbers and a table: the same h2 + p + table the e2e test reads. */
export function runNumbers(section: ChartSection): string {
  const heading = `<h2>run ${escapeHtml(section.run ?? '')} <small>${escapeHtml(section.kind ?? '')}, ${escapeHtml(section.optimizer ?? '')}: ${escapeHtml(section.summary ?? '')}</small></h2>`;
  const table = section.table;
  if (!table) return heading;
  const header = table.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = table.rows.map((row) => '<tr>' + row.map((text, i) => `<td${i >= table.numericFrom ? ' class="num"' : ''}>${escapeHtml(text)}</td>`).join('') + '</tr>').join('\n');
  return heading + `<p>${escapeHtml(table.caption)}</p><table><thead><tr>${header}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/** A section's heading and numbers (replaced in place when a live run's panel is updated). */
export function sectionNumbers(section: ChartSection): string {
  return section.run !== undefined ? runNumbers(section) : `<h2>${escapeHtml(section.title)}</h2>`;
}

/** The line above the charts, if any. */
export function noticeHtml(notice: string | undefined): string {
  return notice ? `<p class="grad-notice">${escapeHtml(notice)}</p>` : '';
}

function chartPlaceholders(data: PanelData, sectionIndex: number): string {
  return '<div class="grad-charts">' + data.sections[sectionIndex].charts.map((chart) =>
    `<figure class="grad-chart grad-chart-${chart.kind}" id="chart-${escapeHtml(chart.id)}" data-chart-id="${escapeHtml(chart.id)}">` +
    `<figcaption>${escapeHtml(chart.title)}</figcaption><div class="grad-plot"></div></figure>`).join('\n') + '</div>';
}

/** The id of the element that holds the page's content: the webview rebuilds it in place when a live run's panel changes shape. */
export const PANEL_CONTENT_ELEMENT_ID = 'grad-panel';

/** The page's content: title, notice, errors, and per section its numbers and one placeholder per chart. Everything the user's file says is escaped. */
export function renderPanelContent(data: PanelData, notice?: string): string {
  const fileName = data.file.split(/[\\/]/).pop() ?? data.file;
  const body: string[] = [];
  body.push(`<div class="grad-notice-slot">${noticeHtml(notice)}</div>`);
  if (data.errors.length > 0) {
    body.push('<h2>Errors</h2><ul>' + data.errors.map((e) => `<li>${escapeHtml(e)}</li>`).join('') + '</ul>');
  }
  if (data.runCount === 0 && data.errors.length === 0) {
    body.push('<p>No run results for this file yet: run it with ▶ Run or "Grad: Run File". Below: each network at its initial weights.</p>');
  }
  data.sections.forEach((section, i) => {
    body.push(`<section class="grad-section">\n<div class="grad-numbers">${sectionNumbers(section)}</div>\n${chartPlaceholders(data, i)}\n</section>`);
  });
  return `<h1>Gradient flow: ${escapeHtml(fileName)}</h1>
<p class="grad-help">Hover a chart for the step and the values; drag to zoom into steps, scroll to zoom, double-click to zoom out.</p>
${body.join('\n')}`;
}

/** The whole page. The only script is the bundled one, by nonce; the chart data travels as a JSON block. */
export function renderPanelHtml(data: PanelData, options: PanelHtmlOptions): string {
  const fileName = data.file.split(/[\\/]/).pop() ?? data.file;
  return webviewPage(`Gradient flow: ${fileName}`, `<main id="${PANEL_CONTENT_ELEMENT_ID}">
${renderPanelContent(data, options.notice)}
</main>
<script type="application/json" id="${CHART_DATA_ELEMENT_ID}">${jsonForScriptElement(data)}</script>`, options);
}
