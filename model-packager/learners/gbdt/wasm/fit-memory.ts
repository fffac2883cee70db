import { FleetcastError } from '../../../../protocols/errors/fleetcast-error.js';
import { binnedBytes, groupCount } from '../binning.js';
import { wasmApi, type WasmMemory } from './webassembly-api.js';

const PAGE_BYTES = 65_536;
/** wasm32 addresses at most 4 GiB. */
const MAX_PAGES = 65_536;
/** One 4-feature group histogram: 4 × 256 bins × (f64, f64). */
export const GROUP_HISTOGRAM_BYTES = 16_384;

/** Byte offsets of one worker's private regions in the shared memory. */
export interface WorkerRegions {
  orderedGrad: number;
  orderedHess: number;
  /** Scratch histogram for `groupsPerWorker` groups, written by the wasm kernels. */
  histogram: number;
}

/** Where everything lives in the shared memory of one fit. */
export interface FitMemoryLayout {
  nRows: number;
  nFeatures: number;
  /** Binned matrix (layout of `binOffset`). */
  bins: number;
  grad: number;
  hess: number;
  rows: number;
  workers: WorkerRegions[];
  totalBytes: number;
}

/**
 * Plans the single shared WebAssembly memory of a fit: the wasm histogram kernels can only
 * address their own linear memory, so the binned matrix, gradients and row partition live
 * there and JS reads them through typed-array views.
 */
export function planFitMemory(nRows: number, nFeatures: number, workerCount: number, groupsPerWorker: number): FitMemoryLayout {
  let cursor = 0;
  const take = (bytes: number): number => {
    const offset = cursor;
    cursor += Math.ceil(bytes / 16) * 16;
    return offset;
  };
  const bins = take(binnedBytes(nRows, nFeatures));
  const grad = take(4 * nRows);
  const hess = take(4 * nRows);
  const rows = take(4 * nRows);
  const workers = Array.from({ length: workerCount }, () => ({ orderedGrad: take(4 * nRows), orderedHess: take(4 * nRows), histogram: take(groupsPerWorker * GROUP_HISTOGRAM_BYTES) }));
  return { nRows, nFeatures, bins, grad, hess, rows, workers, totalBytes: cursor };
}

/** Allocates the planned memory; more than wasm32's 4 GiB is FC_ERR_TRAIN_INVALID_INPUT. */
export function createFitMemory(layout: FitMemoryLayout): WasmMemory {
  const pages = Math.ceil(layout.totalBytes / PAGE_BYTES) || 1;
  if (pages > MAX_PAGES) {
    throw new FleetcastError('FC_ERR_TRAIN_INVALID_INPUT', `${layout.nRows} rows × ${layout.nFeatures} features need ${layout.totalBytes} bytes, above the 4 GiB a wasm32 histogram kernel can address; train on a sample or in an external engine`);
  }
  return new wasmApi.Memory({ initial: pages, maximum: pages, shared: true });
}

/** Groups each of `workerCount` workers owns at most (groups are dealt round-robin). */
export function groupsPerWorker(nFeatures: number, workerCount: number): number {
  return Math.ceil(groupCount(nFeatures) / workerCount);
}
