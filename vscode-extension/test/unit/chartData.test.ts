// The gradient-flow panel's chart data: the series are the runs' traces, the heatmap cells the traced ‖δˡ‖,
// and the log-scale decision. The sample is the committed output of `grad run examples/seed.grad --json`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { chartData, HeatmapChart, LineChart, MAX_LOG_DECADES, PathChart, shouldUseLogScale } from '../../src/panel/chartData';
import type { ContourResult, FileResults, RunResult } from '../../src/runResults';

const fixture = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'seed-run.json');
const seed = JSON.parse(fs.readFileSync(fixture, 'utf8')) as FileResults;
/** The language server's contours for the seed's minimize runs (`grad/runResults` adds them; `grad run --json` has none). */
const contours = (JSON.parse(fs.readFileSync(path.join(fixture, '..', 'seed-contours.json'), 'utf8')) as { contours: ContourResult[] }).contours;
type Point = { step: number; cost?: number; loss?: number; gradient?: Record<string, number>; deltaNorms?: number[] };
const trace = (run: string) => seed.runs.find((r) => r.name === run)!.trace as Point[];
const charts = (results: FileResults) => chartData(results).sections.flatMap((s) => s.charts);
const chart = <T extends LineChart | HeatmapChart | PathChart>(results: FileResults, id: string) => charts(results).find((c) => c.id === id) as T;

/** A line's points as [x, y] pairs, gaps left out. */
function points(c: LineChart, label: string): [number, number][] {
  const series = c.series.find((s) => s.label === label);
  assert.ok(series, `${c.id} has a series ${label}: ${c.series.map((s) => s.label).join(', ')}`);
  return c.xs.flatMap((x, i) => (series.values[i] === null ? [] : [[x, series.values[i]!] as [number, number]]));
}

test('the seed gives one cost chart, one loss chart, per-layer norms and a heatmap for deep, gradient components per minimize run', () => {
  const data = chartData(seed);
  assert.deepEqual(data.sections.map((s) => s.title), ['Runs compared', 'run deep', 'run plain', 'run early', 'run adaptive']);
  assert.deepEqual(charts(seed).map((c) => `${c.kind}:${c.id}`),
    ['line:cost-0', 'path:paths-0', 'line:loss', 'line:layers-3', 'heatmap:heatmap-3', 'line:gradient-0', 'line:gradient-1', 'line:gradient-2']);
  assert.deepEqual((chart<LineChart>(seed, 'cost-0')).series.map((s) => s.label), ['plain', 'early', 'adaptive']);
  assert.deepEqual((chart<LineChart>(seed, 'loss')).series.map((s) => s.label), ['deep']);
});

test('cost curves are the minimize runs\' traced costs on one step axis (zeros left out of the log scale)', () => {
  const cost = chart<LineChart>(seed, 'cost-0');
  assert.equal(cost.logY, true, 'from 1 down to 1e-300: log scale');
  for (const run of ['plain', 'early', 'adaptive']) {
    const expected = trace(run).filter((p) => p.cost! > 0).map((p) => [p.step, p.cost]);
    assert.deepEqual(points(cost, run), expected, run);
  }
  assert.deepEqual(points(cost, 'early').map(([x]) => x), [0, 1, 2], 'early stopped after two steps: no points after them');
  assert.ok(trace('adaptive').some((p) => p.cost === 0), 'the sample has a zero cost');
  assert.match(cost.note ?? '', /Zeros are not drawn/);
  assert.equal(cost.xs.length, new Set(['plain', 'early', 'adaptive'].flatMap((r) => trace(r).map((p) => p.step))).size, 'the union of the steps');
});

