import { statfs } from 'node:fs/promises';
import { MAX_BUNDLE_BYTES } from '../../protocols/bundle/read-bundle.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/** Free space left on the model store's disk after a deployment, so serving and SQLite keep room. */
const RESERVE_BYTES = 64 * 1024 * 1024;

/**
 * Checks a bundle before a byte of it is fetched (issue #9 finding 10): no larger than any
 * reader accepts (FC_ERR_BUNDLE_TOO_LARGE), and room on the store's disk for the rest of the
 * download plus its unpacked copy in staging, with a reserve (FC_ERR_UPDATE_NO_SPACE).
 */
export async function assertDownloadFits(dir: string, size: number, downloadedBytes: number): Promise<void> {
  if (size > MAX_BUNDLE_BYTES) throw new FleetcastError('FC_ERR_BUNDLE_TOO_LARGE', `${size} bytes > ${MAX_BUNDLE_BYTES}`, { sizeBytes: size, maxBytes: MAX_BUNDLE_BYTES });
  const disk = await statfs(dir);
  const free = disk.bavail * disk.bsize;
  const needed = size - downloadedBytes + size + RESERVE_BYTES;
  if (free < needed) throw new FleetcastError('FC_ERR_UPDATE_NO_SPACE', `${needed} bytes needed, ${free} free`, { needed, free });
}
