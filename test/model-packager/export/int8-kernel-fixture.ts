import { int8ReferenceBounds, maxPairMagnitude } from '../../../model-packager/export/int8-reference.js';
import { mlpToOnnx } from '../../../model-packager/export/mlp-to-onnx.js';
import { calibrateMlp, INT8_WEIGHT_MAX } from '../../../model-packager/export/quantize-mlp.js';
import { loadOnnx } from '../../../model-packager/package/onnx-runner.js';
import type { Link } from '../../../model-packager/models/trained-model.js';
import { randomMlp, randomRows, seeded } from './random-models.js';

/** What onnxruntime on this CPU gave against the exact-integer reference of the same int8 graph. */
export interface KernelComparison {
  rows: number;
  /** 2·255·max|w|: ≤ 32767 means no VPMADDUBSW pair can saturate. */
  maxPair: number;
  /** Rows whose onnxruntime output left the reference bound [lo, hi]. */
  outside: number;
  /** Rows equal, bit for bit, to the exact reference (every float op correctly rounded). */
  exact: number;
  /** Largest |onnxruntime − exact reference|, and relative to the mean |reference|. */
  maxAbsDeviation: number;
  meanRelativeDeviation: number;
  /** Widest bound (hi − lo) over the rows: the cross-kernel spread the bound allows. */
  maxBoundWidth: number;
  /** Rows whose bound is float noise (width ≤ 1e-4·max(1, |reference|)): no rounding was ambiguous. */
  pinned: number;
}

/**
 * Builds the quantize tests' random 24-128-64-1 MLP (seeded), quantizes it with ±`weightMax`
 * weights, runs 1024 rows in onnxruntime-node and compares with `int8ReferenceBounds`. Shared
 * by `quantize.test.ts` and the per-CPU script `int8-kernel-check.ts` (issue #10).
 */
export async function compareWithReference(options: { seed: number; link?: Link; weightMax?: number }): Promise<KernelComparison> {
  const f = 24;
  const random = seeded(options.seed);
  const calibration = randomRows(random, 512, f);
  const rows = randomRows(random, 1024, f);
  const model = randomMlp(random, calibration, f, [128, 64], options.link ?? 'identity');
  const bytes = mlpToOnnx(model, { quantization: calibrateMlp(model, calibration, 'minmax', options.weightMax ?? INT8_WEIGHT_MAX) });
  const runner = await loadOnnx(bytes);
  const got = await runner.run(rows).finally(() => runner.release());
  const exact = int8ReferenceBounds(bytes, rows, f, 0).lo;
  const bounds = int8ReferenceBounds(bytes, rows, f);
  const result: KernelComparison = { rows: got.length, maxPair: maxPairMagnitude(bytes), outside: 0, exact: 0, maxAbsDeviation: 0, meanRelativeDeviation: 0, maxBoundWidth: 0, pinned: 0 };
  let deviation = 0;
  let total = 0;
  for (let r = 0; r < got.length; r += 1) {
    if (got[r] < bounds.lo[r] || got[r] > bounds.hi[r]) result.outside += 1;
    if (got[r] === exact[r]) result.exact += 1;
    result.maxAbsDeviation = Math.max(result.maxAbsDeviation, Math.abs(got[r] - exact[r]));
    result.maxBoundWidth = Math.max(result.maxBoundWidth, bounds.hi[r] - bounds.lo[r]);
    if (bounds.hi[r] - bounds.lo[r] <= 1e-4 * Math.max(1, Math.abs(exact[r]))) result.pinned += 1;
    deviation += Math.abs(got[r] - exact[r]);
    total += Math.abs(exact[r]);
  }
  result.meanRelativeDeviation = deviation / total;
  return result;
}
