import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { dotnetMissingMessage, findDotnet, resolveServerLaunch, ResolveInputs, SERVER_PATH_ENV } from '../../src/serverResolution';

const EXT = '/ext/grad-0.1.0';
const BUNDLED = path.join(EXT, 'server', 'Grad.LanguageServer.dll');

function inputs(files: string[], overrides: Partial<ResolveInputs> = {}): ResolveInputs {
  const existing = new Set(files);
  return {
    env: { PATH: '/usr/local/bin:/usr/bin' },
    serverPathSetting: '',
    dotnetPathSetting: '',
    extensionPath: EXT,
    workspaceFolder: '/work/project',
    platform: 'linux',
    homeDir: '/home/ada',
    isFile: (p) => existing.has(p),
    ...overrides,
  };
}

test('the environment variable wins over the setting and the bundled server', () => {
  const r = resolveServerLaunch(inputs(['/dev/server.dll', '/opt/s.dll', BUNDLED, '/usr/bin/dotnet'], {
    env: { PATH: '/usr/bin', [SERVER_PATH_ENV]: '/dev/server.dll' }, serverPathSetting: '/opt/s.dll' }));
  assert.deepEqual(r, { ok: true, launch: { command: '/usr/bin/dotnet', args: ['/dev/server.dll', '--stdio'], source: 'environment', serverPath: '/dev/server.dll' } });
});

test('the setting wins over the bundled server', () => {
  const r = resolveServerLaunch(inputs(['/opt/s.dll', BUNDLED, '/usr/bin/dotnet'], { serverPathSetting: '/opt/s.dll' }));
  assert.ok(r.ok);
  assert.equal(r.launch.source, 'setting');
  assert.deepEqual(r.launch.args, ['/opt/s.dll', '--stdio']);
});

test('without environment variable and setting, the bundled server runs with dotnet', () => {
  const r = resolveServerLaunch(inputs([BUNDLED, '/usr/bin/dotnet']));
  assert.deepEqual(r, { ok: true, launch: { command: '/usr/bin/dotnet', args: [BUNDLED, '--stdio'], source: 'bundled', serverPath: BUNDLED } });
});

test('an empty or blank environment variable or setting counts as unset', () => {
  const r = resolveServerLaunch(inputs([BUNDLED, '/usr/bin/dotnet'], { env: { PATH: '/usr/bin', [SERVER_PATH_ENV]: '  ' }, serverPathSetting: ' ' }));
  assert.ok(r.ok);
  assert.equal(r.launch.source, 'bundled');
});

test('a path that is not a .dll is run directly, without dotnet (even when there is none)', () => {
  const r = resolveServerLaunch(inputs(['/opt/grad-ls'], { env: { PATH: '', [SERVER_PATH_ENV]: '/opt/grad-ls' } }));
  assert.deepEqual(r, { ok: true, launch: { command: '/opt/grad-ls', args: ['--stdio'], source: 'environment', serverPath: '/opt/grad-ls' } });
});

test('.DLL in capitals is still run with dotnet', () => {
  const r = resolveServerLaunch(inputs(['/opt/S.DLL', '/usr/bin/dotnet'], { serverPathSetting: '/opt/S.DLL' }));
  assert.ok(r.ok);
  assert.equal(r.launch.command, '/usr/bin/dotnet');
});

test('an environment variable pointing nowhere is an error naming it, not a silent fall-back', () => {
  const r = resolveServerLaunch(inputs([BUNDLED, '/usr/bin/dotnet'], { env: { PATH: '/usr/bin', [SERVER_PATH_ENV]: '/nope.dll' } }));
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.problem === 'server-missing' && r.message.includes(SERVER_PATH_ENV) && r.message.includes('/nope.dll'), JSON.stringify(r));
});

test('a setting pointing nowhere is an error naming the setting', () => {
  const r = resolveServerLaunch(inputs([BUNDLED, '/usr/bin/dotnet'], { serverPathSetting: 'build/x.dll' }));
  assert.ok(!r.ok && r.message.includes('grad.server.path') && r.message.includes('/work/project/build/x.dll'), JSON.stringify(r));
});

test('a missing bundled server says to reinstall or set grad.server.path', () => {
  const r = resolveServerLaunch(inputs(['/usr/bin/dotnet']));
  assert.ok(!r.ok && r.problem === 'server-missing' && r.message.includes(BUNDLED) && r.message.includes('grad.server.path'), JSON.stringify(r));
});

test('relative setting paths are relative to the workspace folder; ~ is the home folder', () => {
  let r = resolveServerLaunch(inputs(['/work/project/out/S.dll', '/usr/bin/dotnet'], { serverPathSetting: 'out/S.dll' }));
  assert.ok(r.ok && r.launch.serverPath === '/work/project/out/S.dll', JSON.stringify(r));
  r = resolveServerLaunch(inputs(['/home/ada/ls/S.dll', '/home/ada/.dotnet/dotnet'], { serverPathSetting: '~/ls/S.dll', dotnetPathSetting: '~/.dotnet/dotnet' }));
  assert.ok(r.ok && r.launch.serverPath === '/home/ada/ls/S.dll' && r.launch.command === '/home/ada/.dotnet/dotnet', JSON.stringify(r));
});

test('dotnet: the setting first, then PATH in order, then DOTNET_ROOT, then the usual folders', () => {
  const all = ['/custom/dotnet', '/usr/local/bin/dotnet', '/usr/bin/dotnet', '/root-dir/dotnet', '/usr/share/dotnet/dotnet'];
  assert.deepEqual(findDotnet(inputs(all, { dotnetPathSetting: '/custom/dotnet' })), { ok: true, path: '/custom/dotnet' });
  assert.deepEqual(findDotnet(inputs(all)), { ok: true, path: '/usr/local/bin/dotnet' });
  assert.deepEqual(findDotnet(inputs(all.slice(3), { env: { PATH: '/usr/bin', DOTNET_ROOT: '/root-dir' } })), { ok: true, path: '/root-dir/dotnet' });
  assert.deepEqual(findDotnet(inputs(['/usr/share/dotnet/dotnet'], { env: { PATH: '/bin' } })), { ok: true, path: '/usr/share/dotnet/dotnet' });
});

test('dotnet on Windows: Path with ; and dotnet.exe', () => {
  const exe = path.join('C:\\dotnet', 'dotnet.exe');
  assert.deepEqual(findDotnet(inputs([exe], { platform: 'win32', env: { Path: 'C:\\Windows;C:\\dotnet' } })), { ok: true, path: exe });
});

test('no dotnet anywhere: the message says what is missing and both fixes', () => {
  const r = resolveServerLaunch(inputs([BUNDLED], { env: { PATH: '/usr/bin:/bin' } }));
  assert.ok(!r.ok);
  assert.equal(r.problem, 'dotnet-missing');
  assert.equal(r.message, dotnetMissingMessage());
  for (const part of ['.NET 10', 'dotnet', 'PATH', 'https://dotnet.microsoft.com/download/dotnet/10.0', 'grad.dotnetPath', 'Grad: Restart Language Server']) {
    assert.ok(r.message.includes(part), `message lacks "${part}": ${r.message}`);
  }
});

test('a grad.dotnetPath that points nowhere is reported as such, not as "dotnet missing"', () => {
  const r = resolveServerLaunch(inputs([BUNDLED, '/usr/bin/dotnet'], { dotnetPathSetting: '/opt/dotnet/dotnet' }));
  assert.ok(!r.ok && r.problem === 'dotnet-setting-invalid' && r.message.includes('/opt/dotnet/dotnet'), JSON.stringify(r));
});
