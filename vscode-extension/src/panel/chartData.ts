// The gradient-flow panel's charts as data: which charts, their series and their scales, shaped from
// LANGUAGE.md's `grad run --json` object. Pure (no VS Code, no DOM): the webview script only draws.
import { formatNumber } from '../runResults';
import type { ContourResult, FileResults, JsonNumber, RunResult } from '../runResults';

/** One line of a line chart; `values[i]` belongs to the chart's `xs[i]` (null: no point there). */
export interface LineSeries {
  label: string;
  values: (number | null)[];
}

export interface LineChart {
  kind: 'line';
  /** Unique in the page: the HTML's placeholder and the webview's zoom state use it. */
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** A log y axis: the positive values span at least LOG_SCALE_MIN_RATIO (and non-positive ones are not drawn). */
  logY: boolean;
  /** On a log axis that would span more than MAX_LOG_DECADES: where it stops (lower values leave the chart). */
  logFloor?: number;
  /** x values label the layers (1 … L) instead of steps: the webview then marks each one. */
  xTicks?: { value: number; label: string }[];
  xs: number[];
  series: LineSeries[];
  note?: string;
}

/** log10 ‖δˡ‖ per layer and step, drawn as coloured cells. */
export interface HeatmapChart {
  kind: 'heatmap';
  id: string;
  title: string;
  steps: number[];
  /** One per layer, bottom to top: `1`, `2`, … `9 out`. */
  layerLabels: string[];
  /** `norms[layer][stepIndex]` = the trace's `deltaNorms[layer]` at `steps[stepIndex]` (null when not finite). */
  norms: (number | null)[][];
  /** The colour scale's ends: log10 of the smallest and largest positive norm. */
  log10Min: number;
  log10Max: number;
}

/** Minimize runs' paths through parameter space: one line per run, from its start (step 0) to its end. */
export interface PathChart {
  kind: 'path';
  id: string;
  title: string;
  /** The parameters on the axes. */
  xParam: string;
  yParam: string;
  series: { label: string; steps: number[]; xs: (number | null)[]; ys: (number | null)[] }[];
  /** The cost's level sets behind the paths (from the language server), as the CLI draws them. */
  contour?: PathContour;
  note?: string;
}

/** A contour chart's level lines: each a polyline (xs[i], ys[i]) at one level; the window is the axes' range. */
export interface PathContour {
  cost: string;
  levels: number[];
  lines: { level: number; xs: number[]; ys: number[] }[];
  window: { xMin: number; xMax: number; yMin: number; yMax: number };
}

export type Chart = LineChart | HeatmapChart | PathChart;

export interface ChartSection {
  /** `Cost against step`, or the run it belongs to. */
  title: string;
  run?: string;
  charts: Chart[];
}

export interface PanelData {
  file: string;
  sections: ChartSection[];
}

/** A y axis goes logarithmic when its positive values span two decades or more. */
export const LOG_SCALE_MIN_RATIO = 100;

/** A log axis shows at most this many decades below the largest value, so that the runs that stall stay visible beside one that reaches 1e-300. */
export const MAX_LOG_DECADES = 24;

