// The custom messages the Grad server speaks besides LSP (see server/Grad.LanguageServer).
import { NotificationType, RequestType } from 'vscode-languageclient/node';
import type { PanelData } from './panel/panelData';
import type { AnalysisStateParams } from './status';

/** The Gradient Flow panel's charts and numbers for a document (the runtime's chart set, values as text). */
export const PanelRequest = new RequestType<{ uri: string }, PanelData | null, void>('grad/panel');

/** The run whose declaration holds a position (its name), or null: "Run Experiment at Cursor". */
export const RunAtRequest = new RequestType<{ textDocument: { uri: string }; position: { line: number; character: number } }, string | null, void>('grad/runAt');

/** Sent by the server whenever a document's analysis starts, finishes or fails. */
export const AnalysisStateNotification = new NotificationType<AnalysisStateParams>('grad/analysisState');

/**
 * The server's workspace/executeCommand command behind the "▶ Run" code lens. Arguments `[uri, runName]`:
 * runs one run and answers its result (one element of `runs`); `[uri]`: runs them all and answers the whole object.
 */
export const RUN_COMMAND = 'grad.run';
