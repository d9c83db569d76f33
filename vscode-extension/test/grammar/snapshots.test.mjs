// Grammar snapshots: every example file and every tricky case in cases/ is tokenised and compared with
// its committed snapshot in snapshots/. After an intended grammar change, rewrite them with
//   UPDATE_SNAPSHOTS=1 npm run test:extension
// and review the diff.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { extensionRoot, repoRoot, snapshot } from './tokenize.mjs';

const casesDir = path.join(extensionRoot, 'test', 'grammar', 'cases');
const snapshotsDir = path.join(extensionRoot, 'test', 'grammar', 'snapshots');
const update = process.env.UPDATE_SNAPSHOTS === '1';

async function gradFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.grad')).map((e) => path.join(e.parentPath ?? e.path, e.name)).sort();
}

const inputs = [
  ...(await gradFiles(path.join(repoRoot, 'examples'))).map((f) => ({ file: f, name: 'examples/' + path.relative(path.join(repoRoot, 'examples'), f) })),
  ...(await gradFiles(casesDir)).map((f) => ({ file: f, name: 'cases/' + path.relative(casesDir, f) })),
];

test('there are example files and cases to snapshot', () => {
  assert.ok(inputs.some((i) => i.name === 'examples/seed.grad'), 'examples/seed.grad is missing');
  assert.ok(inputs.filter((i) => i.name.startsWith('cases/')).length >= 5);
});

for (const { file, name } of inputs) {
  test(`snapshot ${name}`, async () => {
    const actual = await snapshot(await readFile(file, 'utf8'));
    const snapFile = path.join(snapshotsDir, name.replace(/[\\/]/g, '__') + '.snap');
    if (update) {
      await mkdir(snapshotsDir, { recursive: true });
      await writeFile(snapFile, actual);
      return;
    }
    assert.ok(existsSync(snapFile), `no snapshot ${path.relative(extensionRoot, snapFile)}; create it with UPDATE_SNAPSHOTS=1`);
    assert.equal(actual, await readFile(snapFile, 'utf8'), `tokens of ${name} differ from ${path.relative(extensionRoot, snapFile)}`);
  });
}
