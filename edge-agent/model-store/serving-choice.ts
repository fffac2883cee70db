import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { BundleManifest } from '../../protocols/bundle/manifest.js';
import { manifestServingChoice, servingPrecisionSchema, type ServingPrecision } from '../../protocols/bundle/serving-precision.js';
import { replaceFileAtomically } from './fsync.js';

/**
 * The agent's record of which graph a retained version serves, written beside the bundle's
 * files after its golden check. Bundle file names start with [a-z0-9], so this one can never
 * be overwritten by (or mistaken for) a bundle file.
 */
export const SERVING_CHOICE_FILE = '_serving.json';

const servingChoiceSchema = servingPrecisionSchema.extend({ formatVersion: z.literal(1) });

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
