// The Gradient Flow panel's data as the language server sends it (`grad/panel`, built by the runtime's
// Grad.Runtime.Charts.PanelCharts from its chart set): which charts, their series, scales and titles, and every
// value the panel shows already written as text. The extension and the webview only draw it: no chart is chosen,
// no scale decided and no number formatted on this side. Types only.

/** One line of a line chart; `values[i]` belongs to the chart's `xs[i]` (null: no point there), `texts[i]` is how to show it. */
export interface LineSeries {
  label: string;
  values: (number | null)[];
  texts: string[];
}

export interface LineChart {
  kind: 'line';
  /** Unique in the page: the HTML's placeholder and the webview's zoom state use it. */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  logY: boolean;
  /** On a log axis that would span too many decades: where it stops (lower values leave the chart). */
  logFloor?: number;
  /** x values label the layers (1 … L) instead of steps: the webview then marks each one. */
  xTicks?: { value: number; label: string }[];
  xs: number[];
  series: LineSeries[];
  note?: string;
}

/** log10 ‖δˡ‖ per layer (row, layer 1 first) and traced step (column), drawn as coloured cells. */
export interface HeatmapChart {
  kind: 'heatmap';
  id: string;
  title: string;
  steps: number[];
  layerLabels: string[];
  /** null where the norm is 0 or not finite. */
  log10Norms: (number | null)[][];
  /** Each cell's ‖δˡ‖ as text. */
  texts: string[][];
  /** The colour scale's ends. */
  log10Min: number;
  log10Max: number;
}

/** Minimize runs' paths through parameter space over their cost's level sets. */
export interface PathChart {
  kind: 'path';
  id: string;
  title: string;
  xParam: string;
  yParam: string;
  series: { label: string; steps: number[]; xs: (number | null)[]; ys: (number | null)[]; xTexts: string[]; yTexts: string[] }[];
  contour?: {
    cost: string;
    levels: number[];
    lines: { level: number; xs: number[]; ys: number[] }[];
    window: { xMin: number; xMax: number; yMin: number; yMax: number };
  };
  note?: string;
}

export type Chart = LineChart | HeatmapChart | PathChart;

/** A run's numbers: a caption line ("final loss 0.0016") and a table, every cell as text. */
export interface RunTable {
  caption: string;
  header: string[];
  rows: string[][];
  /** The columns from this one on are numbers (aligned as such). */
  numericFrom: number;
}

export interface ChartSection {
  /** "Runs compared", "Gradient flow per layer", or "run NAME". */
  title: string;
  charts: Chart[];
  /** A run's section: its name, kind, optimizer, one-line summary and table. */
  run?: string;
  kind?: 'minimize' | 'train';
  optimizer?: string;
  summary?: string;
  table?: RunTable;
}

export interface PanelData {
  file: string;
  /** The file's errors, "line:column CODE message". */
  errors: string[];
  /** How many runs have results (0: the panel shows the networks at their initial weights). */
  runCount: number;
  sections: ChartSection[];
}

/**
 * Between the extension and the gradient-flow webview. To the webview, `panel`: new data to draw in place (a live
 * run's progress: the charts' data replaced with uPlot's setData, the numbers and the notice rewritten; the page is
 * not reloaded). From the webview, `ready`: its script listens (sent once per page load).
 */
export type PanelHostMessage = { type: 'panel'; data: PanelData; notice?: string };
export type PanelWebviewMessage = { type: 'ready' };

/** `plain: 1000 steps, cost 1.352e-4, w1 = 0.3677` for each run, or what stopped the file from running. */
export function summarizePanel(data: PanelData): string {
  if (data.errors.length > 0) return `${data.file}: ${data.errors.length} error${data.errors.length === 1 ? '' : 's'}, nothing ran`;
  const runs = data.sections.filter((s) => s.run !== undefined);
  return runs.length === 0 ? `${data.file}: no runs` : runs.map((s) => `${s.run}: ${s.summary ?? ''}`).join(' · ');
}
