// Tokenises text with the extension's TextMate grammar the way VS Code does (vscode-textmate +
// vscode-oniguruma, the same libraries VS Code uses), and writes tokens as a readable snapshot.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const here = path.dirname(fileURLToPath(import.meta.url));
export const extensionRoot = path.resolve(here, '..', '..');
export const repoRoot = path.resolve(extensionRoot, '..');
const grammarPath = path.join(extensionRoot, 'syntaxes', 'grad.tmLanguage.json');

let grammarPromise;

/** The grad grammar, loaded once. */
export function loadGrammar() {
  grammarPromise ??= (async () => {
    const wasm = await readFile(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
        createOnigString: (s) => new oniguruma.OnigString(s),
      }),
      loadGrammar: async (scopeName) => {
        if (scopeName !== 'source.grad') return null;
        const text = await readFile(grammarPath, 'utf8');
        return vsctm.parseRawGrammar(text, grammarPath);
      },
    });
    const grammar = await registry.loadGrammar('source.grad');
    if (!grammar) throw new Error('grammar source.grad did not load');
    return grammar;
  })();
  return grammarPromise;
}

/** Tokens of every line: `{ line, text, scopes }` with the root scope `source.grad` left out. */
export async function tokenize(source) {
  const grammar = await loadGrammar();
  const lines = source.split(/\r\n|\r|\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  let ruleStack = vsctm.INITIAL;
  const tokens = [];
  lines.forEach((line, lineIndex) => {
    const result = grammar.tokenizeLine(line, ruleStack);
    for (const t of result.tokens) {
      const text = line.slice(t.startIndex, Math.min(t.endIndex, line.length));
      tokens.push({ line: lineIndex, start: t.startIndex, text, scopes: t.scopes.filter((s) => s !== 'source.grad') });
    }
    ruleStack = result.ruleStack;
  });
  return { lines, tokens };
}

/**
 * Snapshot text: each source line, then one line per non-blank token with carets under it and its
 * scopes (innermost last), like vscode-tmgrammar-snap.
 */
export async function snapshot(source) {
  const { lines, tokens } = await tokenize(source);
  const out = [];
  lines.forEach((line, i) => {
    out.push(`>${line}`);
    for (const t of tokens.filter((t) => t.line === i && t.text.trim() !== '')) {
      out.push(`#${' '.repeat(t.start)}${'^'.repeat(t.text.length)} ${t.scopes.join(' ') || '(no scope)'}`);
    }
  });
  return out.join('\n') + '\n';
}
