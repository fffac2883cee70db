import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';

/** A file written in chunks with back-pressure, hashing the bytes as they go (generator and `data aggregate`). */
export interface HashedWriter {
  write(text: string): Promise<void>;
  /** Flushes and closes; returns the sha256 of everything written. */
  finish(): Promise<string>;
  /** Closes without finishing (after a failure). */
  destroy(): void;
}

/** Opens `path` for writing; an unopenable path is FC_ERR_DATA_WRITE_FAILED. */
export async function openHashedWriter(path: string): Promise<HashedWriter> {
  const output = createWriteStream(path);
  try {
    await once(output, 'open');
  } catch (error) {
    throw new FleetcastError('FC_ERR_DATA_WRITE_FAILED', path, { path }, { cause: error });
  }
  const hash = createHash('sha256');
  let streamError: unknown;
  output.on('error', (error) => (streamError = error));
  return {
    async write(text) {
      if (streamError) throw streamError;
      hash.update(text);
      if (!output.write(text)) await once(output, 'drain');
    },
    async finish() {
      output.end();
      if (!output.writableFinished) await once(output, 'finish');
      if (streamError) throw streamError;
      return hash.digest('hex');
    },
    destroy() {
      output.destroy();
    },
  };
}
