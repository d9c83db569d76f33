// The run results of LANGUAGE.md's `grad run --json` object, and how the extension shows them:
// one-line summaries (notifications) and the gradient-flow table (webview). Pure, no VS Code.

import type * as Schema from './generated/gradResult';

// The types below are derived from the ones generated from docs/schema/grad-result.schema.json
// (src/generated/gradResult.ts), so a field the schema renames or retypes breaks the build here;
// they only loosen them where the extension reads a run before knowing its kind.

/** A JSON number, or "NaN" / "Infinity" / "-Infinity" as LANGUAGE.md writes non-finite values. */
export type JsonNumber = Schema.JsonNumber;

/** A layer of a training run's `layers`; the norms may be absent in a partial result. */
export type LayerResult = Pick<Schema.LayerSummary, 'index' | 'units' | 'activation'> & Partial<Omit<Schema.LayerSummary, 'index' | 'units' | 'activation'>>;

type EveryRunField = Omit<Schema.MinimizeRun, 'kind' | 'final' | 'trace'> & Omit<Schema.TrainRun, 'kind' | 'final' | 'trace' | 'layers'> & Omit<Schema.FailedRun, 'kind'>;

/** A run of any kind as the extension reads it: its name and kind, and any other field of a run. */
export type RunResult = Pick<Schema.Run, 'name' | 'kind'> & Partial<Omit<EveryRunField, 'name' | 'optimizer'>> & {
  optimizer?: Pick<Schema.Optimizer, 'name'> & Partial<Schema.Optimizer>;
  final?: Partial<Schema.MinimizeRun['final'] & Schema.TrainRun['final']>;
  layers?: LayerResult[];
  /** Schema.MinimizePoint or Schema.TrainPoint; read point by point by the panel's charts. */
  trace?: unknown[];
};

export type Diagnostic = Schema.Diagnostic;

/**
 * The CLI's contour chart of a cost with minimize runs (`grad/runResults` adds these to the `grad run --json`
 * object; the CLI's JSON has none): log-spaced levels and their level sets as polylines over the window.
 */
export interface ContourResult {
  cost: string;
  xParameter: string;
  yParameter: string;
  title?: string;
  /** The parameters held fixed (a cost of more than two parameters). */
  held?: { name: string; value: JsonNumber }[];
  window: { xMin: number; xMax: number; yMin: number; yMax: number };
  levels: number[];
  lines: { level: number; points: [number, number][] }[];
}

export interface FileResults {
  file: Schema.GradResult['file'];
  diagnostics?: Diagnostic[];
  runs: RunResult[];
  /** From the language server only. */
  contours?: ContourResult[];
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

