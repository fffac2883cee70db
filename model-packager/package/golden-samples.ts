import type { GoldenSamples } from '../../protocols/bundle/golden.js';
import { int8ReferenceBounds } from '../export/int8-reference.js';

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

/** Candidate rows per golden row when int8 ships (the narrowest reference bound wins). */
const INT8_GOLDEN_CANDIDATES = 8;

/**
 * Golden rows of a bundle that ships int8, and the int8 golden tolerance derived from the
 * exact-integer reference (issue #10). Of `INT8_GOLDEN_CANDIDATES` consecutive rows at each
 * spread position, the one whose reference bound is narrowest relative to its value is kept —
 * a row with no activation near a rounding tie, where every conforming kernel agrees to float
 * noise. The tolerance is the widest bound over the kept rows: the packager's and a device's
 * outputs both lie in the bound, so they differ by at most its width, while a kernel that gets
 * the integer sums wrong (a saturating int16 pair) lands far outside.
 */
export function int8GoldenRows(int8Bytes: Uint8Array, rows: Float32Array, featureCount: number): { indices: number[]; tolerance: { abs: number; rel: number } } {
  const total = rows.length / featureCount;
  const starts = spreadIndices(total, GOLDEN_ROWS);
  const candidates = starts.flatMap((start) => Array.from({ length: Math.min(INT8_GOLDEN_CANDIDATES, total - start) }, (_, k) => start + k));
  const bounds = int8ReferenceBounds(int8Bytes, pickRows(rows, featureCount, candidates), featureCount);
  const width = (i: number) => bounds.hi[i] - bounds.lo[i];
  const indices: number[] = [];
  let abs = 0;
  let offset = 0;
  for (const start of starts) {
    const count = Math.min(INT8_GOLDEN_CANDIDATES, total - start);
    let best = offset;
    for (let i = offset; i < offset + count; i += 1) {
      if (width(i) / Math.max(1, Math.abs(bounds.lo[i])) < width(best) / Math.max(1, Math.abs(bounds.lo[best]))) best = i;
    }
    indices.push(start + best - offset);
    abs = Math.max(abs, width(best));
    offset += count;
  }
  return { indices, tolerance: { abs, rel: 0 } };
}
