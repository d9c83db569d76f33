// Finds the `run NAME { … }` block around a position, for "Grad: Run Experiment at Cursor".
// A small scanner that knows comments and strings, so braces inside them do not count. Pure.

export interface RunBlock {
  name: string;
  /** Offset of the `run` keyword. */
  start: number;
  /** Offset just after the closing `}` (the end of the text when it is missing). */
  end: number;
}

/** Every top-level run block of the text, in order. */
export function findRunBlocks(text: string): RunBlock[] {
  const blocks: RunBlock[] = [];
  let depth = 0;
  let open: { name: string; start: number } | undefined;
  let pendingRun: { start: number; name?: string } | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') { while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++; continue; }
    if (c === '/' && text[i + 1] === '*') { const close = text.indexOf('*/', i + 2); i = close < 0 ? text.length : close + 2; continue; }
    if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"' && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const wordStart = i;
      while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++;
      const word = text.slice(wordStart, i);
      if (depth === 0) {
        if (pendingRun && pendingRun.name === undefined && word !== 'run') pendingRun.name = word;
        else pendingRun = word === 'run' ? { start: wordStart } : undefined;
      }
      continue;
    }
    if (c === '{') {
      if (depth === 0 && pendingRun?.name !== undefined) open = { name: pendingRun.name, start: pendingRun.start };
      pendingRun = undefined;
      depth++;
    } else if (c === '}') {
      depth = Math.max(0, depth - 1);
      if (depth === 0 && open) { blocks.push({ ...open, end: i + 1 }); open = undefined; }
    } else if (!/\s/.test(c) && depth === 0) {
      pendingRun = undefined;
    }
    i++;
  }
  if (open) blocks.push({ ...open, end: text.length });
  return blocks;
}

/** The run whose block contains the offset; between blocks, none. */
export function findRunAt(text: string, offset: number): RunBlock | undefined {
  return findRunBlocks(text).find((b) => offset >= b.start && offset <= b.end);
}
