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

test('the settings are the six the extension reads', () => {
  assert.deepEqual(Object.keys(pkg.contributes.configuration.properties).sort(), [
    'grad.analysis.autoRun', 'grad.analysis.budgetSeconds', 'grad.analysis.debounceMs', 'grad.dotnetPath', 'grad.server.path', 'grad.trace.server']);
});

test('the bundle entry point is dist/extension.js and the .vsix carries the server', () => {
  assert.equal(pkg.main, './dist/extension.js');
  const ignore = fs.readFileSync(path.join(root, '.vscodeignore'), 'utf8');
  assert.match(ignore, /^!server\/\*\*$/m);
  assert.match(ignore, /^!dist\/extension\.js$/m);
});
