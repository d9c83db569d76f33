import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DEFAULT_ANALYSIS_SETTINGS, didChangeConfigurationParams, initializationOptions, readAnalysisSettings } from '../../src/settings';

const reader = (values: Record<string, unknown>) => (key: string) => values[key];

test('settings become initializationOptions { analysis: { debounceMs, autoRun, budgetSeconds } }', () => {
  const analysis = readAnalysisSettings(reader({ 'analysis.debounceMs': 0, 'analysis.autoRun': true, 'analysis.budgetSeconds': 2.5 }));
  assert.deepEqual(initializationOptions(analysis), { analysis: { debounceMs: 0, autoRun: true, budgetSeconds: 2.5 } });
});

test('unset settings take the defaults that package.json declares', () => {
  assert.deepEqual(readAnalysisSettings(reader({})), DEFAULT_ANALYSIS_SETTINGS);
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['grad.analysis.debounceMs'].default, DEFAULT_ANALYSIS_SETTINGS.debounceMs);
  assert.equal(props['grad.analysis.autoRun'].default, DEFAULT_ANALYSIS_SETTINGS.autoRun);
  assert.equal(props['grad.analysis.budgetSeconds'].default, DEFAULT_ANALYSIS_SETTINGS.budgetSeconds);
});

test('invalid values (negative, NaN, wrong type) fall back to the default one by one', () => {
  const s = readAnalysisSettings(reader({ 'analysis.debounceMs': -5, 'analysis.autoRun': 'yes', 'analysis.budgetSeconds': Number.NaN }));
  assert.deepEqual(s, DEFAULT_ANALYSIS_SETTINGS);
  assert.equal(readAnalysisSettings(reader({ 'analysis.debounceMs': '100' })).debounceMs, DEFAULT_ANALYSIS_SETTINGS.debounceMs);
  assert.equal(readAnalysisSettings(reader({ 'analysis.budgetSeconds': 0 })).budgetSeconds, 0);
});

test('didChangeConfiguration sends the grad section, as VS Code clients do', () => {
  assert.deepEqual(didChangeConfigurationParams({ debounceMs: 10, autoRun: false, budgetSeconds: 1 }),
    { settings: { grad: { analysis: { debounceMs: 10, autoRun: false, budgetSeconds: 1 } } } });
});