test('parameter paths are the minimize runs\' traced parameters, start to end', () => {
  const paths = chart<PathChart>(seed, 'paths-0');
  assert.equal(paths.title, 'Paths in the (w1, w2) plane');
  assert.deepEqual(paths.series.map((s) => s.label), ['plain', 'early', 'adaptive']);
  for (const s of paths.series) {
    type P = { step: number; params: Record<string, number> };
    const points = trace(s.label) as unknown as P[];
    assert.deepEqual(s.steps, points.map((p) => p.step));
    assert.deepEqual(s.xs, points.map((p) => p.params.w1), `${s.label} w1`);
    assert.deepEqual(s.ys, points.map((p) => p.params.w2), `${s.label} w2`);
  }
  assert.equal(paths.note, undefined);
});

test('with the server\'s contour the paths chart has the level lines of bowl, its window and its title', () => {
  const paths = chart<PathChart>({ ...seed, contours }, 'paths-0');
  const bowl = contours[0];
  assert.equal(paths.title, 'cost bowl: level sets and paths');
  assert.deepEqual([paths.xParam, paths.yParam], ['w1', 'w2']);
  assert.deepEqual(paths.series.map((s) => s.label), ['plain', 'early', 'adaptive'], 'the paths are still there');
  assert.deepEqual(paths.series, chart<PathChart>(seed, 'paths-0').series, 'the same paths as without the contour');
  const contour = paths.contour!;
  assert.equal(contour.cost, 'bowl');
  assert.deepEqual(contour.window, bowl.window);
  assert.deepEqual(contour.levels, bowl.levels);
  assert.ok(contour.levels.length >= 10 && contour.levels.every((l, i) => i === 0 || l > contour.levels[i - 1]), 'increasing');
  assert.equal(contour.lines.length, bowl.lines.length);
  contour.lines.forEach((line, i) => {
    assert.equal(line.level, bowl.lines[i].level);
    assert.deepEqual(line.xs, bowl.lines[i].points.map((p) => p[0]));
    assert.deepEqual(line.ys, bowl.lines[i].points.map((p) => p[1]));
  });
  // Every traced point lies in the window the axes show.
  const { xMin, xMax, yMin, yMax } = contour.window;
  for (const s of paths.series) s.xs.forEach((x, k) => assert.ok(x! >= xMin && x! <= xMax && s.ys[k]! >= yMin && s.ys[k]! <= yMax, `${s.label} step ${s.steps[k]}`));
  assert.match(paths.note!, /^Thin lines: level sets of bowl, 23 levels log-spaced from 6\.256e-6 to 1\.211\.$/);
  assert.equal(chart<PathChart>(seed, 'paths-0').contour, undefined, 'no contours (the CLI\'s JSON): paths only');
});

test('a contour is used only for runs over exactly its parameters, axes and held; the contour\'s axes win', () => {
  const run: RunResult = { name: 'r', kind: 'minimize', trace: [
    { step: 0, cost: 1, params: { a: 0, b: 5, c: 1 } }, { step: 1, cost: 0.5, params: { a: 0.1, b: 1, c: 3 } }] };
  const contour = (over: Partial<ContourResult>): ContourResult => ({
    cost: 'f', xParameter: 'a', yParameter: 'c', title: 'cost f: c against a, b = 1 (final values of run r)', held: [{ name: 'b', value: 1 }],
    window: { xMin: -1, xMax: 1, yMin: 0, yMax: 4 }, levels: [0.1, 1],
    lines: [{ level: 0.1, points: [[0, 1], [0.5, 1.5]] }, { level: 1, points: [[0, 2]] }], ...over,
  });
  const paths = chart<PathChart>({ file: 'r.grad', runs: [run], contours: [contour({})] }, 'paths-0');
  assert.deepEqual([paths.xParam, paths.yParam], ['a', 'c'], 'not b and c, the two that move most: the contour\'s plane');
  assert.deepEqual(paths.series[0].xs, [0, 0.1]);
  assert.equal(paths.title, 'cost f: c against a, b = 1 (final values of run r)');
  assert.deepEqual(paths.contour!.lines, [{ level: 0.1, xs: [0, 0.5], ys: [1, 1.5] }], 'a line of one point is left out');
  const without = (contours: ContourResult[]) => chart<PathChart>({ file: 'r.grad', runs: [run], contours }, 'paths-0');
  assert.equal(without([contour({ held: [] })]).contour, undefined, 'other parameters');
  assert.equal(without([contour({}), contour({ cost: 'g' })]).contour, undefined, 'two costs over these parameters: which one is unknown');
  assert.equal(without([contour({ window: { xMin: 1, xMax: 1, yMin: 0, yMax: 4 } })]).contour, undefined, 'an empty window');
  assert.equal(without([]).title, 'Paths in the (b, c) plane');
});

