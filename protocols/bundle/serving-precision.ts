import { z } from 'zod';
import { FleetcastError } from '../errors/fleetcast-error.js';
import { INT8_SATURATION_FREE_WEIGHT_MAX, type BundleManifest } from './manifest.js';

/**
 * Which graph of a bundle serves on a device, and — when the bundle shipped int8 but fp32
 * serves — the coded reason (issue #10): the int8 golden samples failed on this CPU
 * (FC_ERR_INT8_GOLDEN_FAILED) or the bundle's int8 is not saturation-free by construction
 * (FC_ERR_INT8_UNSAFE_QUANTIZATION). A device never rolls a bundle back for its int8 alone.
 */
export const servingPrecisionSchema = z.object({
  precision: z.enum(['fp32', 'int8']),
  fallback: z.object({ code: z.string().regex(/^FC_ERR_[A-Z0-9_]+$/), detail: z.string().max(1000) }).nullable(),
});
export type ServingPrecision = z.infer<typeof servingPrecisionSchema>;

/** The ONNX file of `manifest` for `precision` (the fp32 `model` file always exists). */
export function modelFileFor(manifest: BundleManifest, precision: ServingPrecision['precision']): string {
  const file = manifest.files.find((entry) => entry.role === (precision === 'int8' ? 'model-int8' : 'model'));
  if (!file) throw new FleetcastError('FC_ERR_BUNDLE_FILE_MISSING', `manifest lists no ${precision} model file`);
  return file.path;
}

/**
 * What a manifest alone allows — the rule the agent (before its golden check) and the cloud's
 * `/predict` share: int8 when it shipped, its weights are saturation-free (|w| ≤ 63) and its
 * golden tolerance was derived from the exact-integer reference; fp32 with
 * FC_ERR_INT8_UNSAFE_QUANTIZATION for int8 packaged before issue #10; else fp32.
 */
export function manifestServingChoice(manifest: BundleManifest): ServingPrecision {
  const q = manifest.quantization;
  if (!q?.shipped || !manifest.files.some((file) => file.role === 'model-int8')) return { precision: 'fp32', fallback: null };
  if (q.weightMax === undefined || q.weightMax > INT8_SATURATION_FREE_WEIGHT_MAX || q.goldenTolerance === undefined) {
    return { precision: 'fp32', fallback: { code: 'FC_ERR_INT8_UNSAFE_QUANTIZATION', detail: `weightMax ${q.weightMax ?? 'absent'}, int8 golden tolerance ${q.goldenTolerance ? 'present' : 'absent'}` } };
  }
  return { precision: 'int8', fallback: null };
}
