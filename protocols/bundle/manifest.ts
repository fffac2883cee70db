import { z } from 'zod';
import { idSchema } from '../ids.js';
import { finiteNumber, sha256Schema, timestampSchema } from '../envelope.js';
import { featureSpecSchema } from '../features/spec.js';

/** Files a bundle may hold, by role (DESIGN "Model bundle"). */
export const bundleFileRoleSchema = z.enum(['model', 'model-int8', 'reference', 'golden']);

export const bundleFileSchema = z.object({
  path: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'must be a plain file name'),
  role: bundleFileRoleSchema,
  size: z.number().int().nonnegative(),
  sha256: sha256Schema,
});
export type BundleFile = z.infer<typeof bundleFileSchema>;

/** Metrics on the holdout, for the model and for the seasonal-naive baseline beside it. */
export const metricSetSchema = z.record(z.string(), finiteNumber);

/**
 * Largest |int8 weight| that no onnxruntime kernel can saturate: AVX2/AVX-512 without VNNI
 * add PAIRS of u8×s8 products in int16 (VPMADDUBSW), and 2·255·63 = 32130 ≤ 32767 (issue #10).
 */
export const INT8_SATURATION_FREE_WEIGHT_MAX = 63;

/** The int8 decision: what was measured against fp32 in onnxruntime and whether it ships. */
export const quantizationSchema = z.object({
  scheme: z.enum(['int8-qdq-per-channel', 'int8-qoperator']),
  shipped: z.boolean(),
  gate: z.object({ metric: z.literal('wape'), maxRelativeIncrease: finiteNumber.nonnegative() }),
  fp32: z.object({ wape: finiteNumber, sizeBytes: z.number().int().positive(), latencyUsBatch1: finiteNumber, latencyUsBatch256: finiteNumber }),
  int8: z.object({ wape: finiteNumber, sizeBytes: z.number().int().positive(), latencyUsBatch1: finiteNumber, latencyUsBatch256: finiteNumber }),
  calibrationDataSha256: sha256Schema,
  calibrationRows: z.number().int().positive(),
  /**
   * Largest |int8 weight|. 63 (7 bits) since issue #10: 2·255·63 ≤ 32767, so no onnxruntime
   * kernel's int16 pair sum (VPMADDUBSW on AVX2 without VNNI) saturates. Absent in bundles
   * packaged before; agents serve fp32 from those (FC_ERR_INT8_UNSAFE_QUANTIZATION).
   */
  weightMax: z.number().int().min(1).max(127).optional(),
  /**
   * onnxruntime on the packaging CPU against the exact-integer reference of the int8 graph
   * (`int8-reference.ts`) on holdout rows: rows checked, rows outside the reference bound (int8
   * ships only at 0), largest |onnxruntime − exact reference|.
   */
  reference: z.object({ rows: z.number().int().positive(), outside: z.number().int().nonnegative(), maxAbsDeviation: finiteNumber.nonnegative() }).optional(),
  /**
   * Tolerance of the int8 golden outputs (`golden.json` expected.modelInt8), derived from the
   * reference: the widest bound [lo, hi] over the golden rows. Both the packager's and a
   * device's outputs lie in that bound on any conforming kernel, so they differ by at most it.
   */
  goldenTolerance: z.object({ abs: finiteNumber.nonnegative(), rel: finiteNumber.nonnegative() }).optional(),
});
export type Quantization = z.infer<typeof quantizationSchema>;

/**
 * `manifest.json` of a bundle. The signature covers its canonical form (keys sorted, no
 * whitespace), and every other file is bound to it by size and sha256.
 */
export const bundleManifestSchema = z.object({
  formatVersion: z.literal(1),
  model: z.object({
    name: idSchema,
    /** Monotonic per name; agents refuse a lower one unless told to roll back. */
    version: z.number().int().positive(),
    kind: z.enum(['gbdt', 'mlp', 'linear', 'external']),
    task: z.enum(['regression', 'binary']),
    /** Objective for regression (squared, poisson, tweedie) or `logistic`. */
    objective: z.string().min(1).max(64),
  }),
  createdAt: timestampSchema,
  /** Experiment-tracking run that produced the model (absent for brought-in ONNX). */
  runId: z.string().min(1).max(128).nullable(),
  trainingDataSha256: sha256Schema.nullable(),
  /** Lowest agent version that can run this bundle (semver). */
  minAgentVersion: z.string().regex(/^\d+\.\d+\.\d+$/),
  files: z.array(bundleFileSchema).min(1),
  input: z.object({
    /** ONNX graph input name; one float32 tensor [batch, features.length]. */
    name: z.string().min(1),
    dtype: z.literal('float32'),
    features: z.array(z.object({ name: z.string().min(1).max(128), dtype: z.enum(['float32']) })).min(1),
  }),
  output: z.object({ name: z.string().min(1), dtype: z.literal('float32') }),
  /** ONNX opsets of the graph (`''` is the default domain, `ai.onnx.ml` for trees). */
  opsets: z.record(z.string(), z.number().int().positive()),
  featureSpec: featureSpecSchema,
  metrics: z.object({ model: metricSetSchema, seasonalNaive: metricSetSchema.nullable() }),
  quantization: quantizationSchema.nullable(),
  /** Golden-sample tolerance: |got − expected| ≤ abs + rel·|expected|. */
  goldenTolerance: z.object({ abs: finiteNumber.nonnegative(), rel: finiteNumber.nonnegative() }),
  signer: z.object({ keyId: z.string().regex(/^[0-9a-f]{16}$/) }),
});
export type BundleManifest = z.infer<typeof bundleManifestSchema>;
