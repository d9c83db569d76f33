// The custom messages the Grad server speaks besides LSP (see server/Grad.LanguageServer).
import { NotificationType, RequestType } from 'vscode-languageclient/node';
import type { FileResults } from './runResults';
import type { AnalysisStateParams } from './status';

/** Runs the file if needed and returns `grad run --json`'s whole object (LANGUAGE.md). */
export const RunResultsRequest = new RequestType<{ uri: string }, FileResults | null, void>('grad/runResults');

/** Sent by the server whenever a document's analysis starts, finishes or fails. */
export const AnalysisStateNotification = new NotificationType<AnalysisStateParams>('grad/analysisState');

/** The server's workspace/executeCommand command behind the "▶ Run" code lens; arguments `[uri, runName]`, returns one run's result. */
export const RUN_COMMAND = 'grad.run';
