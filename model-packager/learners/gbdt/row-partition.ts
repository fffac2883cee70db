import { binOffset, GROUP_WIDTH, MISSING_BIN } from './binning.js';
import type { Barrier } from './barrier.js';

/** Ints per split in a level task: parent id, start, end, feature, bin, missingGoesLeft, left id, right id. */
export const APPLY_STRIDE = 8;

/**
 * Stable partition of the row index array for every split of a level, shared by all
 * workers: each worker partitions its chunk of every node in place, then (after a barrier)
 * the worker owning a node moves the chunks' left parts before all right parts. Every worker
 * then derives the same child ranges from the shared per-chunk left counts.
 */
export class RowPartitioner {
  private readonly scratch: Uint32Array;
  private readonly goesLeft = new Uint8Array(MISSING_BIN + 1);

  constructor(
    /** Binned matrix bytes (layout of `binOffset`). */
    private readonly bytes: Uint8Array,
    private readonly rows: Uint32Array,
    private readonly nRows: number,
    /** Shared per-(split, worker) left counts. */
    private readonly leftCounts: Int32Array,
    private readonly workerIndex: number,
    private readonly workerCount: number,
    private readonly barrier: Barrier,
  ) {
    this.scratch = new Uint32Array(nRows);
  }

  /** Applies the splits; returns child boundaries (left start, middle, right end) per split. */
  apply(splits: Int32Array): Int32Array {
    const count = splits.length / APPLY_STRIDE;
    const W = this.workerCount;
    for (let k = 0; k < count; k += 1) {
      const o = k * APPLY_STRIDE;
      const [start, end] = this.chunk(splits[o + 1], splits[o + 2], this.workerIndex);
      this.leftCounts[k * W + this.workerIndex] = this.partitionChunk(start, end, splits[o + 3], splits[o + 4], splits[o + 5] === 1);
    }
    this.barrier.arrive();
    const bounds = new Int32Array(count * 3);
    for (let k = 0; k < count; k += 1) {
      const o = k * APPLY_STRIDE;
      let left = 0;
      for (let w = 0; w < W; w += 1) left += this.leftCounts[k * W + w];
      bounds.set([splits[o + 1], splits[o + 1] + left, splits[o + 2]], k * 3);
      if (W > 1 && k % W === this.workerIndex) this.mergeChunks(splits[o + 1], splits[o + 2], k);
    }
    this.barrier.arrive();
    return bounds;
  }

  private chunk(start: number, end: number, worker: number): [number, number] {
    const length = end - start;
    return [start + Math.floor((length * worker) / this.workerCount), start + Math.floor((length * (worker + 1)) / this.workerCount)];
  }

  /**
   * Left rows to the front of [start, end), right rows after them, order kept. Branch-free
   * (direction table, unconditional writes): left/right is a coin flip to the branch predictor.
   */
  private partitionChunk(start: number, end: number, feature: number, bin: number, missingLeft: boolean): number {
    const { rows, scratch, bytes, goesLeft } = this;
    goesLeft.fill(0);
    goesLeft.fill(1, 0, bin + 1);
    goesLeft[MISSING_BIN] = missingLeft ? 1 : 0;
    const offset = binOffset(feature, this.nRows);
    let write = start;
    let spilled = 0;
    for (let i = start; i < end; i += 1) {
      const row = rows[i];
      const left = goesLeft[bytes[offset + GROUP_WIDTH * row]];
      rows[write] = row;
      scratch[spilled] = row;
      write += left;
      spilled += 1 - left;
    }
    rows.set(scratch.subarray(0, spilled), write);
    return write - start;
  }

  /** [L0 R0 L1 R1 …] → [L0 L1 … R0 R1 …] for one node. */
  private mergeChunks(start: number, end: number, split: number): void {
    const { rows, scratch } = this;
    let rightCount = 0;
    let write = start;
    for (let w = 0; w < this.workerCount; w += 1) {
      const [chunkStart, chunkEnd] = this.chunk(start, end, w);
      const left = this.leftCounts[split * this.workerCount + w];
      scratch.set(rows.subarray(chunkStart + left, chunkEnd), rightCount);
      rightCount += chunkEnd - chunkStart - left;
      rows.copyWithin(write, chunkStart, chunkStart + left);
      write += left;
    }
    rows.set(scratch.subarray(0, rightCount), write);
  }
}
