// package.json's contributions point at files that exist and parse, and match what the code uses.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.join(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const readJson = (relative: string) => JSON.parse(fs.readFileSync(path.join(root, relative), 'utf8'));

test('the engine is at most the VS Code the e2e test runs (1.100) and @types/vscode matches it', () => {
  assert.equal(pkg.engines.vscode, '^1.91.0');
  assert.equal(pkg.devDependencies['@types/vscode'], '1.91.0');
  const clientEngine = readJson(path.join('..', 'node_modules', 'vscode-languageclient', 'package.json')).engines.vscode;
  assert.equal(clientEngine, '^1.91.0', 'vscode-languageclient must not need a newer VS Code than ours');
});

test('language, grammar, snippets, configuration and icons exist and parse', () => {
  const [language] = pkg.contributes.languages;
  assert.equal(language.id, 'grad');
  assert.deepEqual(language.extensions, ['.grad']);
  const configuration = readJson(language.configuration);
  assert.deepEqual(configuration.comments, { lineComment: '//', blockComment: ['/*', '*/'] });
  assert.ok(configuration.autoClosingPairs.some((p: { open: string }) => p.open === '"'));
  for (const icon of [language.icon.light, language.icon.dark, pkg.icon]) assert.ok(fs.existsSync(path.join(root, icon)), icon);
  const [grammar] = pkg.contributes.grammars;
  assert.equal(readJson(grammar.path).scopeName, grammar.scopeName);
  const snippets = readJson(pkg.contributes.snippets[0].path);
  const prefixes = Object.values(snippets).flatMap((s) => ([] as string[]).concat((s as { prefix: string | string[] }).prefix));
  for (const p of ['cost', 'network', 'run minimize', 'run train', 'data inline', 'data generator']) assert.ok(prefixes.includes(p), `snippet ${p}`);
});

test('the settings are the ones the extension reads, and one per server limit', () => {
  const keys = Object.keys(pkg.contributes.configuration.properties);
  assert.deepEqual(keys.filter((k) => !k.startsWith('grad.limits.')).sort(), [
    'grad.analysis.autoRun', 'grad.analysis.budgetSeconds', 'grad.analysis.debounceMs', 'grad.data.allowOutsideWorkspace', 'grad.dotnetPath',
    'grad.landscape.directions', 'grad.landscape.resolution', 'grad.server.path', 'grad.trace.server']);
  // The limits' names and defaults are the server's (ResourceLimits.All); a C# test checks them against package.json.
  assert.deepEqual(keys.filter((k) => k.startsWith('grad.limits.')).sort(), [
    'grad.limits.activations', 'grad.limits.dataFileBytes', 'grad.limits.dataValues', 'grad.limits.expressionNodes',
    'grad.limits.layers', 'grad.limits.parameters', 'grad.limits.sourceCharacters', 'grad.limits.steps', 'grad.limits.traceValues']);
});

test('workspace trust: limited support in Restricted Mode, executable paths are machine settings a workspace cannot set', () => {
  const trust = pkg.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, 'limited');
  assert.match(trust.description, /Restricted Mode/);
  for (const key of ['grad.server.path', 'grad.dotnetPath', 'grad.data.allowOutsideWorkspace']) assert.ok(trust.restrictedConfigurations.includes(key), key);
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['grad.server.path'].scope, 'machine');
  assert.equal(props['grad.dotnetPath'].scope, 'machine');
  for (const [key, value] of Object.entries(props)) {
    if (key !== 'grad.server.path' && key !== 'grad.dotnetPath') assert.notEqual((value as { scope?: string }).scope, 'machine-overridable', key);
  }
});

test('the bundle entry point is dist/extension.js and the .vsix carries the server', () => {
  assert.equal(pkg.main, './dist/extension.js');
  const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8');
  assert.match(ignore, /^!server\/\*\*$/m);
  assert.match(ignore, /^!dist\/extension\.js$/m);
});