test('with more than two parameters the paths show the two that move most, in the trace\'s order', () => {
  const run: RunResult = { name: 'r', kind: 'minimize', trace: [
    { step: 0, cost: 1, params: { a: 0, b: 5, c: 1 } }, { step: 1, cost: 0.5, params: { a: 0.1, b: 1, c: 3 } }] };
  const paths = chart<PathChart>({ file: 'r.grad', runs: [run] }, 'paths-0');
  assert.deepEqual([paths.xParam, paths.yParam], ['b', 'c']);
  assert.deepEqual(paths.series[0].xs, [5, 1]);
  assert.match(paths.note!, /a not shown/);
  const one: RunResult = { name: 'o', kind: 'minimize', trace: [{ step: 0, cost: 1, params: { x: 1 } }] };
  assert.equal(chart({ file: 'o.grad', runs: [one] }, 'paths-0'), undefined, 'one parameter: no plane');
});

test('gradient components are |∂f/∂p| of the trace, per parameter', () => {
  const plain = chart<LineChart>(seed, 'gradient-0');
  assert.equal(plain.title, 'run plain: gradient components |∂f/∂p|');
  assert.deepEqual(plain.xs, trace('plain').map((p) => p.step));
  assert.deepEqual(points(plain, '|∂f/∂w1|'), trace('plain').map((p) => [p.step, Math.abs(p.gradient!.w1)]));
  // ∂f/∂w2 is 2 at the start and 0 once w2 = 0: on the log scale only the start remains.
  assert.deepEqual(points(plain, '|∂f/∂w2|'), [[0, 2]]);
  const negative: RunResult = { name: 'n', kind: 'minimize', trace: [{ step: 0, cost: 1, gradient: { x: -3 } }, { step: 1, cost: 2, gradient: { x: 'NaN' } }] };
  const c = chart<LineChart>({ file: 'n.grad', runs: [negative] }, 'gradient-0');
  assert.deepEqual(c.series[0].values, [3, null], 'absolute values; NaN as a gap');
});

test('the loss curve is the train run\'s traced loss, on a linear axis when it spans less than two decades', () => {
  const loss = chart<LineChart>(seed, 'loss');
  assert.equal(loss.logY, false);
  assert.deepEqual(points(loss, 'deep'), trace('deep').map((p) => [p.step, p.loss]));
});

