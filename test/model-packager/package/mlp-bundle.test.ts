import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { predictModel } from '../../../model-packager/models/predict.js';
import type { MlpModel } from '../../../model-packager/models/trained-model.js';
import { assembleBundle } from '../../../model-packager/package/assemble-bundle.js';
import { loadOnnx } from '../../../model-packager/package/onnx-runner.js';
import { verifyBundle } from '../../../protocols/bundle/verify-bundle.js';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { goldenInputMatrix, goldenSamplesSchema, withinGoldenTolerance } from '../../../protocols/bundle/golden.js';
import { referenceProfileSchema } from '../../../protocols/drift/reference-profile.js';
import { runCli } from '../../helpers/run-cli.js';
import { makeSigningKey, testFeatureSpec } from '../../helpers/bundle-fixtures.js';
import { randomMlp, randomRows, seeded } from '../export/random-models.js';

const F = 24;
const key = makeSigningKey();

function inputs(seed: number) {
  const random = seeded(seed);
  const sampleRows = randomRows(random, 600, F);
  const holdoutRows = randomRows(random, 400, F);
  const model: MlpModel = { ...randomMlp(random, sampleRows, F, [128, 64]), featureNames: Array.from({ length: F }, (_, i) => `f${i}`) };
  const targets = Array.from(predictModel(model, holdoutRows, 400), (value) => Math.max(0, value * (0.8 + 0.4 * random())));
  return { model, sampleRows, holdout: { rows: holdoutRows, targets } };
}

async function build(seed: number, quantize: { maxRelativeIncrease?: number }) {
  const { model, sampleRows, holdout } = inputs(seed);
  return assembleBundle({
    name: 'mlp-demand',
    version: 1,
    packaged: { source: 'trained', model, inProcessPredict: (rows) => predictModel(model, rows, rows.length / F) },
    featureSpec: testFeatureSpec(),
    featureNames: model.featureNames,
    sampleRows,
    holdout,
    metrics: { model: { wape: 0.1 }, seasonalNaive: { wape: 0.2 } },
    runId: 'mlp-run',
    trainingDataSha256: null,
    quantize,
    privateKey: key.privateKey,
    now: () => new Date('2026-01-02T03:04:05Z'),
  });
}

test('an MLP bundle ships int8 behind the gate: decision, int8 file, golden outputs for both graphs', async (t) => {
  const built = await build(3, {});
  const q = built.manifest.quantization!;
  t.is(q.scheme, 'int8-qoperator');
  t.true(q.shipped);
  t.true(q.int8.sizeBytes <= 0.3 * q.fp32.sizeBytes, `${q.int8.sizeBytes} / ${q.fp32.sizeBytes}`);
  t.true(q.int8.wape <= q.fp32.wape * 1.01);
  t.is(q.calibrationRows, 600);
  t.deepEqual(built.manifest.files.map((f) => f.role), ['model', 'model-int8', 'reference', 'golden']);
  t.is(built.manifest.createdAt, '2026-01-02T03:04:05.000Z');
  t.true(built.parity!.maxRelativeError < 1e-5 || built.parity!.maxAbsoluteError < 1e-4);
  const verified = await verifyBundle(built.bytes, { trustedKeys: trustedKeysFromPems([key.publicKeyPem]) });
  const golden = goldenSamplesSchema.parse(JSON.parse(verified.files.get('golden.json')!.toString('utf8')));
  // int8: 7-bit weights, and a golden tolerance derived from the exact-integer reference (issue #10).
  t.is(q.weightMax, 63);
  t.is(q.reference?.outside, 0);
  t.true(q.goldenTolerance !== undefined && q.goldenTolerance.abs < 1e-2 * Math.max(...golden.expected.modelInt8!.map(Math.abs)), JSON.stringify(q.goldenTolerance));
  for (const [file, expected, tolerance] of [['model.onnx', golden.expected.model, built.manifest.goldenTolerance], ['model.int8.onnx', golden.expected.modelInt8!, q.goldenTolerance!]] as const) {
    const runner = await loadOnnx(verified.files.get(file)!);
    const got = await runner.run(goldenInputMatrix(golden));
    await runner.release();
    got.forEach((value, i) => t.true(withinGoldenTolerance(value, expected[i], tolerance), `${file} row ${i}`));
  }
  const reference = referenceProfileSchema.parse(JSON.parse(verified.files.get('reference.json')!.toString('utf8')));
  t.true(reference.features.every((f) => f.importance.weight !== null && f.importance.weight > 0));
  t.is(reference.validationErrors?.rows, 400);
  t.is(reference.prediction.count, 600);
  // bundle inspect shows the decision and both sizes.
  const dir = await mkdtemp(join(tmpdir(), 'fc-mlp-bundle-'));
  await writeFile(join(dir, 'mlp.fcb'), built.bytes);
  const inspect = await runCli(['bundle', 'inspect', join(dir, 'mlp.fcb')]);
  t.regex(inspect.stdout, /quantization: int8-qoperator SHIPPED/);
  t.regex(inspect.stdout, /int8\s+wape/);
});

test('with a zero-loss gate the same MLP (int8 WAPE +0.12% here) keeps fp32 only; the decision is still recorded', async (t) => {
  const built = await build(3, { maxRelativeIncrease: 0 });
  const q = built.manifest.quantization!;
  t.true(q.int8.wape > q.fp32.wape);
  t.false(q.shipped);
  t.is(q.gate.maxRelativeIncrease, 0);
  t.deepEqual(built.manifest.files.map((f) => f.path), ['model.onnx', 'reference.json', 'golden.json']);
});
