// The gradient-flow webview's script: draws the charts of the server's panel data (src/panel/panelData.ts; the JSON block in
// the page) with uPlot, in the editor's theme colours, and draws new data in place when the extension posts it (a live
// run's progress: uPlot's setData, the numbers rewritten; the page is not reloaded). Bundled by esbuild into
// dist/webview/gradientFlow.js; it loads nothing from anywhere (the page's Content-Security-Policy would not let it).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './gradientFlow.css';
import type { Chart, HeatmapChart, PanelData, PanelHostMessage, PanelWebviewMessage, PathChart } from '../src/panel/panelData';
import { noticeHtml, PANEL_CONTENT_ELEMENT_ID, renderPanelContent, sectionNumbers } from '../src/panel/renderPanelHtml';
import { axis, lineChart, PLOT_HEIGHT, readTheme, rememberZoom, STEP_INCREMENTS, Theme, updateLineChart, wheelZoom, ZoomMemory } from './charts';

interface WebviewApi { getState(): unknown; setState(state: unknown): void; postMessage(message: PanelWebviewMessage): void }
declare const acquireVsCodeApi: undefined | (() => WebviewApi);
const webviewApi = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

/** The x range the user zoomed to, per chart id, kept across re-renders of the page (a run finishing, an edit). */
type ZoomState = Record<string, [number, number]>;
const zoomState: ZoomState = ((webviewApi?.getState() as { zoom?: ZoomState } | undefined)?.zoom) ?? {};
const zoom: ZoomMemory = {
  get: (id) => zoomState[id],
  set: (id, range) => {
    if (range) zoomState[id] = range; else delete zoomState[id];
    webviewApi?.setState({ zoom: zoomState });
  },
};

/** Level lines are thin and muted: the paths in front of them are the point. */
const CONTOUR_ALPHA = 0.55;
const CONTOUR_WIDTH = 1;

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

/** A heatmap drawn, and how to draw new data of it in place (false when its layers changed: draw it anew). */
interface DrawnHeatmap { plot: uPlot; update(chart: HeatmapChart): boolean }

