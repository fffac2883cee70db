import { Worker } from 'node:worker_threads';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { BARRIER_SLOTS } from './barrier.js';
import { groupCount } from './binning.js';
import { HistogramKernel, SPLIT_STRIDE, type KernelInit, type LevelTask } from './histogram-kernel.js';

const workerUrl = new URL('./histogram-worker.js', import.meta.url);

/** Pending reply of one worker. */
interface Pending {
  resolve: (value: Float64Array) => void;
  reject: (error: Error) => void;
}

/**
 * Runs histogram kernels over disjoint feature groups — in `workers` threads, or in-process
 * when `workers` is 0 — and merges their per-node best splits. Groups are dealt round-robin.
 */
export class HistogramPool {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<Worker, Pending>();
  private readonly localKernel: HistogramKernel | undefined;
  private failure: Error | undefined;
  private closing = false;

  /**
   * `init.layout` must have one worker region per kernel (`kernelCount(…)`);
   * `maxSplitsPerLevel` sizes the shared partition counts (2^(maxDepth−1) for level-wise trees).
   */
  constructor(init: Omit<KernelInit, 'ownedGroups' | 'workerIndex' | 'workerCount' | 'control'>, workerCount: number, maxSplitsPerLevel: number) {
    const groups = groupCount(init.nFeatures);
    const count = kernelCount(init.nFeatures, workerCount);
    const control = new SharedArrayBuffer(4 * (BARRIER_SLOTS + maxSplitsPerLevel * count));
    if (workerCount === 0) {
      this.localKernel = new HistogramKernel({ ...init, control, workerIndex: 0, workerCount: 1, ownedGroups: range(0, groups, 1) });
      return;
    }
    for (let w = 0; w < count; w += 1) {
      const worker = new Worker(workerUrl, { workerData: { ...init, control, workerIndex: w, workerCount: count, ownedGroups: range(w, groups, count) } });
      worker.on('message', (result: Float64Array) => this.settle(worker, undefined, result));
      worker.on('error', (error) => this.settle(worker, error));
      worker.on('exit', (code) => {
        if (code !== 0 && !this.closing) this.settle(worker, new Error(`histogram worker exited with code ${code}`));
      });
      this.workers.push(worker);
    }
  }

  /** Best split per node of the level (SPLIT_STRIDE values per node; gain −Infinity = no split). */
  async processLevel(task: LevelTask): Promise<Float64Array> {
    if (this.localKernel) return this.localKernel.processLevel(task);
    if (this.failure) throw this.failure;
    const results = await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<Float64Array>((resolve, reject) => {
            this.pending.set(worker, { resolve, reject });
            worker.postMessage(task);
          }),
      ),
    );
    const merged = results[0];
    for (let w = 1; w < results.length; w += 1) {
      const other = results[w];
      for (let o = 0; o < merged.length; o += SPLIT_STRIDE) {
        const better = other[o] > merged[o] || (other[o] === merged[o] && other[o] > -Infinity && other[o + 1] < merged[o + 1]);
        if (better) merged.set(other.subarray(o, o + SPLIT_STRIDE), o);
      }
    }
    return merged;
  }

  /** Stops the worker threads. */
  async close(): Promise<void> {
    this.closing = true;
    const workers = this.workers.splice(0);
    await Promise.all(workers.map((worker) => worker.terminate()));
  }

  private settle(worker: Worker, error: Error | undefined, result?: Float64Array): void {
    const pending = this.pending.get(worker);
    this.pending.delete(worker);
    if (error) {
      this.failure = new FleetcastError('FC_ERR_TRAIN_WORKER_FAILED', error.message, undefined, { cause: error });
      pending?.reject(this.failure);
      for (const [other, waiting] of this.pending) {
        this.pending.delete(other);
        waiting.reject(this.failure);
      }
    } else if (result) {
      pending?.resolve(result);
    }
  }
}

/** Kernels a pool runs: one in-process for `workers: 0`, else one per worker, at most one per feature group. */
export function kernelCount(nFeatures: number, workerCount: number): number {
  return Math.max(1, Math.min(workerCount, groupCount(nFeatures)));
}

function range(start: number, end: number, step: number): number[] {
  const values: number[] = [];
  for (let i = start; i < end; i += step) values.push(i);
  return values;
}
