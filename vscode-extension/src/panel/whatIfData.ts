// The what-if panel's data as the language server sends it (`grad/whatIf`, built by the runtime's
// Grad.Runtime.WhatIf: WhatIfRun's knobs and WhatIfCharts' overlay, in the panel's line-chart JSON), and the
// messages between the extension and the panel's webview. Every number shown arrives as text; the webview only
// draws. Types only.
import type { LineChart } from './panelData';

/** A value a slider stops at and its text. */
export interface WhatIfStop {
  value: number;
  text: string;
}

/** One knob: lr, momentum, depth, initScale (sliders over `stops`) or activation (a picker over `choices`). */
export interface WhatIfKnob {
  name: 'lr' | 'momentum' | 'depth' | 'initScale' | 'activation';
  label: string;
  scale: 'log' | 'linear' | 'integer' | 'choice';
  /** The file's value (a slider's). */
  value: number;
  min: number;
  max: number;
  stops?: WhatIfStop[];
  choices?: string[];
  /** The file's activation. */
  choice?: string | null;
  /** Why the knob is not offered for this run. */
  unavailable?: string;
}

/** The values the panel asks about; a knob left at the file's value is left out. */
export interface WhatIfOverrides {
  lr?: number;
  momentum?: number;
  depth?: number;
  initScale?: number;
  activation?: string;
}

export interface WhatIfAnswer {
  run: string;
  /** "lr = 0.3, repeat 4": what the what-if changed. */
  label: string;
  /** One-line summaries of the run as the file says and of the what-if. */
  current: string;
  whatIf: string;
  /** The loss (or cost) curves, and for a training run ‖δˡ‖ per layer: the run and the what-if on one chart each. */
  charts: LineChart[];
  knobs: WhatIfKnob[];
  /** The document version the answer is for. */
  version: number;
}

/** The edit that writes a what-if's values into the file (`grad/whatIfEdits`). */
export interface WhatIfEditsAnswer {
  version: number;
  edit: { changes: Record<string, { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]> };
  notWritten: string[];
}

/** From the webview to the extension. */
export type WhatIfWebviewMessage =
  | { type: 'ready' }
  | { type: 'whatIf'; overrides: WhatIfOverrides }
  | { type: 'apply'; overrides: WhatIfOverrides };

/** From the extension to the webview. */
export type WhatIfHostMessage =
  | { type: 'answer'; answer: WhatIfAnswer }
  | { type: 'error'; message: string }
  | { type: 'applied'; message: string };