function heatmapChart(chart: HeatmapChart, target: HTMLElement, width: number, theme: Theme): DrawnHeatmap {
  // The chart drawn now (a live run's heatmap grows by steps): the hooks read it.
  let current = chart;
  const layers = chart.layerLabels.length;
  // Each step's cell reaches half way to its neighbours.
  const edgesOf = (steps: number[]) => steps.map((s, i) => [
    i === 0 ? s - ((steps[1] ?? s + 1) - s) / 2 : (steps[i - 1] + s) / 2,
    i === steps.length - 1 ? s + (s - (steps[i - 1] ?? s - 1)) / 2 : (s + steps[i + 1]) / 2,
  ]);
  let edges = edgesOf(chart.steps);
  const readout = document.createElement('div');
  readout.className = 'grad-readout';
  readout.textContent = 'Hover a cell for its step, layer and ‖δˡ‖.';
  const draw = (u: uPlot) => {
    const { ctx } = u;
    const { left, top, width: w, height: h } = u.bbox;
    const span = current.log10Max - current.log10Min || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, w, h);
    ctx.clip();
    for (let layer = 0; layer < layers; layer++) {
      const y0 = u.valToPos(layer + 0.5, 'layer', true);
      const y1 = u.valToPos(layer + 1.5, 'layer', true);
      current.log10Norms[layer].forEach((cell, i) => {
        const x0 = u.valToPos(edges[i][0], 'x', true);
        const x1 = u.valToPos(edges[i][1], 'x', true);
        if (x1 < left || x0 > left + w) return;
        ctx.fillStyle = cell !== null ? viridis((cell - current.log10Min) / span) : theme.grid;
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
    readout.textContent = `step ${current.steps[i]} · layer ${current.layerLabels[layer]} · ‖δˡ‖ = ${current.texts[layer][i]}`;
  };
  const bounds = (): [number, number] => [current.steps[0], current.steps[current.steps.length - 1]];
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
    plugins: [wheelZoom(bounds), rememberZoom(zoom, chart.id, bounds)],
  };
  const plot = new uPlot(options, [chart.steps, chart.steps.map(() => null)] as uPlot.AlignedData, target);
  let bar = colourBar(chart);
  target.append(bar, readout);
  return {
    plot,
    update(next) {
      if (next.layerLabels.length !== layers || next.layerLabels.some((label, i) => label !== chart.layerLabels[i])) return false;
      current = next;
      edges = edgesOf(next.steps);
      plot.setData([next.steps, next.steps.map(() => null)] as uPlot.AlignedData);
      const nextBar = colourBar(next);
      bar.replaceWith(nextBar);
      bar = nextBar;
      return true;
    },
  };
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

/** A chart drawn in its figure, and how to draw new data of it in place (false: it changed shape, draw it anew). */
interface DrawnChart { id: string; figure: HTMLElement; plot: uPlot; update(chart: Chart): boolean }

const plots: DrawnChart[] = [];

/** The level lines drawn, over all contour charts, on the body (tests read it; each chart's plot element has its own count). */
function countContourLines(): void {
  document.body.dataset.contourLines = String([...document.querySelectorAll<HTMLElement>('.grad-plot[data-contour-lines]')]
    .reduce((sum, e) => sum + Number(e.dataset.contourLines), 0));
}

function plotWidth(figure: HTMLElement): number {
  return Math.max(240, Math.floor(figure.clientWidth - 16));
}

/** The chart's note under its plot (a line or path chart's), and how many points it has (tests read it). */
function annotate(target: HTMLElement, chart: Chart): void {
  const note = chart.kind !== 'heatmap' ? chart.note : undefined;
  let element = target.querySelector<HTMLElement>(':scope > .grad-note');
  if (note && !element) {
    element = document.createElement('div');
    element.className = 'grad-note';
    target.append(element);
  }
  if (element) {
    if (note) element.textContent = note; else element.remove();
  }
  target.dataset.points = String(chart.kind === 'heatmap' ? chart.steps.length : chart.kind === 'line' ? chart.xs.length : chart.series.reduce((n, s) => n + s.xs.length, 0));
}

function drawChart(chart: Chart, theme: Theme): DrawnChart | undefined {
  const figure = document.getElementById(`chart-${chart.id}`);
  const target = figure?.querySelector<HTMLElement>('.grad-plot');
  if (!figure || !target) return undefined;
  target.replaceChildren();
  delete target.dataset.contourLines;
  let drawn: DrawnChart;
  if (chart.kind === 'heatmap') {
    const heatmap = heatmapChart(chart, target, plotWidth(figure), theme);
    drawn = { id: chart.id, figure, plot: heatmap.plot, update: (next) => next.kind === 'heatmap' && heatmap.update(next) };
  } else if (chart.kind === 'path') {
    drawn = { id: chart.id, figure, plot: pathChart(chart, target, plotWidth(figure), theme), update: () => false };
  } else {
    const plot = lineChart(chart, target, plotWidth(figure), theme, zoom);
    drawn = { id: chart.id, figure, plot, update: (next) => next.kind === 'line' && updateLineChart(plot, next) };
  }
  annotate(target, chart);
  return drawn;
}

/** The data drawn now. */
let shown: PanelData;

function render(data: PanelData): void {
  for (const { plot } of plots.splice(0)) plot.destroy();
  shown = data;
  const theme = readTheme();
  for (const chart of data.sections.flatMap((s) => s.charts)) {
    const drawn = drawChart(chart, theme);
    if (drawn) plots.push(drawn);
  }
  document.body.dataset.chartsDrawn = String(plots.length);
  countContourLines();
}

/** The same sections with the same charts (ids and kinds) in the same order, and the same errors. */
function sameShape(a: PanelData, b: PanelData): boolean {
  return a.runCount === b.runCount && JSON.stringify(a.errors) === JSON.stringify(b.errors) && a.sections.length === b.sections.length
    && a.sections.every((section, i) => section.title === b.sections[i].title && section.charts.length === b.sections[i].charts.length
      && section.charts.every((chart, k) => chart.id === b.sections[i].charts[k].id && chart.kind === b.sections[i].charts[k].kind));
}

let updates = 0;

/**
 * New data drawn in place: with the same shape each chart's data is replaced (setData; a chart that changed shape is
 * drawn anew in its figure) and the numbers and the notice are rewritten; otherwise the content is rebuilt and drawn.
 * Either way the document stays: no reload, no flicker, the scroll position kept.
 */
function update(data: PanelData, notice: string | undefined): void {
  const content = document.getElementById(PANEL_CONTENT_ELEMENT_ID);
  if (!content) return;
  if (!sameShape(shown, data)) {
    content.innerHTML = renderPanelContent(data, notice);
    render(data);
  } else {
    const slot = content.querySelector('.grad-notice-slot');
    if (slot) slot.innerHTML = noticeHtml(notice);
    content.querySelectorAll<HTMLElement>('.grad-section > .grad-numbers').forEach((element, i) => { element.innerHTML = sectionNumbers(data.sections[i]); });
    const theme = readTheme();
    const charts = new Map(data.sections.flatMap((s) => s.charts).map((c) => [c.id, c]));
    plots.forEach((drawn, i) => {
      const chart = charts.get(drawn.id);
      if (!chart) return;
      if (drawn.update(chart)) {
        const target = drawn.figure.querySelector<HTMLElement>('.grad-plot');
        if (target) annotate(target, chart);
        return;
      }
      drawn.plot.destroy();
      const again = drawChart(chart, theme);
      if (again) plots[i] = again;
    });
    shown = data;
    countContourLines();
  }
  document.body.dataset.updates = String(++updates);
}

function main(): void {
  const element = document.getElementById('grad-chart-data');
  if (!element?.textContent) return;
  render(JSON.parse(element.textContent) as PanelData);
  window.addEventListener('message', (event: MessageEvent<PanelHostMessage>) => {
    if (event.data?.type === 'panel' && Array.isArray(event.data.data?.sections)) update(event.data.data, event.data.notice);
  });
  // VS Code switches the body's theme class (vscode-dark, vscode-light, …) and the variables: redraw in the new colours.
  new MutationObserver(() => render(shown)).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  new ResizeObserver(() => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const { figure, plot } of plots) plot.setSize({ width: plotWidth(figure), height: plot.height });
    }, 50);
  }).observe(document.body);
  webviewApi?.postMessage({ type: 'ready' });
}

main();
