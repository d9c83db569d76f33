// The server's work-done progress (a live run: `$/progress` begin/report/end on a token the server created) as a
// cancellable notification: vscode-languageclient would show it in the status bar, where it cannot be cancelled.
// Cancel sends `window/workDoneProgress/cancel`, and the server stops the run within a step.
import * as vscode from 'vscode';
import {
  LanguageClient, WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressCancelNotification, WorkDoneProgressCreateRequest,
  WorkDoneProgressReport, WorkDoneProgressEnd,
} from 'vscode-languageclient/node';

type Value = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

/** Answers the server's `window/workDoneProgress/create` (replacing the client's own handler) with a notification per token. */
export function showServerProgressAsNotifications(client: LanguageClient): vscode.Disposable {
  return client.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => { finish = resolve; });
    let progress: vscode.Progress<{ message?: string; increment?: number }> | undefined;
    let percentage = 0;
    const listener = client.onProgress(WorkDoneProgress.type, token, (value: Value) => {
      if (value.kind === 'begin') {
        void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: value.title, cancellable: value.cancellable === true }, (shown, cancel) => {
          progress = shown;
          shown.report({ message: value.message });
          cancel.onCancellationRequested(() => { void client.sendNotification(WorkDoneProgressCancelNotification.type, { token }); });
          return finished;
        });
      } else if (value.kind === 'report') {
        const increment = value.percentage !== undefined ? Math.max(0, value.percentage - percentage) : undefined;
        if (value.percentage !== undefined) percentage = Math.max(percentage, value.percentage);
        progress?.report({ message: value.message, increment });
      } else {
        listener.dispose();
        finish();
      }
    });
  });
}
