import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { modelRefSchema, timestampSchema } from '../../protocols/envelope.js';
import { replaceFileAtomically } from './fsync.js';

/**
 * `active.json`: which retained version serves. It is the single commit point of an
 * activation (DESIGN "Update state machine"): replaced atomically, so after any crash it names
 * either the old or the new version, never half of one.
 */
export const activePointerSchema = z.object({
  formatVersion: z.literal(1),
  model: modelRefSchema,
  /** Directory name under `versions/`. */
  dir: z.string().min(1).max(300).regex(/^[^/\\]+$/, 'must be a plain directory name'),
  /** Deployment that made it active (or `install:<sha256 prefix>` for offline installs). */
  deploymentId: z.string().min(1).max(128),
  activatedAt: timestampSchema,
});
export type ActivePointer = z.infer<typeof activePointerSchema>;

/**
 * Reads the pointer; null when there is none yet. A pointer that is not valid JSON for the
 * schema counts as none: the update engine then restores one from the retained versions.
 */
export async function readActivePointer(path: string): Promise<ActivePointer | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = activePointerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Replaces the pointer atomically (tmp → fsync → rename → fsync dir). */
export async function writeActivePointer(path: string, pointer: ActivePointer): Promise<void> {
  await replaceFileAtomically(path, `${JSON.stringify(activePointerSchema.parse(pointer), null, 2)}\n`);
}
