import test from 'ava';
import onnxProto from 'onnx-proto';
import { mlpToOnnx } from '../../../model-packager/export/mlp-to-onnx.js';
import { activationParams, calibrateMlp, INT8_WEIGHT_MAX, quantizeWeights } from '../../../model-packager/export/quantize-mlp.js';
import { roundHalfEven } from '../../../model-packager/export/int8-reference.js';
import { compareWithReference } from './int8-kernel-fixture.js';
import { loadOnnx } from '../../../model-packager/package/onnx-runner.js';
import { quantizeWithGate } from '../../../model-packager/package/quantization-gate.js';
import { predictModel } from '../../../model-packager/models/predict.js';
import { roundUpFloat16 } from '../../../model-packager/export/float16.js';
import { randomMlp, randomRows, seeded } from './random-models.js';

const F = 24;

function setup(seed: number) {
  const random = seeded(seed);
  const calibration = randomRows(random, 512, F);
  const holdoutRows = randomRows(random, 1024, F);
  const model = randomMlp(random, calibration, F, [128, 64]);
  const clean = predictModel(model, holdoutRows, 1024);
  // Actuals = model output with ±20% noise, so WAPE is ~10% and int8 error is visible against it.
  const targets = Array.from(clean, (value) => Math.max(0, value * (0.8 + 0.4 * random())));
  return { model, calibration, holdoutRows, targets };
}

test('symmetric per-channel 7-bit weights: scale = max|w|/63 per output (float16, rounded up), round-trip error ≤ scale/2', (t) => {
  const weights = [[0.5, -1, 0.25], [0, 0, 0], [3, 1.5, -3]];
  const { values, scales } = quantizeWeights(weights);
  t.is(INT8_WEIGHT_MAX, 63);
  t.deepEqual(Array.from(scales), [roundUpFloat16(1 / 63), 1, roundUpFloat16(3 / 63)]);
  t.true(scales[0] >= 1 / 63 && scales[2] >= 3 / 63, 'scales round up so the largest weight never clips');
  // [in, out] layout: column o holds output channel o.
  t.deepEqual(Array.from(values), [31, 0, 63, -63, 0, 31, 16, 0, -63]);
  weights.forEach((row, o) => row.forEach((w, i) => t.true(Math.abs(values[i * 3 + o] * scales[o] - w) <= scales[o] / 2 + 1e-9)));
});

test('activation parameters keep 0 exactly representable', (t) => {
  t.deepEqual(activationParams(-1, 3), { scale: 4 / 255, zeroPoint: 64 });
  t.deepEqual(activationParams(2, 5), { scale: 5 / 255, zeroPoint: 0 });
  t.deepEqual(activationParams(0, 0), { scale: 1, zeroPoint: 0 });
});

test('onnxruntime on this CPU stays inside the exact-integer reference bound (7-bit weights: no int16 pair can saturate)', async (t) => {
  for (const options of [{ seed: 11 }, { seed: 12, link: 'exp' as const }]) {
    const result = await compareWithReference(options);
    t.true(result.maxPair <= 32767, `pair ${result.maxPair}`);
    t.is(result.outside, 0, JSON.stringify(result));
    // The bound is not vacuous: most rows are pinned to float noise around the exact value.
    t.true(result.pinned >= 0.8 * result.rows, `${result.pinned} of ${result.rows} rows pinned`);
  }
});

test('QuantizeLinear rounding in the reference is half to even', (t) => {
  t.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001].map(roundHalfEven), [0, 2, 2, 0, -2, 2, 3]);
});

test('int8 MLP holds int8 weight initializers, is ≤ 0.3× fp32 and tracks fp32 in onnxruntime', async (t) => {
  const { model, calibration, holdoutRows } = setup(11);
  const fp32Bytes = mlpToOnnx(model);
  const int8Bytes = mlpToOnnx(model, { quantization: calibrateMlp(model, calibration) });
  const initializers = onnxProto.onnx.ModelProto.decode(int8Bytes).graph?.initializer ?? [];
  const int8Initializers = initializers.filter((tensor) => tensor.dataType === onnxProto.onnx.TensorProto.DataType.INT8);
  t.is(int8Initializers.length, 3);
  t.true(initializers.every((tensor) => !/^w\d$/.test(tensor.name ?? '')), 'no fp32 weight matrices left');
  t.true(int8Bytes.length <= 0.3 * fp32Bytes.length, `${int8Bytes.length} / ${fp32Bytes.length}`);
  const fp32 = await loadOnnx(fp32Bytes);
  const int8 = await loadOnnx(int8Bytes);
  const a = await fp32.run(holdoutRows);
  const b = await int8.run(holdoutRows);
  await fp32.release();
  await int8.release();
  let diff = 0;
  let total = 0;
  for (let i = 0; i < a.length; i += 1) {
    diff += Math.abs(a[i] - b[i]);
    total += Math.abs(a[i]);
  }
  t.true(diff / total < 0.02, `mean relative int8 deviation ${diff / total}`);
});

test('the gate ships int8 within 1% relative WAPE and records the measurements', async (t) => {
  const { model, calibration, holdoutRows, targets } = setup(11);
  const fp32Bytes = mlpToOnnx(model);
  const { decision } = await quantizeWithGate({ model, fp32Bytes, calibrationRows: calibration, holdoutRows, holdoutTargets: targets });
  t.true(decision.shipped);
  t.true(decision.int8.wape <= decision.fp32.wape * 1.01);
  t.is(decision.fp32.sizeBytes, fp32Bytes.length);
  t.is(decision.calibrationRows, 512);
  t.regex(decision.calibrationDataSha256, /^[0-9a-f]{64}$/);
  t.is(decision.weightMax, 63);
  t.is(decision.reference?.outside, 0, 'every checked holdout row inside the exact-integer reference bound');
  t.true((decision.reference?.rows ?? 0) > 0);
  for (const side of [decision.fp32, decision.int8]) t.true(side.latencyUsBatch1 > 0 && side.latencyUsBatch256 > 0);
});

test('the gate refuses int8 when bad calibration costs more than the allowed WAPE', async (t) => {
  const { model, holdoutRows, targets } = setup(11);
  // Calibrating on a single all-mean row collapses every activation range → heavy clipping.
  const degenerate = Float32Array.from(model.inputMean);
  const { decision } = await quantizeWithGate({ model, fp32Bytes: mlpToOnnx(model), calibrationRows: degenerate, holdoutRows, holdoutTargets: targets });
  t.false(decision.shipped);
  t.true(decision.int8.wape > decision.fp32.wape * 1.01);
});
