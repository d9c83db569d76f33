import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_ANALYSIS_SETTINGS, DEFAULT_LANDSCAPE_SETTINGS, didChangeConfigurationParams, initializationOptions, readAnalysisSettings, readLandscapeSettings, readServerSettings } from '../../src/settings';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

test('settings become initializationOptions { analysis, limits, data, landscape, trusted }', () => {
  const read = reader({ 'analysis.debounceMs': 0, 'analysis.autoRun': true, 'analysis.budgetSeconds': 2.5, limits: { layers: 20, steps: 1e6 }, 'data.allowOutsideWorkspace': true,
    'landscape.resolution': 31, 'landscape.directions': 'pca' });
  assert.deepEqual(initializationOptions(readServerSettings(read), true),
    { analysis: { debounceMs: 0, autoRun: true, budgetSeconds: 2.5 }, limits: { layers: 20, steps: 1000000 }, data: { allowOutsideWorkspace: true },
      landscape: { resolution: 31, directions: 'pca' }, trusted: true });
});

test('a landscape resolution grad run --landscape would refuse (and not 0) takes the default; 0 turns landscapes off', () => {
  assert.deepEqual(readLandscapeSettings(reader({})), DEFAULT_LANDSCAPE_SETTINGS);
  assert.equal(readLandscapeSettings(reader({ 'landscape.resolution': 0 })).resolution, 0);
  for (const bad of [1, 2, 100, 7.5, -1, '21', Number.NaN]) {
    assert.equal(readLandscapeSettings(reader({ 'landscape.resolution': bad })).resolution, DEFAULT_LANDSCAPE_SETTINGS.resolution, String(bad));
  }
  assert.equal(readLandscapeSettings(reader({ 'landscape.directions': 'up' })).directions, 'random');
});

test('in Restricted Mode the options say trusted: false and never allow reading outside the workspace', () => {
  const options = initializationOptions(readServerSettings(reader({ 'data.allowOutsideWorkspace': true })), false);
  assert.equal(options.trusted, false);
  assert.equal(options.data.allowOutsideWorkspace, false);
  assert.equal(didChangeConfigurationParams(readServerSettings(reader({ 'data.allowOutsideWorkspace': true })), false).settings.grad.data.allowOutsideWorkspace, false);
});

test('a limit that is not a whole number of at least 1 is left out (the server keeps its default)', () => {
  const { limits } = readServerSettings(reader({ limits: { layers: 0, steps: 2.5, parameters: '1e9', traceValues: -1, dataValues: 5 } }));
  assert.deepEqual(limits, { dataValues: 5 });
});

test('unset settings take the defaults that package.json declares', () => {
  assert.deepEqual(readAnalysisSettings(reader({})), DEFAULT_ANALYSIS_SETTINGS);
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['grad.analysis.debounceMs'].default, DEFAULT_ANALYSIS_SETTINGS.debounceMs);
  assert.equal(props['grad.analysis.autoRun'].default, DEFAULT_ANALYSIS_SETTINGS.autoRun);
  assert.equal(props['grad.analysis.budgetSeconds'].default, DEFAULT_ANALYSIS_SETTINGS.budgetSeconds);
  assert.equal(props['grad.landscape.resolution'].default, DEFAULT_LANDSCAPE_SETTINGS.resolution);
  assert.equal(props['grad.landscape.directions'].default, DEFAULT_LANDSCAPE_SETTINGS.directions);
});

test('invalid values (negative, NaN, wrong type) fall back to the default one by one', () => {
  const s = readAnalysisSettings(reader({ 'analysis.debounceMs': -5, 'analysis.autoRun': 'yes', 'analysis.budgetSeconds': Number.NaN }));
  assert.deepEqual(s, DEFAULT_ANALYSIS_SETTINGS);
  assert.equal(readAnalysisSettings(reader({ 'analysis.debounceMs': '100' })).debounceMs, DEFAULT_ANALYSIS_SETTINGS.debounceMs);
  assert.equal(readAnalysisSettings(reader({ 'analysis.budgetSeconds': 0 })).budgetSeconds, 0);
});

test('didChangeConfiguration sends the grad section, as VS Code clients do', () => {
  const settings = { analysis: { debounceMs: 10, autoRun: false, budgetSeconds: 1 }, limits: { layers: 5 }, data: { allowOutsideWorkspace: false },
    landscape: { resolution: 0, directions: 'random' as const } };
  assert.deepEqual(didChangeConfigurationParams(settings, true), { settings: { grad: settings } });
});
