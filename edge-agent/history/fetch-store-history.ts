import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sender } from '../../protocols/envelope.js';
import { FleetcastError, toFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { storeHistoryActuals, storeHistoryFileSchema, type StoreHistorySource } from '../../protocols/features/store-history-file.js';
import type { HistoryActual } from '../../protocols/features/sales-history.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { UplinkPort } from '../ports.js';
import { downloadOverBlob, type BlobTransferOptions } from '../update/blob-download.js';
import { PartialFile } from '../update/partial-file.js';

/** One store-history fetch: the deploy command's source and where to put the download. */
export interface StoreHistoryFetch {
  uplink: UplinkPort;
  sender: Sender;
  source: StoreHistorySource;
  /** Scratch directory (the file is removed afterwards). */
  dir: string;
  logger: Logger;
  blob: BlobTransferOptions;
}

/**
 * Downloads a store-history blob over `blob/req|res` (the bundle transfer: chunked, each chunk
 * checked), then checks the whole file's size and sha256 against the deploy command and its
 * schema (FC_ERR_AGENT_HISTORY_INVALID) before any row is used (issue #10).
 */
export async function fetchStoreHistory(job: StoreHistoryFetch): Promise<HistoryActual[]> {
  const { source } = job;
  const path = join(job.dir, `history-${source.sha256}.part`);
  const { file, offset } = await PartialFile.open(path, 0);
  try {
    await downloadOverBlob({ uplink: job.uplink, sender: job.sender, transferId: `history-${source.sha256.slice(0, 16)}`, sha256: source.sha256, size: source.size, file, offset, onChunk: () => undefined, logger: job.logger }, job.blob);
  } finally {
    await file.close();
  }
  try {
    const bytes = await readFile(path);
    if (bytes.length !== source.size || createHash('sha256').update(bytes).digest('hex') !== source.sha256) {
      throw new FleetcastError('FC_ERR_AGENT_HISTORY_INVALID', `history blob is not ${source.sha256} (${source.size} bytes)`);
    }
    let parsed;
    try {
      parsed = storeHistoryFileSchema.parse(JSON.parse(bytes.toString('utf8')));
    } catch (error) {
      throw new FleetcastError('FC_ERR_AGENT_HISTORY_INVALID', `history blob ${source.sha256} does not match its schema`, undefined, { cause: toFleetcastError(error) });
    }
    if (parsed.store !== source.store) throw new FleetcastError('FC_ERR_AGENT_HISTORY_INVALID', `history blob holds store ${parsed.store}, command names ${source.store}`);
    return storeHistoryActuals(parsed);
  } finally {
    await rm(path, { force: true });
  }
}
