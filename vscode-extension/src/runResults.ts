// The run results of LANGUAGE.md's `grad run --json` object as the extension receives them (grad.run's answer).
// It shows none of their numbers itself: the panel's data and summaries come from the server (panelData.ts).

import type * as Schema from './generated/gradResult';

// The types below are derived from the ones generated from docs/schema/grad-result.schema.json
// (src/generated/gradResult.ts), so a field the schema renames or retypes breaks the build here;
// they only loosen them where the extension reads a run before knowing its kind.

/** A JSON number, or "NaN" / "Infinity" / "-Infinity" as LANGUAGE.md writes non-finite values. */
export type JsonNumber = Schema.JsonNumber;

/** A layer of a training run's `layers`; the norms may be absent in a partial result. */
export type LayerResult = Pick<Schema.LayerSummary, 'index' | 'units' | 'activation'> & Partial<Omit<Schema.LayerSummary, 'index' | 'units' | 'activation'>>;

type EveryRunField = Omit<Schema.MinimizeRun, 'kind' | 'final' | 'trace'> & Omit<Schema.TrainRun, 'kind' | 'final' | 'trace' | 'layers'> & Omit<Schema.FailedRun, 'kind'>;

/** A run of any kind as the extension reads it: its name and kind, and any other field of a run. */
export type RunResult = Pick<Schema.Run, 'name' | 'kind'> & Partial<Omit<EveryRunField, 'name' | 'optimizer'>> & {
  optimizer?: Pick<Schema.Optimizer, 'name'> & Partial<Schema.Optimizer>;
  final?: Partial<Schema.MinimizeRun['final'] & Schema.TrainRun['final']>;
  layers?: LayerResult[];
  /** Schema.MinimizePoint or Schema.TrainPoint. */
  trace?: unknown[];
};

export type Diagnostic = Schema.Diagnostic;

export interface FileResults {
  file: Schema.GradResult['file'];
  diagnostics?: Diagnostic[];
  runs: RunResult[];
}
