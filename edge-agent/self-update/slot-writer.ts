import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { VerifiedImage } from '../../protocols/images/verify-image.js';
import { resolveUnder } from '../../protocols/paths.js';

/**
 * Unpacks a verified image into an (inactive) slot directory: the old content is removed first,
 * each file is written and fsync'd, then every directory, so the pointer switch that follows
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
      const handle = await open(target, 'w', 0o644);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const dir of dirs) {
      const handle = await open(dir, 'r');
      await handle.sync().finally(() => handle.close());
    }
    await open(join(slotDir, '..'), 'r').then((handle) => handle.sync().finally(() => handle.close()));
  } catch (error) {
    throw new FleetcastError('FC_ERR_IMAGE_INSTALL_FAILED', `${slotDir}: ${(error as Error).message}`, { slotDir }, { cause: error });
  }
}
