import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { backoffDelayMs, type BackoffPolicy } from '../../protocols/runtime/backoff.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { PartialFile } from './partial-file.js';

/** Tuning of HTTP range downloads. */
export interface HttpTransferOptions {
  /** Bytes written between fsync + offset records (the most a crash can cost). */
  syncEveryBytes: number;
  /** Abort a request that delivers nothing for this long, then resume. */
  idleTimeoutMs: number;
  /** Requests in a row that brought no new bytes (each resuming where the last stopped) before the download fails. */
  maxAttempts: number;
  /** Wait between attempts: capped exponential backoff with jitter, never five requests at once. */
  retry: BackoffPolicy;
  /**
   * The device's credential, sent as HTTP Basic `deviceId:secret` — the same login as on MQTT,
   * which the controller's bundle route requires (issue #9 finding 10). Absent for offline installs.
   */
  credentials?: { username: string; password: string };
}

/** One HTTP download of a bundle into a partial file. */
export interface HttpDownloadJob {
  url: string;
  size: number;
  file: PartialFile;
  offset: number;
  onChunk(offset: number): void;
  logger: Logger;
}

function requestHeaders(offset: number, credentials: HttpTransferOptions['credentials']): Record<string, string> {
  const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
  if (credentials) headers.Authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}`;
  return headers;
}

/**
 * Fetches the rest of the body from `offset` with `Range: bytes=offset-` (RFC 9110 §14.2) and
 * the device's Basic credential, and writes it through the partial file, fsyncing and recording
 * the offset every `syncEveryBytes`. A server that ignores `Range` (200) makes the download
 * start over from 0. 401/403 fail at once with FC_ERR_UPDATE_DOWNLOAD_REFUSED: the same
 * credential would be refused again. Anything else non-2xx or a stalled body is a failed
 * attempt; the next one resumes after a backoff, and an attempt that brought bytes resets the count.
 */
export async function downloadOverHttp(job: HttpDownloadJob, options: HttpTransferOptions): Promise<void> {
  let offset = job.offset;
  let lastProblem = '';
  for (let attempt = 1; attempt <= options.maxAttempts && offset < job.size; attempt += 1) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(options.retry, attempt - 2)));
    const startedAt = offset;
    // Bytes received but not yet written, fsync'd and recorded; kept across a cut (below).
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const commit = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const bytes = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      if (offset + bytes.length > job.size) throw new FleetcastError('FC_ERR_UPDATE_BUNDLE_HASH_MISMATCH', `server sent more than ${job.size} bytes`);
      await job.file.writeAt(offset, bytes);
      await job.file.sync();
      offset += bytes.length;
      job.onChunk(offset);
    };
    const controller = new AbortController();
    let idle = setTimeout(() => controller.abort(), options.idleTimeoutMs);
    const touch = (): void => {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), options.idleTimeoutMs);
    };
    try {
      const response = await fetch(job.url, { headers: requestHeaders(offset, options.credentials), signal: controller.signal });
      if (response.status === 401 || response.status === 403) {
        throw new FleetcastError('FC_ERR_UPDATE_DOWNLOAD_REFUSED', `${job.url}: HTTP ${response.status}${options.credentials ? '' : ' (no device credential configured)'}`, { status: response.status });
      }
      if (response.status === 200 && offset > 0) {
        offset = 0;
        await job.file.truncate(0);
        job.onChunk(0);
      } else if (response.status !== 200 && response.status !== 206) {
        throw new Error(`HTTP ${response.status}`);
      } else if (response.status === 206 && !(response.headers.get('content-range') ?? '').startsWith(`bytes ${offset}-`)) {
        throw new Error(`content-range ${response.headers.get('content-range')} does not start at ${offset}`);
      }
      if (!response.body) throw new Error('no body');
      for await (const chunk of response.body) {
        touch();
        pending.push(Buffer.from(chunk));
        pendingBytes += chunk.length;
        if (pendingBytes >= options.syncEveryBytes) await commit();
      }
      await commit();
    } catch (error) {
      if (error instanceof FleetcastError) throw error;
      // What arrived before the cut counts: the next request resumes after it (issue #9).
      await commit();
      lastProblem = error instanceof Error ? error.message : String(error);
      job.logger.warn({ url: job.url, offset, attempt, problem: lastProblem }, 'HTTP download interrupted; resuming');
    } finally {
      clearTimeout(idle);
    }
    // Progress means the link works: only attempts in a row without new bytes count.
    if (offset > startedAt) attempt = 0;
  }
  if (offset < job.size) throw new FleetcastError('FC_ERR_UPDATE_DOWNLOAD_FAILED', `${job.url}: ${lastProblem || 'body ended early'}`, { offset, size: job.size });
}
