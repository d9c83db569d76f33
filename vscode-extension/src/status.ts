// The status bar item's text for each state of the server and of the active document's analysis. Pure.

/** `grad/analysisState` notification params, sent by the server per document. */
export interface AnalysisStateParams {
  uri: string;
  state: 'analysing' | 'ready' | 'error';
  message?: string;
}

export type StatusState = 'starting' | 'ready' | 'analysing' | 'error' | 'stopped';

export interface StatusView {
  /** With a codicon; the text after it (`Grad: ready`) is what UI tests look for. */
  text: string;
  tooltip: string;
  isError: boolean;
}

export function statusView(state: StatusState, message?: string): StatusView {
  switch (state) {
    case 'starting': return { text: '$(loading~spin) Grad: starting', tooltip: 'Starting the Grad language server…', isError: false };
    case 'ready': return { text: '$(check) Grad: ready', tooltip: message ?? 'Grad language server running; analysis up to date', isError: false };
    case 'analysing': return { text: '$(sync~spin) Grad: analysing', tooltip: message ?? 'Analysing δ at the initial weights…', isError: false };
    case 'error': return { text: '$(error) Grad: error', tooltip: message ?? 'The analysis failed; see the Grad Language Server output', isError: true };
    case 'stopped': return { text: '$(circle-slash) Grad: stopped', tooltip: message ?? 'The Grad language server is not running; click to show its log', isError: true };
  }
}

/** The state shown for a document: the server's last analysis state for it, `ready` when it sent none. */
export function documentState(states: ReadonlyMap<string, AnalysisStateParams>, uri: string | undefined): { state: StatusState; message?: string } {
  const s = uri === undefined ? undefined : states.get(uri);
  return s ? { state: s.state, message: s.message } : { state: 'ready' };
}
