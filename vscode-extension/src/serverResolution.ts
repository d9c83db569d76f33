// Finds the language server and the `dotnet` that runs it. Pure: every file-system and environment
// access comes in through `ResolveInputs`, so the resolution order is unit-tested without VS Code.
import * as path from 'path';

/** The environment variable that overrides every other way of finding the server (tests, server development). */
export const SERVER_PATH_ENV = 'GRAD_LANGUAGE_SERVER_PATH';

/** Where the `.vsix` carries the framework-dependent `dotnet publish` of server/Grad.LanguageServer. */
export const BUNDLED_SERVER_RELATIVE_PATH = path.join('server', 'Grad.LanguageServer.dll');

export const DOTNET_DOWNLOAD_URL = 'https://dotnet.microsoft.com/download/dotnet/10.0';

export type ServerSource = 'environment' | 'setting' | 'bundled';

export interface ServerLaunch {
  /** The program to start: `dotnet` for a `.dll`, otherwise the server executable itself. */
  command: string;
  args: string[];
  source: ServerSource;
  serverPath: string;
}

export type ResolutionProblem = 'dotnet-missing' | 'dotnet-setting-invalid' | 'server-missing';

export type Resolution =
  | { ok: true; launch: ServerLaunch }
  | { ok: false; problem: ResolutionProblem; message: string };

export interface ResolveInputs {
  env: Record<string, string | undefined>;
  /** `grad.server.path`; empty when unset. */
  serverPathSetting: string;
  /** `grad.dotnetPath`; empty when unset. */
  dotnetPathSetting: string;
  extensionPath: string;
  /** Relative paths in settings are taken relative to this folder (the first workspace folder). */
  workspaceFolder?: string;
  platform: NodeJS.Platform;
  homeDir: string;
  /** True when a regular file exists at the path. */
  isFile(p: string): boolean;
}

/** Resolves a path from a setting or the environment: `~` is the home folder, relative is relative to the workspace. */
export function expandPath(raw: string, inputs: Pick<ResolveInputs, 'homeDir' | 'workspaceFolder' | 'extensionPath'>): string {
  let p = raw.trim();
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = path.join(inputs.homeDir, p.slice(1));
  if (!path.isAbsolute(p)) p = path.resolve(inputs.workspaceFolder ?? inputs.extensionPath, p);
  return p;
}

function dotnetExecutableName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'dotnet.exe' : 'dotnet';
}

/** The usual install folders of .NET, searched after PATH and DOTNET_ROOT. */
export function wellKnownDotnetLocations(platform: NodeJS.Platform, homeDir: string): string[] {
  const exe = dotnetExecutableName(platform);
  if (platform === 'win32') {
    return [path.win32.join('C:\\Program Files', 'dotnet', exe), path.win32.join(homeDir, '.dotnet', exe)];
  }
  const common = [path.join(homeDir, '.dotnet', exe), '/usr/local/share/dotnet/' + exe, '/usr/share/dotnet/' + exe,
    '/usr/lib/dotnet/' + exe, '/usr/local/bin/' + exe, '/opt/homebrew/bin/' + exe];
  return common;
}

/** Finds `dotnet`: the `grad.dotnetPath` setting, then PATH, then DOTNET_ROOT, then the usual install folders. */
export function findDotnet(inputs: ResolveInputs): { ok: true; path: string } | { ok: false; problem: ResolutionProblem; message: string } {
  if (inputs.dotnetPathSetting.trim() !== '') {
    const configured = expandPath(inputs.dotnetPathSetting, inputs);
    if (inputs.isFile(configured)) return { ok: true, path: configured };
    return {
      ok: false,
      problem: 'dotnet-setting-invalid',
      message: `The setting "grad.dotnetPath" is "${inputs.dotnetPathSetting}", but there is no file at ${configured}. ` +
        'Set it to the dotnet executable of a .NET 10 installation, or clear it to use dotnet from PATH, ' +
        'then run "Grad: Restart Language Server".',
    };
  }
  const exe = dotnetExecutableName(inputs.platform);
  const delimiter = inputs.platform === 'win32' ? ';' : ':';
  const pathVar = inputs.env.PATH ?? inputs.env.Path ?? '';
  const candidates = pathVar.split(delimiter).filter((dir) => dir.trim() !== '').map((dir) => path.join(dir, exe));
  if (inputs.env.DOTNET_ROOT) candidates.push(path.join(inputs.env.DOTNET_ROOT, exe));
  candidates.push(...wellKnownDotnetLocations(inputs.platform, inputs.homeDir));
  const found = candidates.find((c) => inputs.isFile(c));
  if (found) return { ok: true, path: found };
  return { ok: false, problem: 'dotnet-missing', message: dotnetMissingMessage() };
}

export function dotnetMissingMessage(): string {
  return 'Grad\'s language server runs on .NET 10, but no "dotnet" executable was found ' +
    '(searched PATH, DOTNET_ROOT and the usual install folders). ' +
    `Install the .NET 10 runtime (${DOTNET_DOWNLOAD_URL}) or set "grad.dotnetPath" to the dotnet executable, ` +
    'then run "Grad: Restart Language Server".';
}

/** Where the server comes from: GRAD_LANGUAGE_SERVER_PATH, then `grad.server.path`, then the bundled server. */
export function findServer(inputs: ResolveInputs): { ok: true; path: string; source: ServerSource } | { ok: false; problem: ResolutionProblem; message: string } {
  const fromEnv = inputs.env[SERVER_PATH_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    const p = expandPath(fromEnv, inputs);
    if (inputs.isFile(p)) return { ok: true, path: p, source: 'environment' };
    return { ok: false, problem: 'server-missing',
      message: `The environment variable ${SERVER_PATH_ENV} is "${fromEnv}", but there is no file at ${p}. ` +
        'Point it at Grad.LanguageServer.dll (or a server executable), or unset it to use the setting or the bundled server.' };
  }
  if (inputs.serverPathSetting.trim() !== '') {
    const p = expandPath(inputs.serverPathSetting, inputs);
    if (inputs.isFile(p)) return { ok: true, path: p, source: 'setting' };
    return { ok: false, problem: 'server-missing',
      message: `The setting "grad.server.path" is "${inputs.serverPathSetting}", but there is no file at ${p}. ` +
        'Point it at Grad.LanguageServer.dll (or a server executable), or clear it to use the server bundled with the extension.' };
  }
  const bundled = path.join(inputs.extensionPath, BUNDLED_SERVER_RELATIVE_PATH);
  if (inputs.isFile(bundled)) return { ok: true, path: bundled, source: 'bundled' };
  return { ok: false, problem: 'server-missing',
    message: `The language server bundled with the extension is missing (${bundled}). ` +
      'Reinstall the extension, or set "grad.server.path" to a Grad.LanguageServer.dll.' };
}

/** The command line that starts the server over stdio: `dotnet <dll> --stdio`, or `<executable> --stdio`. */
export function resolveServerLaunch(inputs: ResolveInputs): Resolution {
  const server = findServer(inputs);
  if (!server.ok) return server;
  if (!server.path.toLowerCase().endsWith('.dll')) {
    return { ok: true, launch: { command: server.path, args: ['--stdio'], source: server.source, serverPath: server.path } };
  }
  const dotnet = findDotnet(inputs);
  if (!dotnet.ok) return dotnet;
  return { ok: true, launch: { command: dotnet.path, args: [server.path, '--stdio'], source: server.source, serverPath: server.path } };
}
