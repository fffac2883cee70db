import { createNormalRandom, createRandom } from '../../model-packager/learners/random.js';

/** Columns of the synthetic benchmark set; features 22–29 are pure noise. */
export const BENCH_FEATURES = 30;

/** Share of values blanked (NaN) in features 0–5, so the missing-value path is exercised. */
const MISSING_RATE = 0.05;

/** A generated regression set: row-major float32 features and float64 targets. */
export interface SyntheticSet {
  X: Float32Array;
  y: Float64Array;
  nRows: number;
}

/**
 * Non-linear regression with interactions, thresholds, a linear block, noise features,
 * Gaussian noise (σ = 0.5) and 5% missing values in six features — hard enough that the
 * tree learners have to split deep, reproducible from `seed`.
 */
export function generateSyntheticSet(nRows: number, seed: number): SyntheticSet {
  const uniform = createRandom(seed);
  const normal = createNormalRandom(uniform);
  const X = new Float32Array(nRows * BENCH_FEATURES);
  const y = new Float64Array(nRows);
  const x = new Float64Array(BENCH_FEATURES);
  for (let r = 0; r < nRows; r += 1) {
    for (let f = 0; f < BENCH_FEATURES; f += 1) x[f] = Math.fround(f % 3 === 0 ? normal() : 4 * uniform() - 2);
    let target = 2 * Math.sin(2 * x[0]) + x[1] * x[2] + 1.5 * (x[3] > 0.5 ? 1 : 0) + Math.abs(x[4]) + Math.exp(0.3 * x[5]);
    target += x[6] * x[7] * (x[8] > 0 ? 1 : 0) + 0.5 * Math.cos(x[20] * x[21]);
    for (let f = 9; f < 20; f += 1) target += ((0.2 * f) / 20) * x[f];
    y[r] = target + 0.5 * normal();
    for (let f = 0; f < BENCH_FEATURES; f += 1) X[r * BENCH_FEATURES + f] = f < 6 && uniform() < MISSING_RATE ? NaN : x[f];
  }
  return { X, y, nRows };
}
