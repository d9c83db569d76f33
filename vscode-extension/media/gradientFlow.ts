// The gradient-flow webview's script: draws the charts of the server's panel data (src/panel/panelData.ts; the JSON block in
// the page) with uPlot, in the editor's theme colours. Bundled by esbuild into dist/webview/gradientFlow.js;
// it loads nothing from anywhere (the page's Content-Security-Policy would not let it).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './gradientFlow.css';
import type { HeatmapChart, LineChart, PanelData, PathChart } from '../src/panel/panelData';

interface WebviewApi { getState(): unknown; setState(state: unknown): void }
declare const acquireVsCodeApi: undefined | (() => WebviewApi);
const webviewApi = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

/** The x range the user zoomed to, per chart id, kept across re-renders of the page (a run finishing, an edit). */
type ZoomState = Record<string, [number, number]>;
const zoom: ZoomState = ((webviewApi?.getState() as { zoom?: ZoomState } | undefined)?.zoom) ?? {};
const saveZoom = () => webviewApi?.setState({ zoom });

const PLOT_HEIGHT = 260;

/** Level lines are thin and muted: the paths in front of them are the point. */
const CONTOUR_ALPHA = 0.55;
const CONTOUR_WIDTH = 1;

/** Steps are whole numbers: ticks 1, 2, 5, 10, 20, 50, … apart, never 0.1. */
const STEP_INCREMENTS = Array.from({ length: 8 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

interface Theme {
  foreground: string;
  muted: string;
  grid: string;
  /** The level lines of a contour chart (drawn with CONTOUR_ALPHA). */
  contour: string;
  font: string;
  series: string[];
}

/** The editor's colours, read from the --vscode-* variables VS Code puts on the page (fallbacks for a page outside VS Code). */
function readTheme(): Theme {
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
function logRange(min: number | null, max: number | null, floor: number | undefined): uPlot.Range.MinMax {
  if (min === null || max === null || !(min > 0) || !(max > 0)) return [0.1, 10];
  // Not below the chart's floor (very many decades would flatten everything else), nor into the subnormals.
  const low = Math.max(Math.floor(Math.log10(min)), floor === undefined ? -300 : Math.floor(Math.log10(floor)), -300);
  const high = Math.max(low + 1, Math.ceil(Math.log10(max)));
  return [10 ** low, 10 ** high];
}

/** Ticks of a log axis at powers of ten only, every k-th decade when there are too many for the height. */
function decadeSplits(min: number, max: number, heightPx: number): number[] {
  const low = Math.ceil(Math.log10(min) - 1e-9);
  const high = Math.floor(Math.log10(max) + 1e-9);
  const room = Math.max(2, Math.floor(heightPx / 28));
  const every = Math.max(1, Math.ceil((high - low + 1) / room));
  const splits: number[] = [];
  for (let e = high; e >= low; e -= every) splits.unshift(10 ** e);
  return splits;
}

function decadeLabel(v: number | null): string {
  if (v === null || !(v > 0)) return '';
  const e = Math.round(Math.log10(v));
  return e >= -2 && e <= 3 ? String(10 ** e) : `1e${e}`;
}

function axis(theme: Theme, label: string, extra: uPlot.Axis = {}): uPlot.Axis {
  return {
    label, stroke: theme.foreground, font: theme.font, labelFont: theme.font,
    grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 }, ...extra,
  };
}

/** Scroll to zoom the step axis around the pointer, within the data's range. */
function wheelZoom(xMin: number, xMax: number): uPlot.Plugin {
  return {
    hooks: {
      ready: (u) => {
        u.over.addEventListener('wheel', (e) => {
          e.preventDefault();
          const { min, max } = u.scales.x;
          if (min === undefined || max === undefined) return;
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
function rememberZoom(id: string, xMin: number, xMax: number): uPlot.Plugin {
  return {
    hooks: {
      setScale: (u, key) => {
        if (key !== 'x') return;
        const { min, max } = u.scales.x;
        if (min === undefined || max === undefined) return;
        if (min <= xMin && max >= xMax) delete zoom[id]; else zoom[id] = [min, max];
        saveZoom();
      },
      ready: (u) => {
        const saved = zoom[id];
        if (saved) u.setScale('x', { min: saved[0], max: saved[1] });
      },
    },
  };
}

function lineChart(chart: LineChart, target: HTMLElement, width: number, theme: Theme): uPlot {
  const xMin = Math.min(...chart.xs);
  const xMax = Math.max(...chart.xs);
  const xLabels = new Map(chart.xTicks?.map((t) => [t.value, t.label]));
  // The legend's x row names what the runtime put on the axis: step, α (a loss landscape's line), δ or W (a histogram).
  const xName = chart.xTicks ? 'layer' : chart.xLabel;
  const options: uPlot.Options = {
    width, height: PLOT_HEIGHT,
    scales: { x: { time: false }, y: chart.logY ? { distr: 3, log: 10, range: (_u, min, max) => logRange(min, max, chart.logFloor) } : {} },
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
        value: (_u: uPlot, _v: number | null, _series: number, index: number | null) => (index === null ? '–' : s.texts[index] ?? '–'),
      })),
    ],
    cursor: { drag: { x: true, y: false, setScale: true }, focus: { prox: 24 } },
    focus: { alpha: 0.35 },
    legend: { live: true },
    plugins: chart.xTicks ? [] : [wheelZoom(xMin, xMax), rememberZoom(chart.id, xMin, xMax)],
  };
  return new uPlot(options, [chart.xs, ...chart.series.map((s) => s.values)] as uPlot.AlignedData, target);
}

/** Runs' paths through parameter space (uPlot's faceted mode: x and y per series); start ●, end ○. */
function pathChart(chart: PathChart, target: HTMLElement, width: number, theme: Theme): uPlot {
  const readout = document.createElement('div');
  readout.className = 'grad-readout';
  readout.textContent = `Hover a path for the step and (${chart.xParam}, ${chart.yParam}). ● start, ○ end.`;
  const colour = (i: number) => theme.series[i % theme.series.length];
  const markEnds = (u: uPlot) => {
    const { ctx } = u;
    ctx.save();
    chart.series.forEach((s, i) => {
      const ends = [s.xs.findIndex((x, k) => x !== null && s.ys[k] !== null), s.xs.length - 1];
      ends.forEach((k, end) => {
        const x = s.xs[k];
        const y = s.ys[k];
        if (k < 0 || x === null || y === null) return;
        ctx.beginPath();
        ctx.arc(u.valToPos(x, 'x', true), u.valToPos(y, 'y', true), 5 * devicePixelRatio, 0, 2 * Math.PI);
        ctx.lineWidth = 2 * devicePixelRatio;
        ctx.strokeStyle = colour(i);
        ctx.fillStyle = colour(i);
        if (end === 0) ctx.fill(); else ctx.stroke();
      });
    });
    ctx.restore();
  };
  // The point nearest to the pointer over all paths, in pixels.
  const showNearest = (u: uPlot) => {
    const left = u.cursor.left ?? -1;
    const top = u.cursor.top ?? -1;
    if (left < 0 || top < 0) return;
    let best: { run: number; k: number; d: number } | undefined;
    chart.series.forEach((s, run) => s.xs.forEach((x, k) => {
      const y = s.ys[k];
      if (x === null || y === null) return;
      const d = (u.valToPos(x, 'x') - left) ** 2 + (u.valToPos(y, 'y') - top) ** 2;
      if (!best || d < best.d) best = { run, k, d };
    }));
    if (!best) return;
    const s = chart.series[best.run];
    readout.textContent = `${s.label} · step ${s.steps[best.k]} · ${chart.xParam} = ${s.xTexts[best.k]}, ${chart.yParam} = ${s.yTexts[best.k]}`;
  };
  // The cost's level sets, behind the paths (uPlot's drawAxes hook runs after the grid, before the series).
  const contour = chart.contour;
  const drawContour = (u: uPlot) => {
    if (!contour) return;
    const { ctx } = u;
    const { left, top, width: w, height: h } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, w, h);
    ctx.clip();
    ctx.globalAlpha = CONTOUR_ALPHA;
    ctx.strokeStyle = theme.contour;
    ctx.lineWidth = CONTOUR_WIDTH * devicePixelRatio;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    for (const line of contour.lines) {
      line.xs.forEach((x, k) => {
        const px = u.valToPos(x, 'x', true);
        const py = u.valToPos(line.ys[k], 'y', true);
        if (k === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
      });
    }
    ctx.stroke();
    ctx.restore();
    target.dataset.contourLines = String(contour.lines.length);
    countContourLines();
  };
  const windowRange = (min: number, max: number) => ({ auto: false, range: [min, max] as uPlot.Range.MinMax });
  const options: uPlot.Options = {
    mode: 2,
    width, height: PLOT_HEIGHT,
    scales: contour
      ? { x: { time: false, ...windowRange(contour.window.xMin, contour.window.xMax) }, y: windowRange(contour.window.yMin, contour.window.yMax) }
      : { x: { time: false }, y: {} },
    axes: [
      // Behind level lines a grid of the same grey would read as more levels: the ticks stay, the grid goes.
      axis(theme, chart.xParam, contour ? { grid: { show: false } } : {}),
      axis(theme, chart.yParam, { size: 72, ...(contour ? { grid: { show: false } } : {}) }),
    ],
    series: [
      {},
      ...chart.series.map((s, i) => ({
        label: s.label, stroke: colour(i), width: 1.75,
        facets: [{ scale: 'x', auto: !contour }, { scale: 'y', auto: !contour }],
        paths: uPlot.paths.linear!(),
        points: { show: false },
      } as uPlot.Series)),
    ],
    legend: { live: false },
    cursor: { drag: { x: true, y: true, setScale: true }, points: { show: false }, dataIdx: () => null as unknown as number },
    hooks: { drawAxes: [drawContour], draw: [markEnds], setCursor: [showNearest] },
  };
  const data = [null, ...chart.series.map((s) => [s.xs, s.ys])] as unknown as uPlot.AlignedData;
  const plot = new uPlot(options, data, target);
  target.append(readout);
  return plot;
}

// viridis, sampled: readable on dark and light backgrounds, and in grey.
const VIRIDIS: [number, number, number][] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const [r, g, b] = VIRIDIS[i].map((c, k) => Math.round(c + (VIRIDIS[i + 1][k] - c) * f));
  return `rgb(${r}, ${g}, ${b})`;
}

function heatmapChart(chart: HeatmapChart, target: HTMLElement, width: number, theme: Theme): uPlot {
  const layers = chart.layerLabels.length;
  const span = chart.log10Max - chart.log10Min || 1;
  const steps = chart.steps;
  // Each step's cell reaches half way to its neighbours.
  const edges = steps.map((s, i) => [
    i === 0 ? s - ((steps[1] ?? s + 1) - s) / 2 : (steps[i - 1] + s) / 2,
    i === steps.length - 1 ? s + (s - (steps[i - 1] ?? s - 1)) / 2 : (s + steps[i + 1]) / 2,
  ]);
  const readout = document.createElement('div');
  readout.className = 'grad-readout';
  readout.textContent = 'Hover a cell for its step, layer and ‖δˡ‖.';
  const draw = (u: uPlot) => {
    const { ctx } = u;
    const { left, top, width: w, height: h } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, w, h);
    ctx.clip();
    for (let layer = 0; layer < layers; layer++) {
      const y0 = u.valToPos(layer + 0.5, 'layer', true);
      const y1 = u.valToPos(layer + 1.5, 'layer', true);
      chart.log10Norms[layer].forEach((cell, i) => {
        const x0 = u.valToPos(edges[i][0], 'x', true);
        const x1 = u.valToPos(edges[i][1], 'x', true);
        if (x1 < left || x0 > left + w) return;
        ctx.fillStyle = cell !== null ? viridis((cell - chart.log10Min) / span) : theme.grid;
        // A hair wider than the cell so that neighbours leave no seams.
        ctx.fillRect(x0, y1, Math.max(1, x1 - x0 + 0.5), y0 - y1);
      });
    }
    ctx.restore();
  };
  const showCell = (u: uPlot) => {
    const i = u.cursor.idx;
    const topPx = u.cursor.top;
    if (i === null || i === undefined || topPx === undefined || topPx < 0) return;
    const layer = Math.round(u.posToVal(topPx, 'layer')) - 1;
    if (layer < 0 || layer >= layers) return;
    readout.textContent = `step ${steps[i]} · layer ${chart.layerLabels[layer]} · ‖δˡ‖ = ${chart.texts[layer][i]}`;
  };
  const options: uPlot.Options = {
    width, height: Math.max(180, Math.min(PLOT_HEIGHT + 40, 40 + layers * 26)),
    scales: { x: { time: false }, layer: { auto: false, range: [0.5, layers + 0.5] } },
    axes: [
      axis(theme, 'step', { grid: { show: false }, incrs: STEP_INCREMENTS }),
      axis(theme, 'layer l', {
        scale: 'layer', size: 64, grid: { show: false },
        splits: () => chart.layerLabels.map((_, i) => i + 1),
        values: (_u, splits) => splits.map((s) => chart.layerLabels[s - 1] ?? ''),
      }),
    ],
    series: [
      { label: 'step' },
      // Only for the cursor: the cells are painted by the draw hook.
      { label: '‖δˡ‖', scale: 'layer', paths: () => null, points: { show: false } },
    ],
    legend: { show: false },
    cursor: { drag: { x: true, y: false, setScale: true }, points: { show: false } },
    hooks: { draw: [draw], setCursor: [showCell] },
    plugins: [wheelZoom(steps[0], steps[steps.length - 1]), rememberZoom(chart.id, steps[0], steps[steps.length - 1])],
  };
  const plot = new uPlot(options, [steps, steps.map(() => null)] as uPlot.AlignedData, target);
  target.append(colourBar(chart), readout);
  return plot;
}

/** The heatmap's colour scale: a gradient from the smallest to the largest log10 ‖δˡ‖. */
function colourBar(chart: HeatmapChart): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'grad-colourbar';
  const canvas = document.createElement('canvas');
  canvas.width = 240;
  canvas.height = 12;
  const ctx = canvas.getContext('2d');
  if (ctx) {
    for (let x = 0; x < canvas.width; x++) {
      ctx.fillStyle = viridis(x / (canvas.width - 1));
      ctx.fillRect(x, 0, 1, canvas.height);
    }
  }
  const low = document.createElement('span');
  low.textContent = `log10 ‖δˡ‖ ${chart.log10Min.toFixed(1)}`;
  const high = document.createElement('span');
  high.textContent = chart.log10Max.toFixed(1);
  bar.append(low, canvas, high);
  if (chart.log10Norms.some((row) => row.some((v) => v === null))) {
    const zero = document.createElement('span');
    zero.textContent = '· grey: 0 (a dead layer) or not finite';
    bar.append(zero);
  }
  return bar;
}

const plots: { figure: HTMLElement; plot: uPlot }[] = [];

/** The level lines drawn, over all contour charts, on the body (tests read it; each chart's plot element has its own count). */
function countContourLines(): void {
  document.body.dataset.contourLines = String([...document.querySelectorAll<HTMLElement>('.grad-plot[data-contour-lines]')]
    .reduce((sum, e) => sum + Number(e.dataset.contourLines), 0));
}

function plotWidth(figure: HTMLElement): number {
  return Math.max(240, Math.floor(figure.clientWidth - 16));
}

function render(data: PanelData): void {
  for (const { plot } of plots.splice(0)) plot.destroy();
  const theme = readTheme();
  for (const chart of data.sections.flatMap((s) => s.charts)) {
    const figure = document.getElementById(`chart-${chart.id}`);
    const target = figure?.querySelector<HTMLElement>('.grad-plot');
    if (!figure || !target) continue;
    target.replaceChildren();
    delete target.dataset.contourLines;
    const plot = chart.kind === 'heatmap' ? heatmapChart(chart, target, plotWidth(figure), theme)
      : chart.kind === 'path' ? pathChart(chart, target, plotWidth(figure), theme)
        : lineChart(chart, target, plotWidth(figure), theme);
    if (chart.kind !== 'heatmap' && chart.note) {
      const note = document.createElement('div');
      note.className = 'grad-note';
      note.textContent = chart.note;
      target.append(note);
    }
    plots.push({ figure, plot });
  }
  document.body.dataset.chartsDrawn = String(plots.length);
  countContourLines();
}

function main(): void {
  const element = document.getElementById('grad-chart-data');
  if (!element?.textContent) return;
  const data = JSON.parse(element.textContent) as PanelData;
  render(data);
  // VS Code switches the body's theme class (vscode-dark, vscode-light, …) and the variables: redraw in the new colours.
  new MutationObserver(() => render(data)).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const { figure, plot } of plots) plot.setSize({ width: plotWidth(figure), height: plot.height });
    }, 50);
  }).observe(document.body);
}

main();
