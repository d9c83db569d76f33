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

/** The loss landscape a run started from the editor computes (docs/training.md): `resolution` 0 computes none. */
export interface LandscapeSettings {
  /** Points along the line from the initial to the final weights, and per side of the plane (3 … 99), or 0. */
  resolution: number;
  /** The plane's directions: two filter-normalised random ones, or the path's top two principal ones. */
  directions: 'random' | 'pca';
}

export const DEFAULT_LANDSCAPE_SETTINGS: LandscapeSettings = { resolution: 21, directions: 'random' };

/** Reads the landscape settings; a resolution that `grad run --landscape` would refuse (and is not 0) takes the default. */
export function readLandscapeSettings(read: SettingReader): LandscapeSettings {
  const resolution = read('landscape.resolution');
  const directions = read('landscape.directions');
  return {
    resolution: typeof resolution === 'number' && Number.isInteger(resolution) && (resolution === 0 || (resolution >= 3 && resolution <= 99))
      ? resolution : DEFAULT_LANDSCAPE_SETTINGS.resolution,
    directions: directions === 'random' || directions === 'pca' ? directions : DEFAULT_LANDSCAPE_SETTINGS.directions,
  };
}

/**
 * Everything the server is told: the analysis settings, the resource limits (`grad.limits.NAME`,
 * whole numbers ≥ 1; the names are the server's, declared once in package.json and checked
 * against the server's list by a test), the data file policy and the landscape of editor runs.
 */
export interface ServerSettings {
  analysis: AnalysisSettings;
  limits: Record<string, number>;
  data: { allowOutsideWorkspace: boolean };
  landscape: LandscapeSettings;
}

/** Reads every setting the server takes; invalid limits are left out, other invalid values take their default. */
export function readServerSettings(read: SettingReader): ServerSettings {
  const limits: Record<string, number> = {};
  const declared = read('limits');
  if (declared && typeof declared === 'object') {
    for (const [name, value] of Object.entries(declared as Record<string, unknown>)) {
      if (typeof value === 'number' && Number.isInteger(value) && value >= 1) limits[name] = value;
    }
  }
  return {
    analysis: readAnalysisSettings(read),
    limits,
    data: { allowOutsideWorkspace: read('data.allowOutsideWorkspace') === true },
    landscape: readLandscapeSettings(read),
  };
}

/**
 * `initialize`'s initializationOptions. `trusted` is false in Restricted Mode: the server then reads
 * no data file and runs nothing (and `data.allowOutsideWorkspace` is sent as false).
 */
export function initializationOptions(settings: ServerSettings, trusted: boolean): ServerSettings & { trusted: boolean } {
  return { ...copy(settings, trusted), trusted };
}

/** workspace/didChangeConfiguration's params: the `grad` section, as VS Code's own clients send it. */
export function didChangeConfigurationParams(settings: ServerSettings, trusted: boolean): { settings: { grad: ServerSettings } } {
  return { settings: { grad: copy(settings, trusted) } };
}

function copy(settings: ServerSettings, trusted: boolean): ServerSettings {
  return {
    analysis: { ...settings.analysis },
    limits: { ...settings.limits },
    data: { allowOutsideWorkspace: trusted && settings.data.allowOutsideWorkspace },
    landscape: { ...settings.landscape },
  };
}

/** Settings whose change needs a new server process (the others are sent to the running one). */
export const RESTART_SETTINGS = ['grad.server.path', 'grad.dotnetPath'] as const;
/** Sections sent to the running server when they change. */
export const SERVER_SETTINGS_SECTIONS = ['grad.analysis', 'grad.limits', 'grad.data', 'grad.landscape'] as const;
