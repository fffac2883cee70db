import { open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Durable file helpers for the model store. A rename is only crash-safe once the file's data
 * and then its directory entry are on disk (ext4 `data=ordered` does not promise the latter),
 * so every write that a pointer or a later state relies on goes through here (issue #5).
 */

/** fsyncs a file or directory by path. */
export async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `bytes` to `path` and fsyncs the file before returning. */
export async function writeFileDurably(path: string, bytes: Uint8Array | string): Promise<void> {
  await writeFile(path, bytes);
  await fsyncPath(path);
}

/** Atomically replaces `path`: write `path.tmp`, fsync, rename over, fsync the directory. */
export async function replaceFileAtomically(path: string, bytes: Uint8Array | string): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFileDurably(temporary, bytes);
  await rename(temporary, path);
  await fsyncPath(dirname(path));
}

/** Removes a file or directory tree if present (cleanup must be idempotent on resume). */
export async function removeIfPresent(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}
