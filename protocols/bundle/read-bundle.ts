import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { FleetcastError, isFleetcastError } from '../errors/fleetcast-error.js';

/** tar blocks are 512 bytes; an archive ends with two zero blocks (POSIX ustar). */
const TAR_BLOCK = 512;

/**
 * Largest bundle any reader accepts (issue #9 finding 10): a bundle is a small model plus JSON
 * side files, and every reader holds its entries in memory, so the size is refused before a
 * byte is read — a 1.5 GB file costs a `stat`, not 1.67 GB of RSS.
 */
export const MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

/** The raw contents of a bundle: file name → bytes, in archive order. Nothing is verified yet. */
export interface BundleContents {
  files: Map<string, Buffer>;
  sizeBytes: number;
}

/** Options of `readBundle`. */
export interface ReadBundleOptions {
  /** Refuse larger archives with FC_ERR_BUNDLE_TOO_LARGE (default MAX_BUNDLE_BYTES). */
  maxBytes?: number;
}

/**
 * True when the archive ends with its end-of-archive marker. tar-stream reports a cut inside
 * an entry, but a cut exactly at an entry boundary only shows as a missing marker.
 */
function hasEndOfArchive(size: number, tail: Buffer): boolean {
  if (size < 2 * TAR_BLOCK || size % TAR_BLOCK !== 0) return false;
  return tail.every((byte) => byte === 0);
}

/** The last two blocks of the archive (only those are read from a file). */
async function tailOf(source: string | Buffer, size: number): Promise<Buffer> {
  const length = Math.min(size, 2 * TAR_BLOCK);
  if (typeof source !== 'string') return source.subarray(size - length);
  const handle = await open(source, 'r');
  try {
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    return tail;
  } finally {
    await handle.close();
  }
}

async function sizeOf(source: string | Buffer): Promise<number> {
  if (typeof source !== 'string') return source.length;
  try {
    const info = await stat(source);
    if (!info.isFile()) throw new Error('not a regular file');
    return info.size;
  } catch (error) {
    throw new FleetcastError('FC_ERR_BUNDLE_UNREADABLE', source, { path: source }, { cause: error });
  }
}

/**
 * Reads a bundle tar from a path (streamed from disk, never read whole) or from bytes. Refused
 * with a code: larger than the cap (TOO_LARGE), truncated or malformed (TRUNCATED), and any
 * entry that is not a plain file or appears twice (FILE_UNEXPECTED: symlinks, hard links,
 * directories, devices and duplicates could smuggle content past the manifest, which lists
 * every file a bundle may hold). Signatures and hashes are checked by `verifyBundle`.
 */
export async function readBundle(source: string | Buffer, options: ReadBundleOptions = {}): Promise<BundleContents> {
  const maxBytes = options.maxBytes ?? MAX_BUNDLE_BYTES;
  const sizeBytes = await sizeOf(source);
  if (sizeBytes > maxBytes) throw new FleetcastError('FC_ERR_BUNDLE_TOO_LARGE', `${sizeBytes} bytes > ${maxBytes}`, { sizeBytes, maxBytes });
  if (!hasEndOfArchive(sizeBytes, await tailOf(source, sizeBytes))) throw new FleetcastError('FC_ERR_BUNDLE_TRUNCATED', 'no end-of-archive marker', { sizeBytes });
  const files = new Map<string, Buffer>();
  const input = typeof source === 'string' ? createReadStream(source) : Readable.from([source]);
  try {
    const archive = extract();
    input.pipe(archive);
    for await (const entry of archive) {
      const { name, type } = entry.header;
      if (type !== 'file' || files.has(name)) {
        input.destroy();
        throw new FleetcastError('FC_ERR_BUNDLE_FILE_UNEXPECTED', `${type === 'file' ? 'duplicate' : type} entry ${name}`, { path: name, type });
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      files.set(name, Buffer.concat(chunks));
    }
  } catch (error) {
    input.destroy();
    if (isFleetcastError(error)) throw error;
    throw new FleetcastError('FC_ERR_BUNDLE_TRUNCATED', error instanceof Error ? error.message : String(error), { sizeBytes }, { cause: error });
  }
  return { files, sizeBytes };
}
