import { createHash } from 'node:crypto';
import type { Quantization } from '../../protocols/bundle/manifest.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { MlpModel } from '../models/trained-model.js';
import { mlpToOnnx } from '../export/mlp-to-onnx.js';
import { calibrateMlp, INT8_WEIGHT_MAX, type CalibrationMethod } from '../export/quantize-mlp.js';
import { int8ReferenceBounds } from '../export/int8-reference.js';
import { pickRows, spreadIndices } from './golden-samples.js';
import { wape } from './error-stats.js';
import { medianLatencyUsPerRow } from './latency.js';
import { loadOnnx } from './onnx-runner.js';

/** Default gate: int8 ships when its holdout WAPE is at most 1% (relative) worse than fp32. */
export const DEFAULT_MAX_RELATIVE_WAPE_INCREASE = 0.01;

/** Holdout rows checked against the exact-integer reference (bounds the gate's time on big holdouts). */
const REFERENCE_ROWS = 4096;

/**
 * onnxruntime's int8 outputs on this CPU against the exact-integer reference (issue #10): on
 * up to `REFERENCE_ROWS` spread holdout rows, how many leave the bound that holds on every
 * conforming kernel, and the largest deviation from the exact value.
 */
function referenceCheck(int8Bytes: Uint8Array, rows: Float32Array, predictions: Float32Array, f: number): NonNullable<Quantization['reference']> {
  const indices = spreadIndices(rows.length / f, REFERENCE_ROWS);
  const picked = pickRows(rows, f, indices);
  const bounds = int8ReferenceBounds(int8Bytes, picked, f);
  const exact = int8ReferenceBounds(int8Bytes, picked, f, 0).lo;
  let outside = 0;
  let maxAbsDeviation = 0;
  indices.forEach((row, i) => {
    const got = predictions[row];
    if (!(got >= bounds.lo[i] && got <= bounds.hi[i])) outside += 1;
    maxAbsDeviation = Math.max(maxAbsDeviation, Math.abs(got - exact[i]));
  });
  return { rows: indices.length, outside, maxAbsDeviation };
}

/** What the gate needs: the fp32 bytes, calibration rows and a labelled holdout. */
export interface QuantizeInputs {
  model: MlpModel;
  fp32Bytes: Uint8Array;
  calibrationRows: Float32Array;
  holdoutRows: Float32Array;
  holdoutTargets: ArrayLike<number>;
  maxRelativeIncrease?: number;
  method?: CalibrationMethod;
}

/** The int8 graph and the measured decision (manifest.quantization). */
export interface QuantizeResult {
  int8Bytes: Uint8Array;
  decision: Quantization;
  int8Predictions: Float32Array;
}

/**
 * Builds the int8 MLP (per-channel 7-bit weights, MatMulInteger) calibrated on `calibrationRows` and measures it against fp32 in
 * onnxruntime-node: file size, per-row latency at batch 1 and 256, and holdout WAPE. It ships
 * only when WAPE(int8) ≤ WAPE(fp32)·(1 + maxRelativeIncrease) and every checked holdout
 * output lies within the exact-integer reference bound (issue #10).
 */
export async function quantizeWithGate(inputs: QuantizeInputs): Promise<QuantizeResult> {
  const f = inputs.model.featureNames.length;
  if (inputs.calibrationRows.length < f) throw new FleetcastError('FC_ERR_QUANTIZE_CALIBRATION_EMPTY');
  if (inputs.holdoutTargets.length === 0) throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', 'int8 gate needs a labelled holdout');
  const maxRelativeIncrease = inputs.maxRelativeIncrease ?? DEFAULT_MAX_RELATIVE_WAPE_INCREASE;
  const int8Bytes = mlpToOnnx(inputs.model, { quantization: calibrateMlp(inputs.model, inputs.calibrationRows, inputs.method), docString: 'int8 per-channel MatMulInteger' });
  const fp32 = await loadOnnx(inputs.fp32Bytes);
  const int8 = await loadOnnx(int8Bytes);
  try {
    const fp32Predictions = await fp32.run(inputs.holdoutRows);
    const int8Predictions = await int8.run(inputs.holdoutRows);
    const fp32Wape = wape(inputs.holdoutTargets, fp32Predictions);
    const int8Wape = wape(inputs.holdoutTargets, int8Predictions);
    if (fp32Wape === null || int8Wape === null) throw new FleetcastError('FC_ERR_PACKAGE_INPUT_INVALID', 'holdout actuals sum to zero; WAPE undefined');
    const measure = async (runner: typeof fp32, bytes: Uint8Array, w: number) => ({
      wape: w,
      sizeBytes: bytes.length,
      latencyUsBatch1: await medianLatencyUsPerRow(runner, inputs.holdoutRows, f, 1),
      latencyUsBatch256: await medianLatencyUsPerRow(runner, inputs.holdoutRows, f, 256),
    });
    const reference = referenceCheck(int8Bytes, inputs.holdoutRows, int8Predictions, f);
    const decision: Quantization = {
      scheme: 'int8-qoperator',
      shipped: int8Wape <= fp32Wape * (1 + maxRelativeIncrease) && reference.outside === 0,
      gate: { metric: 'wape', maxRelativeIncrease },
      fp32: await measure(fp32, inputs.fp32Bytes, fp32Wape),
      int8: await measure(int8, int8Bytes, int8Wape),
      calibrationDataSha256: createHash('sha256').update(new Uint8Array(inputs.calibrationRows.buffer, inputs.calibrationRows.byteOffset, inputs.calibrationRows.byteLength)).digest('hex'),
      calibrationRows: inputs.calibrationRows.length / f,
      weightMax: INT8_WEIGHT_MAX,
      reference,
    };
    return { int8Bytes, decision, int8Predictions };
  } finally {
    await fp32.release();
    await int8.release();
  }
}
