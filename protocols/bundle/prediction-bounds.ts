import type { BundleManifest } from './manifest.js';
import type { ReferenceProfile } from '../drift/reference-profile.js';

/**
 * Bounds on what a model may answer, applied by the edge agent and the controller's predict
 * alike (issue #6: the cloud and the store must return the same numbers for the same input).
 *
 * How far above the training-time prediction distribution a forecast may go. Values far
 * beyond it come from out-of-range inputs (a price typo, a unit mix-up) and an order built
 * on 40× normal demand empties a warehouse; 4× the top of the reference leaves room for real
 * peaks (holiday spikes) that the reference sample saw only rarely.
 */
export const CEILING_FACTOR = 4;

/**
 * Upper bound for predictions: probabilities for binary models, else CEILING_FACTOR × the
 * largest value the reference profile recorded (top quantile or histogram edge). Null when the
 * profile has no usable number, so only the non-negativity floor applies.
 */
export function predictionCeiling(manifest: BundleManifest, reference: ReferenceProfile | null): number | null {
  if (manifest.model.task === 'binary') return 1;
  if (!reference) return null;
  const candidates = [...reference.prediction.quantiles.map((q) => q.value), ...reference.prediction.histogram.edges].filter(Number.isFinite);
  if (candidates.length === 0) return null;
  const top = Math.max(...candidates);
  return top > 0 ? top * CEILING_FACTOR : null;
}

/** Clamps to [0, ceiling]; a non-finite output becomes 0. Returns the values and how many changed. */
export function clampPredictions(values: Float32Array, ceiling: number | null): { values: number[]; clamped: number } {
  let clamped = 0;
  const out = Array.from(values, (value) => {
    const bounded = !Number.isFinite(value) ? 0 : Math.max(0, ceiling === null ? value : Math.min(ceiling, value));
    if (bounded !== value) clamped += 1;
    return bounded;
  });
  return { values: out, clamped };
}
