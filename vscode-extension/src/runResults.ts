// The run results of LANGUAGE.md's `grad run --json` object, and how the extension shows them:
// one-line summaries (notifications) and the gradient-flow table (webview). Pure, no VS Code.

/** A JSON number, or "NaN" / "Infinity" / "-Infinity" as LANGUAGE.md writes non-finite values. */
export type JsonNumber = number | string;

export interface LayerResult {
  index: number;
  units: number;
  activation: string;
  label?: string | null;
  deltaNorm?: { initial?: JsonNumber; final?: JsonNumber };
  weightGradNorm?: { initial?: JsonNumber; final?: JsonNumber };
}

export interface RunResult {
  name: string;
  kind: 'minimize' | 'train' | string;
  optimizer?: { name: string; [parameter: string]: unknown };
  stepsTaken?: number;
  stopReason?: string;
  final?: { cost?: JsonNumber; loss?: JsonNumber; params?: Record<string, JsonNumber>; gradient?: Record<string, JsonNumber> };
  layers?: LayerResult[];
  trace?: unknown[];
}

export interface Diagnostic {
  severity: string;
  code?: string;
  message: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

export interface FileResults {
  file: string;
  diagnostics?: Diagnostic[];
  runs: RunResult[];
}

/** Four significant digits; exponent notation for very small or large magnitudes (as the hovers write them). */
export function formatNumber(value: JsonNumber | undefined | null): string {
  if (value === undefined || value === null) return '–';
  if (typeof value === 'string') return value;
  if (value === 0) return '0';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e5) {
    const [mantissa, exponent] = value.toExponential(3).split('e');
    return `${trimZeros(mantissa)}e${exponent.replace('+', '')}`;
  }
  return trimZeros(value.toPrecision(4));
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

function stopText(run: RunResult): string {
  const steps = run.stepsTaken === undefined ? '' : `${run.stepsTaken} step${run.stepsTaken === 1 ? '' : 's'}`;
  switch (run.stopReason) {
    case 'until': return `${steps}, stopped by until`;
    case 'diverged': return `diverged after ${steps}`;
    default: return steps;
  }
}

/** One line per run: `plain: 1000 steps, cost 1.35e-4, w1 = 0.3677, w2 = 0`. */
export function summarizeRun(run: RunResult): string {
  const parts = [stopText(run)].filter((p) => p !== '');
  if (run.kind === 'train') {
    if (run.final?.loss !== undefined) parts.push(`loss ${formatNumber(run.final.loss)}`);
    const first = run.layers?.[0];
    const last = run.layers?.[run.layers.length - 1];
    if (first?.deltaNorm && last?.deltaNorm && run.layers!.length > 1) {
      parts.push(`‖δ¹‖/‖δ^L‖ ${formatNumber(ratio(first.deltaNorm.final, last.deltaNorm.final))}`);
    }
  } else {
    if (run.final?.cost !== undefined) parts.push(`cost ${formatNumber(run.final.cost)}`);
    const params = Object.entries(run.final?.params ?? {}).map(([name, v]) => `${name} = ${formatNumber(v)}`);
    if (params.length > 0) parts.push(params.join(', '));
  }
  return `${run.name}: ${parts.join(', ')}`;
}

function ratio(a: JsonNumber | undefined, b: JsonNumber | undefined): JsonNumber | undefined {
  if (typeof a !== 'number' || typeof b !== 'number') return undefined;
  return b === 0 ? 'Infinity' : a / b;
}

export function summarizeFile(results: FileResults): string {
  const errors = (results.diagnostics ?? []).filter((d) => d.severity === 'error').length;
  if (errors > 0) return `${results.file}: ${errors} error${errors === 1 ? '' : 's'}, nothing ran`;
  if (results.runs.length === 0) return `${results.file}: no runs`;
  return results.runs.map(summarizeRun).join(' · ');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function cell(value: JsonNumber | undefined | null): string {
  return `<td class="num">${escapeHtml(formatNumber(value))}</td>`;
}

/** log10 bar width (0–100 %) so that vanishing δ shows as a short bar next to the number. */
function barWidth(value: JsonNumber | undefined, largest: number): number {
  if (typeof value !== 'number' || value <= 0 || largest <= 0) return 0;
  const decades = Math.log10(largest / value); // 0 for the largest
  return Math.max(2, Math.round(100 - decades * 12.5)); // 8 decades span the bar
}

/** The gradient-flow page: per train run a table of ‖δ^l‖ and ‖∂C/∂W^l‖ by layer; per minimize run its final point. */
export function renderGradientFlowHtml(results: FileResults, cspSource: string): string {
  const sections: string[] = [];
  const fileName = results.file.split(/[\\/]/).pop() ?? results.file;
  // Training runs first: their per-layer table is the gradient flow; minimize runs follow.
  const ordered = [...results.runs.filter((r) => r.kind === 'train'), ...results.runs.filter((r) => r.kind !== 'train')];
  const errors = (results.diagnostics ?? []).filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    sections.push('<h2>Errors</h2><ul>' + errors.map((d) =>
      `<li>${escapeHtml(`${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code ?? ''} ${d.message}`)}</li>`).join('') + '</ul>');
  }
  for (const run of ordered) {
    const title = `<h2>run ${escapeHtml(run.name)} <small>${escapeHtml(run.kind)}, ${escapeHtml(run.optimizer?.name ?? '')}, ${escapeHtml(stopText(run))}</small></h2>`;
    if (run.kind === 'train' && run.layers && run.layers.length > 0) {
      const largest = Math.max(...run.layers.flatMap((l) => [l.deltaNorm?.initial, l.deltaNorm?.final])
        .filter((v): v is number => typeof v === 'number'));
      const rows = run.layers.map((l) => '<tr>' +
        `<td>${l.index}${l.label ? ` <code>${escapeHtml(l.label)}</code>` : ''}</td><td>${l.units}</td><td>${escapeHtml(l.activation)}</td>` +
        cell(l.deltaNorm?.initial) + cell(l.deltaNorm?.final) +
        `<td class="bar"><div style="width:${barWidth(l.deltaNorm?.initial, largest)}%"></div></td>` +
        cell(l.weightGradNorm?.initial) + cell(l.weightGradNorm?.final) + '</tr>').join('\n');
      sections.push(title + `<p>final loss ${escapeHtml(formatNumber(run.final?.loss))}</p>` +
        '<table><thead><tr><th>layer l</th><th>units</th><th>activation</th><th>‖δ^l‖ initial</th><th>‖δ^l‖ final</th>' +
        '<th>‖δ^l‖ (log scale)</th><th>‖∂C/∂W^l‖ initial</th><th>‖∂C/∂W^l‖ final</th></tr></thead><tbody>\n' + rows + '\n</tbody></table>');
    } else {
      const params = Object.keys({ ...run.final?.params, ...run.final?.gradient });
      const rows = params.map((p) => `<tr><td>${escapeHtml(p)}</td>${cell(run.final?.params?.[p])}${cell(run.final?.gradient?.[p])}</tr>`).join('\n');
      sections.push(title + `<p>final cost ${escapeHtml(formatNumber(run.final?.cost))}</p>` +
        '<table><thead><tr><th>parameter</th><th>final value</th><th>final gradient</th></tr></thead><tbody>\n' + rows + '\n</tbody></table>');
    }
  }
  if (results.runs.length === 0 && errors.length === 0) sections.push('<p>This file has no runs.</p>');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<title>Gradient flow: ${escapeHtml(fileName)}</title>
<style>
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
table { border-collapse: collapse; margin-bottom: 1.5em; }
th, td { border: 1px solid var(--vscode-panel-border, #555); padding: 2px 8px; }
td.num { text-align: right; font-family: var(--vscode-editor-font-family); }
td.bar { width: 160px; } td.bar div { height: 0.8em; background: var(--vscode-charts-blue, #3794ff); }
h2 small { font-weight: normal; opacity: 0.7; }
</style></head>
<body><h1>Gradient flow: ${escapeHtml(fileName)}</h1>
${sections.join('\n')}
</body></html>`;
}
