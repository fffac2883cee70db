import { INT8_SATURATION_FREE_WEIGHT_MAX } from '../../protocols/bundle/manifest.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { MlpModel } from '../models/trained-model.js';
import { imputeValues } from './standardise-nodes.js';
import { FLOAT16_MAX, roundUpFloat16 } from './float16.js';

/** uint8 affine quantization of one activation tensor: real = scale · (q − zeroPoint). */
export interface ActivationQuantization {
  scale: number;
  zeroPoint: number;
}

/** Symmetric per-output-channel int8 weights, laid out [in, out] like the fp32 MatMul input. */
export interface WeightQuantization {
  values: Int8Array;
  scales: Float32Array;
  /** Scales are exact float16 numbers and may be stored as such (see `compact-float.ts`). */
  scalesFloat16: boolean;
}

/** Everything `mlpToOnnx` needs to emit the int8 (MatMulInteger) graph. */
export interface MlpQuantization {
  activations: ActivationQuantization[];
  weights: WeightQuantization[];
}

/** How activation ranges are taken from the calibration sample. */
export type CalibrationMethod = 'minmax' | 'percentile';

/** Percentile used by the `percentile` method: clips rare outliers that would waste int8 range. */
const PERCENTILE = 0.9999;

/**
 * Largest |int8 weight| (7 bits + sign). onnxruntime's U8S8 kernel on AVX2/AVX-512 without
 * VNNI multiplies with VPMADDUBSW, which adds each PAIR of u8×s8 products in a saturating
 * int16 lane: 2·255·63 = 32130 ≤ 32767, so no pair can saturate and every kernel (VNNI,
 * AVX2, SSE, NEON) returns the exact int32 sum (issue #10; docs/bundle.md "int8").
 * Full-range weights (±127) reach 2·255·127 = 64770 and did saturate on AVX2.
 */
export const INT8_WEIGHT_MAX = INT8_SATURATION_FREE_WEIGHT_MAX;

/**
 * Symmetric per output channel: scale = max|w| / 63, values in [−63, 63] — int8 tensors
 * holding 7-bit values (see `INT8_WEIGHT_MAX`; onnxruntime's own quantizer does the same
 * with `reduce_range`). Values are rounded against the scale as stored (float16, rounded up,
 * when it fits).
 */
export function quantizeWeights(weights: number[][], weightMax = INT8_WEIGHT_MAX): WeightQuantization {
  const out = weights.length;
  const inputs = weights[0].length;
  const values = new Int8Array(inputs * out);
  const raw = weights.map((row) => {
    const maxAbs = row.reduce((m, w) => Math.max(m, Math.abs(w)), 0);
    return maxAbs > 0 ? maxAbs / weightMax : 1;
  });
  // Scales are rounded UP to float16 (halves their storage): the weights are quantized against
  // the stored scale, so the only cost is a grid at most one float16 step coarser, and rounding
  // up means the largest weight never clips.
  const scalesFloat16 = raw.every((scale) => scale <= FLOAT16_MAX);
  const scales = Float32Array.from(raw, (scale) => (scalesFloat16 ? roundUpFloat16(scale) : scale));
  for (let o = 0; o < out; o += 1) {
    for (let i = 0; i < inputs; i += 1) values[i * out + o] = Math.max(-weightMax, Math.min(weightMax, Math.round(weights[o][i] / scales[o])));
  }
  return { values, scales, scalesFloat16 };
}

/** uint8 asymmetric parameters for a range; the range always includes 0 so that 0 is exact. */
export function activationParams(low: number, high: number): ActivationQuantization {
  const lo = Math.min(0, low);
  const hi = Math.max(0, high);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  const zeroPoint = Math.max(0, Math.min(255, Math.round(-lo / scale)));
  return { scale, zeroPoint };
}

function range(values: Float64Array, method: CalibrationMethod): [number, number] {
  if (method === 'minmax') {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    return Number.isFinite(lo) ? [lo, hi] : [0, 0];
  }
  const sorted = Float64Array.from(values.filter(Number.isFinite)).sort();
  if (sorted.length === 0) return [0, 0];
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(p * (sorted.length - 1))))];
  return [at(1 - PERCENTILE), at(PERCENTILE)];
}

/**
 * Calibrates activation ranges on `rows` (a sample of training feature rows, row-major
 * [n, F]) by running the float64 forward pass layer by layer and recording every layer's
 * input (missing inputs imputed as in the graph), then quantizes the weights to
 * ±`weightMax` (default `INT8_WEIGHT_MAX`; 127 only to reproduce the saturating kernels).
 */
export function calibrateMlp(model: MlpModel, rows: Float32Array, method: CalibrationMethod = 'minmax', weightMax = INT8_WEIGHT_MAX): MlpQuantization {
  const f = model.featureNames.length;
  const n = Math.floor(rows.length / f);
  if (n === 0) throw new FleetcastError('FC_ERR_QUANTIZE_CALIBRATION_EMPTY');
  const impute = imputeValues(model);
  let current = new Float64Array(n * f);
  for (let r = 0; r < n; r += 1) {
    for (let c = 0; c < f; c += 1) {
      const value = rows[r * f + c];
      current[r * f + c] = ((Number.isNaN(value) ? impute[c] : value) - model.inputMean[c]) / model.inputStd[c];
    }
  }
  let width = f;
  const activations: ActivationQuantization[] = [];
  for (const layer of model.layers) {
    activations.push(activationParams(...range(current, method)));
    const out = layer.weights.length;
    const next = new Float64Array(n * out);
    for (let r = 0; r < n; r += 1) {
      for (let o = 0; o < out; o += 1) {
        let sum = layer.bias[o];
        const w = layer.weights[o];
        for (let i = 0; i < width; i += 1) sum += w[i] * current[r * width + i];
        next[r * out + o] = layer.activation === 'relu' ? Math.max(0, sum) : sum;
      }
    }
    current = next;
    width = out;
  }
  return { activations, weights: model.layers.map((layer) => quantizeWeights(layer.weights, weightMax)) };
}
