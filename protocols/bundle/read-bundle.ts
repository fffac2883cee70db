import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { FleetcastError } from '../errors/fleetcast-error.js';

/** tar blocks are 512 bytes; an archive ends with two zero blocks (POSIX ustar). */
const TAR_BLOCK = 512;

/** The raw contents of a bundle: file name → bytes, in archive order. Nothing is verified yet. */
export interface BundleContents {
  files: Map<string, Buffer>;
  sizeBytes: number;
}

/**
 * True when the archive ends with its end-of-archive marker. tar-stream reports a cut inside
 * an entry, but a cut exactly at an entry boundary only shows as a missing marker.
 */
function hasEndOfArchive(bytes: Buffer): boolean {
  if (bytes.length < 2 * TAR_BLOCK || bytes.length % TAR_BLOCK !== 0) return false;
  const tail = bytes.subarray(bytes.length - 2 * TAR_BLOCK);
  return tail.every((byte) => byte === 0);
}

/**
 * Reads a bundle tar from a path or from bytes into memory. A truncated or malformed archive
 * gives FC_ERR_BUNDLE_TRUNCATED; signatures and hashes are checked by `verifyBundle`.
 */
export async function readBundle(source: string | Buffer): Promise<BundleContents> {
  const bytes = typeof source === 'string' ? await readBundleFile(source) : source;
  if (!hasEndOfArchive(bytes)) throw new FleetcastError('FC_ERR_BUNDLE_TRUNCATED', 'no end-of-archive marker', { sizeBytes: bytes.length });
  const files = new Map<string, Buffer>();
  try {
    const archive = extract();
    Readable.from([bytes]).pipe(archive);
    for await (const entry of archive) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (entry.header.type === 'file') files.set(entry.header.name, Buffer.concat(chunks));
    }
  } catch (error) {
    throw new FleetcastError('FC_ERR_BUNDLE_TRUNCATED', error instanceof Error ? error.message : String(error), { sizeBytes: bytes.length }, { cause: error });
  }
  return { files, sizeBytes: bytes.length };
}

async function readBundleFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new FleetcastError('FC_ERR_BUNDLE_UNREADABLE', path, { path }, { cause: error });
  }
}