test('per-layer norms are the layers\' ‖δˡ‖ and ‖∂C/∂Wˡ‖, initial and after training, labelled 1 … 9 out', () => {
  const layers = chart<LineChart>(seed, 'layers-3');
  const deep = seed.runs.find((r) => r.name === 'deep')!;
  assert.equal(layers.logY, true);
  assert.deepEqual(layers.xs, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(layers.xTicks!.map((t) => t.label), ['1', '2', '3', '4', '5', '6', '7', '8', '9 out']);
  assert.deepEqual(layers.series.map((s) => s.label), ['‖δˡ‖ initial', '‖δˡ‖ after training', '‖∂C/∂Wˡ‖ initial', '‖∂C/∂Wˡ‖ after training']);
  assert.deepEqual(layers.series[0].values, deep.layers!.map((l) => l.deltaNorm!.initial));
  assert.deepEqual(layers.series[1].values, deep.layers!.map((l) => l.deltaNorm!.final));
  assert.deepEqual(layers.series[2].values, deep.layers!.map((l) => l.weightGradNorm!.initial));
  assert.deepEqual(layers.series[3].values, deep.layers!.map((l) => l.weightGradNorm!.final));
});

test('heatmap cells are the traced ‖δˡ‖ per layer and step; the colour scale spans their log10', () => {
  const heatmap = chart<HeatmapChart>(seed, 'heatmap-3');
  const points = trace('deep');
  assert.deepEqual(heatmap.steps, points.map((p) => p.step));
  assert.equal(heatmap.norms.length, 9);
  heatmap.norms.forEach((row, layer) => assert.deepEqual(row, points.map((p) => p.deltaNorms![layer]), `layer ${layer + 1}`));
  const logs = points.flatMap((p) => p.deltaNorms!).map(Math.log10);
  assert.equal(heatmap.log10Min, Math.min(...logs));
  assert.equal(heatmap.log10Max, Math.max(...logs));
  assert.equal(heatmap.layerLabels[8], '9 out');
});

test('log scale from two decades up; zeros, negatives and non-finite values do not count', () => {
  assert.equal(shouldUseLogScale([1, 50]), false);
  assert.equal(shouldUseLogScale([1, 99.9]), false);
  assert.equal(shouldUseLogScale([1, 100]), true);
  assert.equal(shouldUseLogScale([0.002, 2]), true);
  assert.equal(shouldUseLogScale([0, -5, 1, 2, null]), false);
  assert.equal(shouldUseLogScale([0, 1e-3, 1]), true);
  assert.equal(shouldUseLogScale([Infinity, 1]), false);
  assert.equal(shouldUseLogScale([]), false);
});

test(`a log axis stops ${MAX_LOG_DECADES} decades below the largest value; a linear one keeps zeros and negatives`, () => {
  const cost = chart<LineChart>(seed, 'cost-0');
  assert.equal(cost.logFloor, 10 ** (1 - MAX_LOG_DECADES), 'costs up to 1.001: the axis tops at 10');
  assert.match(cost.note!, /decades below the largest value/);
  assert.equal(chart<LineChart>(seed, 'gradient-0').logFloor, undefined);
  const run: RunResult = { name: 'flat', kind: 'minimize', trace: [{ step: 0, cost: -1 }, { step: 1, cost: 0 }, { step: 2, cost: 'Infinity' }] };
  const linear = chart<LineChart>({ file: 'f.grad', runs: [run] }, 'cost-0');
  assert.equal(linear.logY, false);
  assert.deepEqual(linear.series[0].values, [-1, 0, null]);
  assert.equal(linear.note, undefined);
});

test('minimize runs over different parameters get one cost chart each', () => {
  const a: RunResult = { name: 'a', kind: 'minimize', trace: [{ step: 0, cost: 1, params: { x: 1 } }] };
  const b: RunResult = { name: 'b', kind: 'minimize', trace: [{ step: 0, cost: 2, params: { y: 1, z: 2 } }] };
  const c: RunResult = { name: 'c', kind: 'minimize', trace: [{ step: 0, cost: 3, params: { x: 0 } }] };
  const compared = chartData({ file: 'm.grad', runs: [a, b, c] }).sections[0].charts.filter((x) => x.kind === 'line') as LineChart[];
  assert.deepEqual(compared.map((c) => [c.title, c.series.map((x) => x.label)]),
    [['Cost against step (x)', ['a', 'c']], ['Cost against step (y, z)', ['b']]]);
});

test('no runs, no charts; a train run without a trace has no heatmap', () => {
  assert.deepEqual(chartData({ file: 'e.grad', runs: [] }).sections, []);
  const bare: RunResult = { name: 't', kind: 'train', layers: [{ index: 1, units: 1, activation: 'relu', deltaNorm: { initial: 1, final: 'NaN' } }] };
  assert.deepEqual(charts({ file: 't.grad', runs: [bare] }).map((c) => c.id), ['loss', 'layers-0']);
  assert.deepEqual((chart<LineChart>({ file: 't.grad', runs: [bare] }, 'layers-0')).series[1].values, [null]);
});
