import test from 'ava';
import { predictModel } from '../../../model-packager/models/predict.js';
import type { LinearModel, TrainedModel } from '../../../model-packager/models/trained-model.js';
import { exportToOnnx } from '../../../model-packager/export/export-model.js';
import { opsetsOf } from '../../../model-packager/export/onnx-builder.js';
import { loadOnnx } from '../../../model-packager/package/onnx-runner.js';
import { checkParity } from '../../../model-packager/package/parity.js';
import { isFleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { randomGbdt, randomMlp, randomRows, seeded } from './random-models.js';

const F = 12;
const N = 2000;

/** Largest |Δ| relative to the output scale (relative error per row is meaningless near 0). */
function scaledError(got: ArrayLike<number>, expected: ArrayLike<number>): number {
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i += 1) {
    scale = Math.max(scale, Math.abs(expected[i]));
    worst = Math.max(worst, Math.abs(got[i] - expected[i]));
  }
  return worst / scale;
}

async function onnxPredict(model: TrainedModel, rows: Float32Array): Promise<Float32Array> {
  const runner = await loadOnnx(exportToOnnx(model));
  try {
    return await runner.run(rows);
  } finally {
    await runner.release();
  }
}

for (const [objective, link] of [['squared', 'identity'], ['poisson', 'exp'], ['tweedie', 'exp']] as const) {
  test(`GBDT regression (${objective}) matches predictModel on rows with exact threshold hits and NaN`, async (t) => {
    const random = seeded(objective.length * 7919);
    const rows = randomRows(random, N, F);
    const model = randomGbdt(random, rows, F, { trees: 60, depth: 5, objective, link });
    const expected = predictModel(model, rows, N);
    const got = await onnxPredict(model, rows);
    // Double thresholds and sums: only the final float32 output rounding differs per row.
    t.is(checkParity(got, expected, 1e-6).rows, N);
    t.true(scaledError(got, expected) < 1e-6, `scaled error ${scaledError(got, expected)}`);
  });
}

test('GBDT binary (logistic → Sigmoid) matches predictModel and stays in (0, 1)', async (t) => {
  const random = seeded(42);
  const rows = randomRows(random, N, F);
  const model = randomGbdt(random, rows, F, { trees: 40, depth: 4, objective: 'logistic', link: 'sigmoid' });
  const expected = predictModel(model, rows, N);
  const got = await onnxPredict(model, rows);
  checkParity(got, expected, 1e-6);
  t.true(got.every((p) => p > 0 && p < 1));
  t.deepEqual(opsetsOf(exportToOnnx(model)), { '': 13, 'ai.onnx.ml': 3 });
  t.true(model.trees.length === 40 && got.length === N);
});

test('a row sitting between a float64 threshold and its float32 rounding goes the same way as in process', async (t) => {
  // 0.1 rounds UP to float32 0.100000001…; x = fround(0.1) > 0.1 must go right, as in process.
  const model: TrainedModel = { kind: 'gbdt', objective: 'squared', link: 'identity', baseScore: 0, featureNames: ['x'], trees: [{ feature: [0, -1, -1], threshold: [0.1, 0, 0], left: [1, -1, -1], right: [2, -1, -1], missingGoesLeft: [false, false, false], value: [0, -1, 1] }] };
  const rows = Float32Array.of(Math.fround(0.1), 0.09999999, Number.NaN, 0.1000001);
  t.deepEqual(Array.from(await onnxPredict(model, rows)), Array.from(predictModel(model, rows, 4)));
  t.deepEqual(Array.from(await onnxPredict(model, rows)), [1, -1, 1, 1]);
});

test('MLP fp32 (hidden 128-64, ReLU, target scaling, exp link) matches predictModel within 1e-5 relative', async (t) => {
  const random = seeded(7);
  const rows = randomRows(random, N, F);
  for (const link of ['identity', 'exp'] as const) {
    const model = randomMlp(random, rows, F, [128, 64], link);
    const got = await onnxPredict(model, rows);
    const expected = predictModel(model, rows, N);
    checkParity(got, expected);
    t.true(scaledError(got, expected) < 1e-5, `${link}: ${scaledError(got, expected)}`);
  }
});

test('linear model with imputation of missing inputs matches predictModel', async (t) => {
  const random = seeded(99);
  const rows = randomRows(random, N, F, 0.2);
  const model: LinearModel = {
    kind: 'linear',
    objective: 'squared',
    link: 'identity',
    featureNames: Array.from({ length: F }, (_, i) => `f${i}`),
    inputMean: Array.from({ length: F }, () => random() * 10),
    inputStd: Array.from({ length: F }, () => 0.5 + random() * 100),
    inputImpute: Array.from({ length: F }, () => random() * 5),
    coefficients: Array.from({ length: F }, () => random() * 4 - 2),
    intercept: 12.5,
  };
  const got = await onnxPredict(model, rows);
  t.true(got.every(Number.isFinite), 'no NaN reaches the output');
  const expected = predictModel(model, rows, N);
  checkParity(got, expected);
  t.true(scaledError(got, expected) < 1e-6);
});

test('a parity failure is FC_ERR_EXPORT_PARITY_FAILED', (t) => {
  const error = t.throws(() => checkParity(Float32Array.of(1, 2, 3.001), Float64Array.of(1, 2, 3)));
  t.true(isFleetcastError(error));
  t.is((error as unknown as { code: string }).code, 'FC_ERR_EXPORT_PARITY_FAILED');
});

test('inconsistent trees are refused with FC_ERR_EXPORT_MODEL_INVALID', (t) => {
  const model: TrainedModel = { kind: 'gbdt', objective: 'squared', link: 'identity', baseScore: 0, featureNames: ['x'], trees: [{ feature: [3, -1, -1], threshold: [0, 0, 0], left: [1, -1, -1], right: [2, -1, -1], missingGoesLeft: [false, false, false], value: [0, 1, 2] }] };
  const error = t.throws(() => exportToOnnx(model));
  t.is((error as unknown as { code: string }).code, 'FC_ERR_EXPORT_MODEL_INVALID');
});
