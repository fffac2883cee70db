import { dirname } from 'node:path';
import { FleetcastError, toFleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { downloadOverBlob } from '../blob-download.js';
import type { DeploymentRecord } from '../deployment-record.js';
import { assertDownloadFits } from '../download-budget.js';
import { downloadOverHttp } from '../http-download.js';
import { PartialFile } from '../partial-file.js';
import type { StepContext } from './step-context.js';
import type { BundleSource } from '../../../protocols/messages/cmd/deploy.js';

/**
 * downloading: HTTP range download when the command carries `bundle.url` (falling back to the
 * blob transfer), else chunks over `blob/req`; every fsync'd offset is persisted for resume.
 */
export async function downloadStep(context: StepContext, record: DeploymentRecord): Promise<DeploymentRecord> {
  const bundle = record.bundle;
  if (!bundle) throw new FleetcastError('FC_ERR_UPDATE_STATE_CORRUPT', 'deploy without a bundle source');
  const path = context.store.downloadPath(record.deploymentId);
  await assertDownloadFits(dirname(path), bundle.size, record.downloadedBytes);
  const { file, offset } = await PartialFile.open(path, record.downloadedBytes);
  let current = { ...record, downloadedBytes: offset };
  const onChunk = (next: number): void => {
    current = { ...current, downloadedBytes: next };
    context.persistProgress(current);
  };
  try {
    await downloadSource({ source: bundle, transferId: record.deploymentId, file, offset: current.downloadedBytes, onChunk }, context);
    return current;
  } finally {
    await file.close();
  }
}

/** One download of a bundle source into a partial file (model bundles and agent images, issue #16). */
export interface SourceDownload {
  source: BundleSource;
  transferId: string;
  file: PartialFile;
  offset: number;
  onChunk(offset: number): void;
}

/**
 * HTTP range download when the source carries a `url` (falling back to the blob transfer),
 * else chunks over `blob/req`.
 */
export async function downloadSource(job: SourceDownload, context: Pick<StepContext, 'uplink' | 'sender' | 'logger' | 'http' | 'blob'>): Promise<void> {
  const { source, file, onChunk } = job;
  let offset = job.offset;
  const track = (next: number): void => {
    offset = next;
    onChunk(next);
  };
  if (source.url) {
    try {
      await downloadOverHttp({ url: source.url, size: source.size, file, offset, onChunk: track, logger: context.logger }, context.http);
      return;
    } catch (error) {
      // A refused credential is reported as such, not hidden behind the chunked fallback (issue #9).
      if (!context.uplink || toFleetcastError(error).code === 'FC_ERR_UPDATE_DOWNLOAD_REFUSED') throw error;
      context.logger.warn({ err: error }, 'HTTP download failed; falling back to blob transfer');
    }
  }
  if (!context.uplink) throw new FleetcastError('FC_ERR_UPDATE_DOWNLOAD_FAILED', 'no uplink for blob transfer');
  await downloadOverBlob({ uplink: context.uplink, sender: context.sender, transferId: job.transferId, sha256: source.sha256, size: source.size, file, offset, onChunk: track, logger: context.logger }, context.blob);
}
