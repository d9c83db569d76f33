// docs/schema/grad-result.schema.json on the extension's side: ajv validates the same CLI outputs the
// C# tests validate (the goldens in tests/schema-samples/, written by `grad run|inspect|check --json`),
// the generated types are what the schema generates, and a schema-typed result is what the
// extension's readers take (a compile-time check: this file does not build when they drift).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import type { GradResult } from '../../src/generated/gradResult';
import type { FileResults } from '../../src/runResults';

const repo = path.join(__dirname, '..', '..', '..', '..');
const samples = path.join(repo, 'tests', 'schema-samples');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require(path.join(repo, 'vscode-extension', 'scripts', 'schema-types.js')) as {
  generate(schema: unknown): string; readSchema(): object; outputPath: string;
};
const schema = generator.readSchema();
const validate = new Ajv2020({ allErrors: true, strict: true }).compile<GradResult>(schema);

const outputs = fs.readdirSync(samples).filter((f) => f.endsWith('.json')).sort();

test('the samples are there: every kind of output the C# schema tests write', () => {
  assert.deepEqual(outputs, ['cures.run.json', 'diverge.run.json', 'errors.check.json', 'failed.run.json', 'minibatch.inspect.json', 'minibatch.run.json', 'minimize.run.json', 'sweep.run.json']);
});

for (const name of outputs) {
  test(`ajv: ${name} is a GradResult`, () => {
    const result: unknown = JSON.parse(fs.readFileSync(path.join(samples, name), 'utf8'));
    assert.ok(validate(result), JSON.stringify(validate.errors, null, 2));
    // What the extension reads a schema-typed result as (fails to compile if the types drift apart).
    const read: FileResults = { ...result, runs: result.runs ?? [] };
    assert.ok(Array.isArray(read.runs));
  });
}

test('ajv rejects a field the schema does not describe, and a missing one', () => {
  const result = JSON.parse(fs.readFileSync(path.join(samples, 'minibatch.run.json'), 'utf8'));
  result.runs[0].final.weights = 1;
  assert.equal(validate(result), false);
  delete result.runs[0].final.weights;
  assert.equal(validate(result), true);
  delete result.runs[0].trace[0].deltaNorms;
  assert.equal(validate(result), false);
});

test('src/generated/gradResult.ts is what scripts/schema-types.js generates from the schema', () => {
  assert.equal(fs.readFileSync(generator.outputPath, 'utf8'), generator.generate(schema),
    'the schema changed: run `node scripts/schema-types.js` in vscode-extension/ and update the readers');
});
