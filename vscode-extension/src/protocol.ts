// The custom messages the Grad server speaks besides LSP (see server/Grad.LanguageServer).
import { NotificationType, RequestType } from 'vscode-languageclient/node';
import type { FileResults } from './runResults';
import type { AnalysisStateParams } from './status';

/** `grad run --json`'s whole object (LANGUAGE.md) from the results the server has (it does not run anything). */
export const RunResultsRequest = new RequestType<{ uri: string }, FileResults | null, void>('grad/runResults');

/** Sent by the server whenever a document's analysis starts, finishes or fails. */
export const AnalysisStateNotification = new NotificationType<AnalysisStateParams>('grad/analysisState');

/**
 * The server's workspace/executeCommand command behind the "▶ Run" code lens. Arguments `[uri, runName]`:
 * runs one run and answers its result (one element of `runs`); `[uri]`: runs them all and answers the whole object.
 */
export const RUN_COMMAND = 'grad.run';
