import type { GoldenSamples } from '../../protocols/bundle/golden.js';

/** Rows per golden file: enough to cover trees' branches and the link, small enough to run at every staging. */
export const GOLDEN_ROWS = 32;

/**
 * Golden tolerance: fp32 outputs should reproduce bit for bit on the same onnxruntime, but
 * other CPUs (ARM stores, different SIMD paths) reorder float sums, so allow float32 noise.
 */
export const GOLDEN_TOLERANCE = { abs: 1e-4, rel: 1e-4 } as const;

/** Evenly spaced row indices (deterministic, covers the whole sample). */
export function spreadIndices(total: number, count: number): number[] {
  const n = Math.min(total, count);
  return Array.from({ length: n }, (_, i) => Math.floor((i * total) / n));
}

/** Picks rows from a row-major matrix into a new matrix. */
export function pickRows(rows: Float32Array, featureCount: number, indices: number[]): Float32Array {
  const out = new Float32Array(indices.length * featureCount);
  indices.forEach((index, i) => out.set(rows.subarray(index * featureCount, (index + 1) * featureCount), i * featureCount));
  return out;
}

/** `golden.json` content from rows and the outputs onnxruntime gave for them. */
export function goldenSamples(rows: Float32Array, featureCount: number, expected: Float32Array, expectedInt8: Float32Array | null): GoldenSamples {
  const n = rows.length / featureCount;
  const matrix = Array.from({ length: n }, (_, r) => Array.from(rows.subarray(r * featureCount, (r + 1) * featureCount), (v) => (Number.isNaN(v) ? null : v)));
  return { formatVersion: 1, rows: matrix, expected: { model: Array.from(expected), modelInt8: expectedInt8 ? Array.from(expectedInt8) : null } };
}
