// The settings the server needs, read once and sent both as initializationOptions and on
// workspace/didChangeConfiguration. Pure: the reader function is VS Code's configuration getter.

export interface AnalysisSettings {
  /** Milliseconds between the last edit and the analysis of δ at the initial weights. */
  debounceMs: number;
  /** Whether training runs also run in the background after changes. */
  autoRun: boolean;
  /** Time budget of one background run, in seconds. */
  budgetSeconds: number;
}

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = { debounceMs: 250, autoRun: false, budgetSeconds: 10 };

/** Reads one key of the `grad` section (e.g. `analysis.debounceMs`); undefined when unset. */
export type SettingReader = (key: string) => unknown;

function nonNegativeNumber(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** Reads the analysis settings; a missing or invalid value (negative, not a number) falls back to its default. */
export function readAnalysisSettings(read: SettingReader): AnalysisSettings {
  const autoRun = read('analysis.autoRun');
  return {
    debounceMs: nonNegativeNumber(read('analysis.debounceMs'), DEFAULT_ANALYSIS_SETTINGS.debounceMs),
    autoRun: typeof autoRun === 'boolean' ? autoRun : DEFAULT_ANALYSIS_SETTINGS.autoRun,
    budgetSeconds: nonNegativeNumber(read('analysis.budgetSeconds'), DEFAULT_ANALYSIS_SETTINGS.budgetSeconds),
  };
}

/** `initialize`'s initializationOptions. */
export function initializationOptions(analysis: AnalysisSettings): { analysis: AnalysisSettings } {
  return { analysis: { ...analysis } };
}

/** workspace/didChangeConfiguration's params: the `grad` section, as VS Code's own clients send it. */
export function didChangeConfigurationParams(analysis: AnalysisSettings): { settings: { grad: { analysis: AnalysisSettings } } } {
  return { settings: { grad: { analysis: { ...analysis } } } };
}

/** Settings whose change needs a new server process (the others are sent to the running one). */
export const RESTART_SETTINGS = ['grad.server.path', 'grad.dotnetPath'] as const;
export const ANALYSIS_SETTINGS_SECTION = 'grad.analysis';
