// The custom messages the Grad server speaks besides LSP (see server/Grad.LanguageServer).
import { NotificationType, RequestType } from 'vscode-languageclient/node';
import type { PanelData } from './panel/panelData';
import type { WhatIfAnswer, WhatIfEditsAnswer, WhatIfOverrides } from './panel/whatIfData';
import type { AnalysisStateParams } from './status';

/** The Gradient Flow panel's charts and numbers for a document (the runtime's chart set, values as text). */
export const PanelRequest = new RequestType<{ uri: string }, PanelData | null, void>('grad/panel');

/** The run whose declaration holds a position (its name), or null: "Run Experiment at Cursor". */
export const RunAtRequest = new RequestType<{ textDocument: { uri: string }; position: { line: number; character: number } }, string | null, void>('grad/runAt');

/** The what-if panel: the run again with the overrides (a newer request cancels the older), as overlay charts. */
export const WhatIfRequest = new RequestType<{ uri: string; run: string; overrides: WhatIfOverrides }, WhatIfAnswer, void>('grad/whatIf');

/** The WorkspaceEdit that writes a what-if's values into the file, and what it cannot write. */
export const WhatIfEditsRequest = new RequestType<{ uri: string; run: string; overrides: WhatIfOverrides }, WhatIfEditsAnswer, void>('grad/whatIfEdits');

/** A live run's progress (a run started with grad.run): its step, a message and the panel of the run so far. */
export interface RunProgressParams {
  uri: string;
  run: string;
  step: number;
  totalSteps: number;
  /** "step 120 of 1000 · loss 0.1234" (the server's text). */
  message: string;
  /** The run's last report: the finished run's results follow through grad/panel. */
  final: boolean;
  /** The panel's data of the run so far; null before its first recorded point (and for a minimize run). */
  panel: PanelData | null;
}

/** Sent by the server while a run started with grad.run goes, at most every 100 ms and once at its end. */
export const RunProgressNotification = new NotificationType<RunProgressParams>('grad/runProgress');

/** Sent by the server whenever a document's analysis starts, finishes or fails. */
export const AnalysisStateNotification = new NotificationType<AnalysisStateParams>('grad/analysisState');

/**
 * The server's workspace/executeCommand command behind the "▶ Run" code lens. Arguments `[uri, runName]`:
 * runs one run and answers its result (one element of `runs`); `[uri]`: runs them all and answers the whole object.
 */
export const RUN_COMMAND = 'grad.run';