/** A JSON number, or null for the strings LANGUAGE.md writes for NaN and infinities, or for anything else. */
export function finiteNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Log scale when the positive finite values span at least two decades. */
export function shouldUseLogScale(values: Iterable<number | null>): boolean {
  let min = Infinity;
  let max = 0;
  for (const v of values) {
    if (v === null || !(v > 0) || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return max > 0 && max / min >= LOG_SCALE_MIN_RATIO;
}

/** On a log axis a zero or negative value has no place: it becomes a gap (the tooltip of a linear chart would show it). */
function forScale(series: LineSeries[], logY: boolean): LineSeries[] {
  return logY ? series.map((s) => ({ label: s.label, values: s.values.map((v) => (v !== null && v > 0 ? v : null)) })) : series;
}

function hasNonPositive(series: LineSeries[]): boolean {
  return series.some((s) => s.values.some((v) => v !== null && v <= 0));
}

type TracePoint = Record<string, unknown> & { step?: unknown };

function tracePoints(run: RunResult): TracePoint[] {
  return (run.trace ?? []).filter((p): p is TracePoint => typeof p === 'object' && p !== null && typeof (p as TracePoint).step === 'number');
}

/**
 * Several runs on one step axis: the union of their recorded steps, each run's value at its own steps
 * and null elsewhere (the webview joins a line across those gaps).
 */
function runsAgainstStep(runs: RunResult[], value: (p: TracePoint) => number | null): { xs: number[]; series: LineSeries[] } {
  const steps = new Set<number>();
  for (const run of runs) for (const p of tracePoints(run)) steps.add(p.step as number);
  const xs = [...steps].sort((a, b) => a - b);
  const indexOf = new Map(xs.map((s, i) => [s, i]));
  const series = runs.map((run) => {
    const values: (number | null)[] = new Array(xs.length).fill(null);
    for (const p of tracePoints(run)) values[indexOf.get(p.step as number)!] = value(p);
    return { label: run.name, values };
  });
  return { xs, series };
}

function lineChart(id: string, title: string, xLabel: string, yLabel: string, xs: number[], series: LineSeries[],
  extra: Partial<LineChart> = {}): LineChart {
  const logY = shouldUseLogScale(series.flatMap((s) => s.values));
  const chart: LineChart = { kind: 'line', id, title, xLabel, yLabel, logY, xs, series: forScale(series, logY), ...extra };
  const notes: string[] = [];
  if (logY && hasNonPositive(series)) notes.push('Zeros are not drawn on the log scale.');
  if (logY) {
    const positive = series.flatMap((s) => s.values).filter((v): v is number => v !== null && v > 0);
    const top = Math.ceil(Math.log10(Math.max(...positive)));
    if (Math.log10(Math.min(...positive)) < top - MAX_LOG_DECADES) {
      chart.logFloor = 10 ** (top - MAX_LOG_DECADES);
      notes.push(`The axis stops ${MAX_LOG_DECADES} decades below the largest value; smaller values leave the chart at the bottom.`);
    }
  }
  if (notes.length > 0) chart.note = notes.join(' ');
  return chart;
}

/** A key for "these minimize runs have the same cost": the JSON names no cost, so runs over the same parameters go together. */
function parameterKey(run: RunResult): string {
  const first = tracePoints(run)[0];
  const params = (first?.params as Record<string, unknown> | undefined) ?? run.final?.params ?? {};
  return Object.keys(params).sort().join(', ');
}

/** A finite window with some width and height, or undefined. */
function contourWindow(contour: ContourResult): PathContour['window'] | undefined {
  const w = contour.window;
  const [xMin, xMax, yMin, yMax] = [w?.xMin, w?.xMax, w?.yMin, w?.yMax].map(finiteNumber);
  return xMin !== null && xMax !== null && yMin !== null && yMax !== null && xMax > xMin && yMax > yMin ? { xMin, xMax, yMin, yMax } : undefined;
}

/**
 * The contour chart of these runs' cost: the one whose parameters (axes and held) are the runs' parameters.
 * The JSON names no cost, so when two costs over the same parameters both have one, neither is used.
 */
function contourFor(contours: ContourResult[] | undefined, params: string): ContourResult | undefined {
  const matching = (contours ?? []).filter((c) =>
    [c.xParameter, c.yParameter, ...(c.held ?? []).map((h) => h.name)].sort().join(', ') === params && contourWindow(c) !== undefined);
  return matching.length === 1 ? matching[0] : undefined;
}

function pathContour(contour: ContourResult): PathContour {
  const lines = (contour.lines ?? []).map((line) => {
    const points = (line.points ?? []).filter((p) => finiteNumber(p?.[0]) !== null && finiteNumber(p?.[1]) !== null);
    return { level: line.level, xs: points.map((p) => p[0]), ys: points.map((p) => p[1]) };
  }).filter((line) => finiteNumber(line.level) !== null && line.xs.length >= 2);
  return { cost: contour.cost, levels: (contour.levels ?? []).filter((l) => finiteNumber(l) !== null), lines, window: contourWindow(contour)! };
}

/**
 * The paths of runs over the same parameters, on the two parameters that move most (over all these runs),
 * in the order the trace names them, or on the axes of their cost's contour chart when there is one (then
 * with its level sets behind them). Undefined for a cost of one parameter.
 */
function parameterPaths(runs: RunResult[], id: string, contour?: ContourResult): PathChart | undefined {
  const names = Object.keys((tracePoints(runs[0])[0]?.params as Record<string, unknown> | undefined) ?? runs[0].final?.params ?? {});
  if (names.length < 2) return undefined;
  const value = (p: TracePoint, name: string) => finiteNumber((p.params as Record<string, JsonNumber> | undefined)?.[name]);
  const movement = (name: string) => {
    const values = runs.flatMap((r) => tracePoints(r).map((p) => value(p, name))).filter((v): v is number => v !== null);
    return values.length === 0 ? 0 : Math.max(...values) - Math.min(...values);
  };
  const chosen = contour ? [contour.xParameter, contour.yParameter] : [...names].sort((a, b) => movement(b) - movement(a)).slice(0, 2);
  const [xParam, yParam] = contour ? chosen : names.filter((n) => chosen.includes(n));
  const others = names.filter((n) => !chosen.includes(n));
  const chart: PathChart = {
    kind: 'path', id, title: contour?.title || `Paths in the (${xParam}, ${yParam}) plane`, xParam, yParam,
    series: runs.map((run) => {
      const points = tracePoints(run);
      return { label: run.name, steps: points.map((p) => p.step as number), xs: points.map((p) => value(p, xParam)), ys: points.map((p) => value(p, yParam)) };
    }),
  };
  if (contour) {
    chart.contour = pathContour(contour);
    const levels = chart.contour.levels;
    if (levels.length > 0) {
      chart.note = `Thin lines: level sets of ${contour.cost}, ${levels.length} levels log-spaced from ${formatNumber(levels[0])} to ${formatNumber(levels[levels.length - 1])}.`;
    }
  } else if (others.length > 0) {
    chart.note = `The two parameters that move most; ${others.join(', ')} not shown.`;
  }
  return chart;
}

function layerLabel(layer: { index: number; label?: string | null }): string {
  return layer.label ? `${layer.index} ${layer.label}` : String(layer.index);
}

function gradientComponents(run: RunResult, id: string): LineChart {
  const points = tracePoints(run);
  const names = Object.keys((points[0]?.gradient as Record<string, unknown> | undefined) ?? run.final?.gradient ?? {});
  const xs = points.map((p) => p.step as number);
  const series = names.map((name) => ({
    label: `|∂f/∂${name}|`,
    values: points.map((p) => {
      const v = finiteNumber((p.gradient as Record<string, JsonNumber> | undefined)?.[name]);
      return v === null ? null : Math.abs(v);
    }),
  }));
  return lineChart(id, `run ${run.name}: gradient components |∂f/∂p|`, 'step', '|∂f/∂p|', xs, series);
}

function layerNorms(run: RunResult, id: string): LineChart | undefined {
  const layers = run.layers ?? [];
  if (layers.length === 0) return undefined;
  const xs = layers.map((l) => l.index);
  const series: LineSeries[] = [
    { label: '‖δˡ‖ initial', values: layers.map((l) => finiteNumber(l.deltaNorm?.initial)) },
    { label: '‖δˡ‖ after training', values: layers.map((l) => finiteNumber(l.deltaNorm?.final)) },
    { label: '‖∂C/∂Wˡ‖ initial', values: layers.map((l) => finiteNumber(l.weightGradNorm?.initial)) },
    { label: '‖∂C/∂Wˡ‖ after training', values: layers.map((l) => finiteNumber(l.weightGradNorm?.final)) },
  ];
  return lineChart(id, `run ${run.name}: gradient flow per layer`, 'layer l', 'norm', xs, series,
    { xTicks: layers.map((l) => ({ value: l.index, label: layerLabel(l) })) });
}

function deltaHeatmap(run: RunResult, id: string): HeatmapChart | undefined {
  const points = tracePoints(run).filter((p) => Array.isArray(p.deltaNorms));
  const layerCount = Math.max(run.layers?.length ?? 0, ...points.map((p) => (p.deltaNorms as unknown[]).length));
  if (points.length === 0 || layerCount === 0) return undefined;
  const norms: (number | null)[][] = [];
  let log10Min = Infinity;
  let log10Max = -Infinity;
  for (let layer = 0; layer < layerCount; layer++) {
    norms.push(points.map((p) => {
      const v = finiteNumber((p.deltaNorms as unknown[])[layer]);
      if (v !== null && v > 0) {
        log10Min = Math.min(log10Min, Math.log10(v));
        log10Max = Math.max(log10Max, Math.log10(v));
      }
      return v;
    }));
  }
  if (log10Min === Infinity) { log10Min = 0; log10Max = 0; }
  const layerLabels = Array.from({ length: layerCount }, (_, i) => {
    const layer = run.layers?.find((l) => l.index === i + 1);
    return layer ? layerLabel(layer) : String(i + 1);
  });
  return { kind: 'heatmap', id, title: `run ${run.name}: log10 ‖δˡ‖ over training`, steps: points.map((p) => p.step as number),
    layerLabels, norms, log10Min, log10Max };
}

/** Every chart of the panel: cost curves, gradient components per minimize run; loss curves, per-layer norms and the δ heatmap per training run. */
export function chartData(results: FileResults): PanelData {
  const sections: ChartSection[] = [];
  const minimizeRuns = results.runs.filter((r) => r.kind === 'minimize');
  const trainRuns = results.runs.filter((r) => r.kind === 'train');

  // The runs side by side: cost curves (one chart per cost, told apart by its parameters) and loss curves.
  const compared: Chart[] = [];
  const groups = new Map<string, RunResult[]>();
  for (const run of minimizeRuns) groups.set(parameterKey(run), [...(groups.get(parameterKey(run)) ?? []), run]);
  let groupIndex = 0;
  for (const [params, runs] of groups) {
    const { xs, series } = runsAgainstStep(runs, (p) => finiteNumber(p.cost));
    const title = groups.size > 1 ? `Cost against step (${params})` : 'Cost against step';
    const paths = parameterPaths(runs, `paths-${groupIndex}`, contourFor(results.contours, params));
    compared.push(lineChart(`cost-${groupIndex++}`, title, 'step', 'cost', xs, series));
    if (paths) compared.push(paths);
  }
  if (trainRuns.length > 0) {
    const { xs, series } = runsAgainstStep(trainRuns, (p) => finiteNumber(p.loss));
    compared.push(lineChart('loss', 'Loss against step', 'step', 'loss', xs, series));
  }
  if (compared.length > 0) sections.push({ title: 'Runs compared', charts: compared });
  // Training runs first: their per-layer picture is the gradient flow; minimize runs follow.
  results.runs.forEach((run, i) => {
    if (run.kind !== 'train') return;
    const charts: Chart[] = [];
    const norms = layerNorms(run, `layers-${i}`);
    if (norms) charts.push(norms);
    const heatmap = deltaHeatmap(run, `heatmap-${i}`);
    if (heatmap) charts.push(heatmap);
    sections.push({ title: `run ${run.name}`, run: run.name, charts });
  });
  results.runs.forEach((run, i) => {
    if (run.kind !== 'minimize') return;
    sections.push({ title: `run ${run.name}`, run: run.name, charts: [gradientComponents(run, `gradient-${i}`)] });
  });
  return { file: results.file, sections };
}
