import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { INT8_SATURATION_FREE_WEIGHT_MAX, type BundleManifest } from '../../protocols/bundle/manifest.js';
import { servingPrecisionSchema, type ServingPrecision } from '../../protocols/bundle/serving-precision.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { replaceFileAtomically } from './fsync.js';

/**
 * The agent's record of which graph a retained version serves, written beside the bundle's
 * files after its golden check. Bundle file names start with [a-z0-9], so this one can never
 * be overwritten by (or mistaken for) a bundle file.
 */
export const SERVING_CHOICE_FILE = '_serving.json';

const servingChoiceSchema = servingPrecisionSchema.extend({ formatVersion: z.literal(1) });

/** The ONNX file of `manifest` for `precision` (the fp32 `model` file always exists). */
export function modelFileFor(manifest: BundleManifest, precision: ServingPrecision['precision']): string {
  const file = manifest.files.find((entry) => entry.role === (precision === 'int8' ? 'model-int8' : 'model'));
  if (!file) throw new FleetcastError('FC_ERR_BUNDLE_FILE_MISSING', `manifest lists no ${precision} model file`);
  return file.path;
}

/**
 * What a manifest alone allows: int8 when it shipped, its weights are saturation-free
 * (|w| ≤ 63) and its golden tolerance was derived from the exact-integer reference; fp32
 * with FC_ERR_INT8_UNSAFE_QUANTIZATION for int8 packaged before issue #10; else fp32.
 */
export function manifestServingChoice(manifest: BundleManifest): ServingPrecision {
  const q = manifest.quantization;
  if (!q?.shipped || !manifest.files.some((file) => file.role === 'model-int8')) return { precision: 'fp32', fallback: null };
  if (q.weightMax === undefined || q.weightMax > INT8_SATURATION_FREE_WEIGHT_MAX || q.goldenTolerance === undefined) {
    return { precision: 'fp32', fallback: { code: 'FC_ERR_INT8_UNSAFE_QUANTIZATION', detail: `weightMax ${q.weightMax ?? 'absent'}, int8 golden tolerance ${q.goldenTolerance ? 'present' : 'absent'}` } };
  }
  return { precision: 'int8', fallback: null };
}

/**
 * The recorded choice of an installed version; without a readable record (a version installed
 * before issue #10, a damaged file) the manifest's choice — a stored bad file never stops a
 * restart.
 */
export async function readServingChoice(dir: string, manifest: BundleManifest): Promise<ServingPrecision> {
  const fromManifest = manifestServingChoice(manifest);
  try {
    const parsed = servingChoiceSchema.safeParse(JSON.parse(await readFile(join(dir, SERVING_CHOICE_FILE), 'utf8')));
    // A record can only narrow int8 to fp32, never widen what the manifest allows.
    if (parsed.success && (parsed.data.precision === 'fp32' || fromManifest.precision === 'int8')) return { precision: parsed.data.precision, fallback: parsed.data.fallback };
  } catch {
    // absent or unreadable: the manifest decides
  }
  return fromManifest;
}

/** Records the choice durably, before the version can be promoted or served. */
export async function writeServingChoice(dir: string, choice: ServingPrecision): Promise<void> {
  await replaceFileAtomically(join(dir, SERVING_CHOICE_FILE), Buffer.from(JSON.stringify({ formatVersion: 1, ...choice }), 'utf8'));
}
