import { createHash, randomUUID } from 'node:crypto';
import type { Sender } from '../../protocols/envelope.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { BLOB_MAX_CHUNK_BYTES, blobResponseMessageSchema, type BlobChunk, type BlobRequest } from '../../protocols/messages/blob.js';
import type { ErrorReply } from '../../protocols/messages/error-reply.js';
import { PROTOCOL_VERSION } from '../../protocols/version.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { UplinkPort } from '../ports.js';
import type { PartialFile } from './partial-file.js';
import { holdForTest } from './test-hold.js';

/** Tuning of chunked transfers over `blob/req|res`. */
export interface BlobTransferOptions {
  /** Bytes asked per request (≤ BLOB_MAX_CHUNK_BYTES, the AWS IoT-safe size). */
  chunkBytes: number;
  /** How long to wait for one chunk before asking again. */
  chunkTimeoutMs: number;
  /** Attempts per chunk (timeouts, corrupted chunks, error replies) before the download fails. */
  maxAttemptsPerChunk: number;
}

/** One blob download: what to fetch, where to put it, whom to tell about progress. */
export interface BlobDownloadJob {
  uplink: UplinkPort;
  sender: Sender;
  transferId: string;
  sha256: string;
  size: number;
  file: PartialFile;
  /** First byte still missing (the persisted offset). */
  offset: number;
  /** Persists the new good offset; called after each chunk is fsync'd. */
  onChunk(offset: number): void;
  logger: Logger;
}

type Reply = { kind: 'chunk'; chunk: BlobChunk } | { kind: 'error'; reply: ErrorReply } | { kind: 'timeout' };

/** Why a chunk is unusable, or null when it is good. */
function chunkProblem(chunk: BlobChunk, data: Buffer, expectedLength: number, size: number): string | null {
  if (chunk.total !== size) return `total ${chunk.total} ≠ ${size}`;
  if (data.length !== expectedLength) return `length ${data.length} ≠ ${expectedLength}`;
  if (createHash('sha256').update(data).digest('hex') !== chunk.chunkSha256) return 'chunkSha256 mismatch';
  return null;
}

/**
 * Downloads a bundle chunk by chunk over the device's `blob/req` and `blob/res` channels
 * (DESIGN "MQTT contract": resumable, ≤ 96 KiB on the wire). One chunk is in flight at a time;
 * each is checked against its `chunkSha256` and asked for again when corrupted, late or
 * answered with an error. A chunk is written, fsync'd and only then recorded as the new
 * offset, so a crash resumes from the last good chunk.
 */
export async function downloadOverBlob(job: BlobDownloadJob, options: BlobTransferOptions): Promise<void> {
  const chunkBytes = Math.min(options.chunkBytes, BLOB_MAX_CHUNK_BYTES);
  let waiting: { offset: number; requestId: string; settle(reply: Reply): void } | null = null;
  const unsubscribe = job.uplink.subscribe('blob/res', (message) => {
    const parsed = blobResponseMessageSchema.safeParse(message);
    if (!parsed.success || !waiting) return;
    const response = parsed.data;
    if (response.type === 'blob-chunk' && response.transferId === job.transferId && response.offset === waiting.offset) waiting.settle({ kind: 'chunk', chunk: response });
    else if (response.type === 'error' && response.requestId === waiting.requestId) waiting.settle({ kind: 'error', reply: response });
  });
  try {
    let offset = job.offset;
    while (offset < job.size) {
      const length = Math.min(chunkBytes, job.size - offset);
      let attempt = 0;
      for (;;) {
        attempt += 1;
        const request: BlobRequest = { v: PROTOCOL_VERSION.wire, id: randomUUID(), ts: new Date().toISOString(), sender: job.sender, type: 'blob-request', transferId: job.transferId, sha256: job.sha256, offset, length };
        const reply = await new Promise<Reply>((resolve) => {
          const timer = setTimeout(() => resolve({ kind: 'timeout' }), options.chunkTimeoutMs);
          waiting = {
            offset,
            requestId: request.id,
            settle: (value) => {
              clearTimeout(timer);
              waiting = null;
              resolve(value);
            },
          };
          job.uplink.publish('blob/req', request).catch((error: unknown) => job.logger.warn({ err: error }, 'blob request not sent'));
        });
        const problem = reply.kind === 'chunk' ? chunkProblem(reply.chunk, Buffer.from(reply.chunk.data, 'base64'), length, job.size) : reply.kind === 'error' ? reply.reply.code : 'timeout';
        if (problem === null && reply.kind === 'chunk') {
          const data = Buffer.from(reply.chunk.data, 'base64');
          const half = Math.floor(data.length / 2);
          await job.file.writeAt(offset, data.subarray(0, half));
          await holdForTest(`downloading:mid-chunk@${offset}`);
          await job.file.writeAt(offset + half, data.subarray(half));
          await job.file.sync();
          offset += data.length;
          job.onChunk(offset);
          break;
        }
        job.logger.warn({ offset, attempt, problem }, 'blob chunk unusable; asking again');
        if (attempt >= options.maxAttemptsPerChunk) throw new FleetcastError('FC_ERR_UPDATE_DOWNLOAD_FAILED', `chunk at ${offset}: ${problem}`, { offset, attempts: attempt, problem });
      }
    }
  } finally {
    unsubscribe();
  }
}
