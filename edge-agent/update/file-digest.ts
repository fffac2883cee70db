import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { MAX_BUNDLE_BYTES } from '../../protocols/bundle/read-bundle.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/**
 * Size and sha256 of a bundle file, streamed from disk (issue #9: never the whole file in
 * memory); a file over the bundle cap is refused before it is read.
 */
export async function bundleFileDigest(path: string): Promise<{ size: number; sha256: string }> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', path, { path }, { cause: error });
  }
  if (size > MAX_BUNDLE_BYTES) throw new FleetcastError('FC_ERR_BUNDLE_TOO_LARGE', `${size} bytes > ${MAX_BUNDLE_BYTES}`, { sizeBytes: size, maxBytes: MAX_BUNDLE_BYTES });
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { size, sha256: hash.digest('hex') };
}
