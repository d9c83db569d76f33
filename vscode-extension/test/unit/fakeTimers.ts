// A fake clock for setTimeout/clearTimeout, so debounce tests step time by hand. Node 20's `mock.timers`
// does the same but prints an ExperimentalWarning into every test run; this is the part we use.
type Pending = { id: number; due: number; callback: () => void };

let now = 0;
let nextId = 1;
let pending: Pending[] = [];
let saved: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout } | undefined;

/** Replaces the global setTimeout/clearTimeout with the fake clock (until reset()). */
export function enable(): void {
  if (saved) return;
  saved = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
  globalThis.setTimeout = ((callback: () => void, ms?: number) => {
    const timer = { id: nextId++, due: now + (ms ?? 0), callback };
    pending.push(timer);
    return timer.id;
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = ((id: unknown) => {
    pending = pending.filter((t) => t.id !== id);
  }) as typeof clearTimeout;
}

/** Moves the clock forward by ms, running every timer that falls due, in order. */
export function tick(ms: number): void {
  const end = now + ms;
  for (;;) {
    const due = pending.filter((t) => t.due <= end).sort((a, b) => a.due - b.due || a.id - b.id)[0];
    if (!due) break;
    pending = pending.filter((t) => t !== due);
    now = due.due;
    due.callback();
  }
  now = end;
}

/** Restores the real timers and forgets pending fake ones. */
export function reset(): void {
  if (saved) {
    globalThis.setTimeout = saved.setTimeout;
    globalThis.clearTimeout = saved.clearTimeout;
    saved = undefined;
  }
  pending = [];
  now = 0;
}
