import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, copyFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { resolveUnder } from '../../protocols/paths.js';

/** Folder of the content-addressed artifact store inside the data dir. */
export const ARTIFACTS_DIR = 'artifacts';

/** A stored artifact: where it lives, its sha256 and byte size. */
export interface StoredArtifact {
  path: string;
  sha256: string;
  size: number;
}

/** sha256 (lowercase hex) of a file, streamed so large bundles do not sit in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** Path of the artifact with this sha256 (`artifacts/sha256/ab/abcd….bin`). */
export function artifactPath(dataDir: string, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new FleetcastError('FC_ERR_INVALID_ID', `artifact sha256 ${JSON.stringify(sha256)}`, { what: 'sha256' });
  return resolveUnder(join(dataDir, ARTIFACTS_DIR), 'sha256', sha256.slice(0, 2), `${sha256}.bin`);
}

/**
 * Copies a file into the content-addressed store (DESIGN "Storage": artifacts on the
 * filesystem). Identical contents land on the same path, so pushing twice is idempotent;
 * copy-to-temp + rename keeps a crash from leaving a half-written artifact under a valid name.
 */
export async function putArtifact(dataDir: string, sourcePath: string): Promise<StoredArtifact> {
  if (!existsSync(sourcePath)) throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', sourcePath, { path: sourcePath });
  const sha256 = await sha256File(sourcePath);
  const target = artifactPath(dataDir, sha256);
  const size = statSync(sourcePath).size;
  if (existsSync(target)) return { path: target, sha256, size };
  try {
    mkdirSync(join(target, '..'), { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    copyFileSync(sourcePath, temp);
    if ((await sha256File(temp)) !== sha256) {
      unlinkSync(temp);
      throw new FleetcastError('FC_ERR_CONTROLLER_STORAGE', `artifact ${sha256} changed while copying`);
    }
    renameSync(temp, target);
  } catch (error) {
    if (error instanceof FleetcastError) throw error;
    throw new FleetcastError('FC_ERR_CONTROLLER_STORAGE', (error as Error).message, { path: target }, { cause: error });
  }
  return { path: target, sha256, size };
}
