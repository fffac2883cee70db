import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { VerifiedImage } from '../../protocols/images/verify-image.js';
import { resolveUnder } from '../../protocols/paths.js';

const run = promisify(execFile);

/**
 * Unpacks a verified image into an (inactive) slot directory: the old content is removed first,
 * every file is written, then the file system is synced, so the pointer switch that follows
 * never points at data still in the page cache. Paths come from the verified manifest
 * (`imagePathSchema`) and are still resolved with `resolveUnder`, the one way a path is built
 * from stored names (issue #9).
 */
export async function writeSlot(slotDir: string, image: VerifiedImage): Promise<void> {
  try {
    await rm(slotDir, { recursive: true, force: true });
    await mkdir(slotDir, { recursive: true });
    const dirs = new Set<string>([slotDir]);
    for (const [path, bytes] of image.files) {
      const target = resolveUnder(slotDir, ...path.split('/'));
      const dir = dirname(target);
      if (!dirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        for (let parent = dir; parent.startsWith(slotDir) && !dirs.has(parent); parent = dirname(parent)) dirs.add(parent);
      }
      await writeFile(target, bytes, { mode: 0o644 });
    }
    // One syncfs(2) for the slot's file system instead of an fsync per file: thousands of
    // fsyncs took minutes on an SD card class disk; the pointer moves only after it returns.
    await run('sync', ['-f', slotDir]);
  } catch (error) {
    throw new FleetcastError('FC_ERR_IMAGE_INSTALL_FAILED', `${slotDir}: ${(error as Error).message}`, { slotDir }, { cause: error });
  }
}
