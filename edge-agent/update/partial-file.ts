import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The partial download of a bundle. Bytes past the persisted offset may be garbage after a
 * crash (written, not yet fsync'd or recorded), so opening truncates to the offset the state
 * store vouches for; a chunk counts only after `sync()` and the offset write that follows it.
 */
export class PartialFile {
  private constructor(private readonly handle: FileHandle) {}

  /**
   * Opens (creating) `path` and cuts it to `validBytes`, the last persisted good offset. When
   * the file is shorter than that (lost on disk) the download restarts from what is there;
   * the returned `offset` is where to continue.
   */
  static async open(path: string, validBytes: number): Promise<{ file: PartialFile; offset: number }> {
    await mkdir(dirname(path), { recursive: true });
    await (await open(path, 'a')).close();
    const handle = await open(path, 'r+');
    const { size } = await handle.stat();
    const offset = Math.min(size, validBytes);
    if (size !== offset) await handle.truncate(offset);
    return { file: new PartialFile(handle), offset };
  }

  /** Writes `bytes` at `offset` (not yet durable). */
  async writeAt(offset: number, bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written, offset + written);
      written += bytesWritten;
    }
  }

  /** Cuts the file back (the server ignored `Range` and sends from 0). */
  async truncate(length: number): Promise<void> {
    await this.handle.truncate(length);
  }

  /** fsyncs what was written. */
  async sync(): Promise<void> {
    await this.handle.sync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
