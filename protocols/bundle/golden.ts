import { z } from 'zod';
import { finiteNumber } from '../envelope.js';

/** Name of the golden-samples file inside a bundle. */
export const GOLDEN_FILE = 'golden.json';

/**
 * `golden.json`: feature rows with the outputs onnxruntime produced at packaging time. The
 * agent runs them after loading a bundle (staging) and refuses it when any output leaves
 * `manifest.goldenTolerance`. JSON has no NaN, so a missing feature value is `null`.
 */
export const goldenSamplesSchema = z.object({
  formatVersion: z.literal(1),
  /** Graph outputs these rows were checked against: `model` (fp32) and `model-int8` when shipped. */
  rows: z.array(z.array(finiteNumber.nullable())).min(1),
  expected: z.object({
    model: z.array(finiteNumber),
    modelInt8: z.array(finiteNumber).nullable(),
  }),
}).refine((golden) => golden.expected.model.length === golden.rows.length && (golden.expected.modelInt8 === null || golden.expected.modelInt8.length === golden.rows.length), {
  message: 'expected outputs must have one value per row',
});
export type GoldenSamples = z.infer<typeof goldenSamplesSchema>;

/** The float32 matrix of golden rows (null → NaN), ready for an onnxruntime tensor. */
export function goldenInputMatrix(golden: GoldenSamples): Float32Array {
  const width = golden.rows[0].length;
  const data = new Float32Array(golden.rows.length * width);
  golden.rows.forEach((row, r) => row.forEach((value, c) => (data[r * width + c] = value === null ? Number.NaN : value)));
  return data;
}

/** True when `got` is within `|got − expected| ≤ abs + rel·|expected|`. */
export function withinGoldenTolerance(got: number, expected: number, tolerance: { abs: number; rel: number }): boolean {
  return Math.abs(got - expected) <= tolerance.abs + tolerance.rel * Math.abs(expected);
}
