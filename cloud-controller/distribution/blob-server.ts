import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { BlobChunk, BlobRequest, BlobResponseMessage } from '../../protocols/messages/blob.js';
import { envelope } from '../../protocols/messages/envelope-factory.js';
import type { Sender } from '../../protocols/envelope.js';
import type { BundleLocator } from './bundle-locator.js';

/** Limits of chunked distribution over MQTT. */
export interface BlobServerOptions {
  locate: BundleLocator;
  /** Transfers served at once across the fleet; more get FC_ERR_BLOB_BUSY and retry (issue #6). */
  maxConcurrentTransfers: number;
  /** A transfer with no request for this long no longer counts as active (device went away). */
  transferIdleMs: number;
  sender: Sender;
  now?: () => number;
}

interface ActiveTransfer {
  lastRequestAt: number;
}

/**
 * Answers `blob/req` chunk requests from the artifact store (issue #6 "Bundle distribution"):
 * each chunk travels base64 with its own sha256, so a device discards a corrupted chunk and asks
 * again, and it resumes from any offset after a reconnect. A transfer is active from its first
 * request until it fetches the last byte or goes idle; beyond `maxConcurrentTransfers` new
 * transfers are refused with a coded busy error instead of queueing unbounded reads.
 */
export class BlobServer {
  private readonly active = new Map<string, ActiveTransfer>();
  private readonly now: () => number;
  private sent = 0;

  constructor(private readonly options: BlobServerOptions) {
    if (!(options.maxConcurrentTransfers >= 1)) throw new FleetcastError('FC_ERR_INVALID_CONFIG', 'maxConcurrentTransfers must be ≥ 1');
    this.now = options.now ?? Date.now;
  }

  /** Bundle bytes sent in chunks since start (Prometheus, issue #14). */
  bytesSent(): number {
    return this.sent;
  }

  /** Number of transfers currently counted against the bound. */
  activeTransfers(): number {
    this.expireIdle();
    return this.active.size;
  }

  /** The reply to one request: a chunk, or a coded error reply (never throws for bad requests). */
  async answer(deviceId: string, request: BlobRequest): Promise<BlobResponseMessage> {
    try {
      return await this.chunk(deviceId, request);
    } catch (error) {
      const coded = error instanceof FleetcastError ? error : new FleetcastError('FC_ERR_INTERNAL', (error as Error).message);
      return { ...envelope(this.options.sender), type: 'error', requestId: request.transferId, code: coded.code, message: coded.message };
    }
  }

  private async chunk(deviceId: string, request: BlobRequest): Promise<BlobChunk> {
    const bundle = this.options.locate(request.sha256);
    if (!bundle) throw new FleetcastError('FC_ERR_BLOB_NOT_FOUND', request.sha256, { sha256: request.sha256 });
    if (request.offset >= bundle.size) throw new FleetcastError('FC_ERR_BLOB_RANGE', `offset ${request.offset} ≥ size ${bundle.size}`, { size: bundle.size });
    const key = `${deviceId}\u0000${request.transferId}`;
    this.expireIdle();
    if (!this.active.has(key) && this.active.size >= this.options.maxConcurrentTransfers) {
      throw new FleetcastError('FC_ERR_BLOB_BUSY', `${this.active.size} transfers active`, { active: this.active.size });
    }
    this.active.set(key, { lastRequestAt: this.now() });
    const length = Math.min(request.length, bundle.size - request.offset);
    const data = Buffer.alloc(length);
    const handle = await open(bundle.path, 'r');
    try {
      const { bytesRead } = await handle.read(data, 0, length, request.offset);
      if (bytesRead !== length) throw new FleetcastError('FC_ERR_INTERNAL', `short read of ${request.sha256}`);
    } finally {
      await handle.close();
    }
    this.sent += length;
    if (request.offset + length >= bundle.size) this.active.delete(key);
    return {
      ...envelope(this.options.sender),
      type: 'blob-chunk',
      transferId: request.transferId,
      sha256: request.sha256,
      offset: request.offset,
      total: bundle.size,
      data: data.toString('base64'),
      chunkSha256: createHash('sha256').update(data).digest('hex'),
    };
  }

  private expireIdle(): void {
    const cutoff = this.now() - this.options.transferIdleMs;
    for (const [key, transfer] of this.active) if (transfer.lastRequestAt < cutoff) this.active.delete(key);
  }
}
