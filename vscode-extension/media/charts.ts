// Chart drawing shared by the webviews (the gradient-flow panel and the what-if panel): line charts of the server's
// data (src/panel/panelData.ts) with uPlot, in the editor's theme colours. Every value shown is the server's text.
import uPlot from 'uplot';
import type { LineChart } from '../src/panel/panelData';

/** Where a chart's zoom (its x range) is kept across re-renders of a page. */
export interface ZoomMemory {
  get(id: string): [number, number] | undefined;
  set(id: string, range: [number, number] | undefined): void;
}

export const PLOT_HEIGHT = 260;

/** Steps are whole numbers: ticks 1, 2, 5, 10, 20, 50, … apart, never 0.1. */
export const STEP_INCREMENTS = Array.from({ length: 8 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

export interface Theme {
  foreground: string;
  muted: string;
  grid: string;
  /** The level lines of a contour chart (drawn with CONTOUR_ALPHA). */
  contour: string;
  font: string;
  series: string[];
}

/** The editor's colours, read from the --vscode-* variables VS Code puts on the page (fallbacks for a page outside VS Code). */
export function readTheme(): Theme {
  const style = getComputedStyle(document.body);
  const light = document.body.classList.contains('vscode-light') || document.body.classList.contains('vscode-high-contrast-light');
  const css = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  const family = css('--vscode-font-family', 'system-ui, sans-serif');
  const size = css('--vscode-font-size', '13px');
  const palette: [string, string, string][] = [
    ['--vscode-charts-blue', '#3794ff', '#1a85ff'], ['--vscode-charts-orange', '#d18616', '#c4650f'],
    ['--vscode-charts-green', '#89d185', '#388a34'], ['--vscode-charts-red', '#f14c4c', '#e51400'],
    ['--vscode-charts-purple', '#b180d7', '#652d90'], ['--vscode-charts-yellow', '#cca700', '#bf8803'],
  ];
  return {
    foreground: css('--vscode-editor-foreground', light ? '#333333' : '#cccccc'),
    muted: css('--vscode-descriptionForeground', light ? '#717171' : '#9d9d9d'),
    grid: light ? 'rgba(0, 0, 0, 0.10)' : 'rgba(255, 255, 255, 0.10)',
    contour: css('--vscode-editorLineNumber-foreground', light ? '#237893' : '#858585'),
    font: `${size} ${family}`,
    series: palette.map(([name, dark, lightColour]) => css(name, light ? lightColour : dark)),
  };
}

/** A log axis from the decade below the smallest value to the decade above the largest. */
export function logRange(min: number | null, max: number | null, floor: number | undefined): uPlot.Range.MinMax {
  if (min === null || max === null || !(min > 0) || !(max > 0)) return [0.1, 10];
  // Not below the chart's floor (very many decades would flatten everything else), nor into the subnormals.
  const low = Math.max(Math.floor(Math.log10(min)), floor === undefined ? -300 : Math.floor(Math.log10(floor)), -300);
  const high = Math.max(low + 1, Math.ceil(Math.log10(max)));
  return [10 ** low, 10 ** high];
}

/** Ticks of a log axis at powers of ten only, every k-th decade when there are too many for the height. */
export function decadeSplits(min: number, max: number, heightPx: number): number[] {
  const low = Math.ceil(Math.log10(min) - 1e-9);
  const high = Math.floor(Math.log10(max) + 1e-9);
  const room = Math.max(2, Math.floor(heightPx / 28));
  const every = Math.max(1, Math.ceil((high - low + 1) / room));
  const splits: number[] = [];
  for (let e = high; e >= low; e -= every) splits.unshift(10 ** e);
  return splits;
}

export function decadeLabel(v: number | null): string {
  if (v === null || !(v > 0)) return '';
  const e = Math.round(Math.log10(v));
  return e >= -2 && e <= 3 ? String(10 ** e) : `1e${e}`;
}

export function axis(theme: Theme, label: string, extra: uPlot.Axis = {}): uPlot.Axis {
  return {
    label, stroke: theme.foreground, font: theme.font, labelFont: theme.font,
    grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 }, ...extra,
  };
}

/** The x range of a chart's data now (a live run's data grows). */
export type XBounds = () => [number, number];

/** Scroll to zoom the step axis around the pointer, within the data's range. */
export function wheelZoom(bounds: XBounds): uPlot.Plugin {
  return {
    hooks: {
      ready: (u) => {
        u.over.addEventListener('wheel', (e) => {
          e.preventDefault();
          const { min, max } = u.scales.x;
          if (min === undefined || max === undefined) return;
          const [xMin, xMax] = bounds();
          const at = u.posToVal(u.cursor.left ?? u.over.clientWidth / 2, 'x');
          const factor = e.deltaY < 0 ? 0.8 : 1.25;
          const newMin = Math.max(xMin, at - (at - min) * factor);
          const newMax = Math.min(xMax, at + (max - at) * factor);
          if (newMax - newMin > 1e-9) u.setScale('x', { min: newMin, max: newMax });
        }, { passive: false });
      },
    },
  };
}

/** Remembers the zoom; a double-click (uPlot resets the scale) forgets it. */
export function rememberZoom(zoom: ZoomMemory, id: string, bounds: XBounds): uPlot.Plugin {
  return {
    hooks: {
      setScale: (u, key) => {
        if (key !== 'x') return;
        const { min, max } = u.scales.x;
        if (min === undefined || max === undefined) return;
        const [xMin, xMax] = bounds();
        zoom.set(id, min <= xMin && max >= xMax ? undefined : [min, max]);
      },
      ready: (u) => {
        const saved = zoom.get(id);
        if (saved) u.setScale('x', { min: saved[0], max: saved[1] });
      },
    },
  };
}

const lineUpdates = new WeakMap<uPlot, (chart: LineChart) => boolean>();

/**
 * Draws new data of a line chart in place (uPlot's setData: a live run's curve grows, the canvas stays); false when
 * the chart changed shape (other series, scale or ticks) and must be drawn anew.
 */
export function updateLineChart(plot: uPlot, chart: LineChart): boolean {
  return lineUpdates.get(plot)?.(chart) ?? false;
}

/** A line chart of the server's data; with `zoom`, a step axis zooms (drag, scroll) and the zoom is remembered. */
export function lineChart(chart: LineChart, target: HTMLElement, width: number, theme: Theme, zoom?: ZoomMemory): uPlot {
  // The chart drawn now: updateLineChart replaces it (the legend's texts and the log floor are read from it).
  let current = chart;
  const bounds: XBounds = () => [Math.min(...current.xs), Math.max(...current.xs)];
  const xLabels = new Map(chart.xTicks?.map((t) => [t.value, t.label]));
  // The legend's x row names what the runtime put on the axis: step, α (a loss landscape's line), δ or W (a histogram).
  const xName = chart.xTicks ? 'layer' : chart.xLabel;
  const options: uPlot.Options = {
    width, height: PLOT_HEIGHT,
    scales: { x: { time: false }, y: chart.logY ? { distr: 3, log: 10, range: (_u, min, max) => logRange(min, max, current.logFloor) } : {} },
    axes: [
      axis(theme, chart.xLabel, chart.xTicks
        ? { splits: () => chart.xTicks!.map((t) => t.value), values: (_u, splits) => splits.map((s) => xLabels.get(s) ?? '') }
        : { incrs: STEP_INCREMENTS }),
      axis(theme, chart.logY ? `${chart.yLabel} (log scale)` : chart.yLabel, {
        size: 72,
        ...(chart.logY ? {
          splits: (u: uPlot, _axis: number, min: number, max: number) => decadeSplits(min, max, u.bbox.height / devicePixelRatio),
          // uPlot's own log filter would drop some of these decades; they are already spaced for the height.
          filter: (_u: uPlot, splits: number[]) => splits,
          values: (_u: uPlot, splits: number[]) => splits.map(decadeLabel),
        } : {}),
      }),
    ],
    series: [
      { label: xName, value: (_u, v) => (v === null ? '–' : xLabels.get(v) ?? String(v)) },
      ...chart.series.map((s, i) => ({
        label: s.label,
        stroke: theme.series[i % theme.series.length],
        width: 1.75,
        spanGaps: true,
        points: { show: chart.xs.length <= 40, size: 6, fill: theme.series[i % theme.series.length] },
        // The server's text for the value under the cursor (every number arrives written).
        value: (_u: uPlot, _v: number | null, _series: number, index: number | null) => (index === null ? '–' : current.series[i].texts[index] ?? '–'),
      })),
    ],
    cursor: { drag: { x: true, y: false, setScale: true }, focus: { prox: 24 } },
    focus: { alpha: 0.35 },
    legend: { live: true },
    plugins: chart.xTicks || !zoom ? [] : [wheelZoom(bounds), rememberZoom(zoom, chart.id, bounds)],
  };
  const plot = new uPlot(options, [chart.xs, ...chart.series.map((s) => s.values)] as uPlot.AlignedData, target);
  lineUpdates.set(plot, (next) => {
    const sameShape = next.logY === current.logY && next.series.length === current.series.length
      && next.series.every((s, i) => s.label === current.series[i].label) && JSON.stringify(next.xTicks) === JSON.stringify(current.xTicks);
    if (!sameShape) return false;
    current = next;
    plot.setData([next.xs, ...next.series.map((s) => s.values)] as uPlot.AlignedData);
    return true;
  });
  return plot;
}
