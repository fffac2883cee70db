import { Barrier, BARRIER_SLOTS } from './barrier.js';
import { binnedBytes, GROUP_WIDTH, MISSING_BIN } from './binning.js';
import { APPLY_STRIDE, RowPartitioner } from './row-partition.js';
import { GROUP_HISTOGRAM_BYTES, type FitMemoryLayout, type WorkerRegions } from './wasm/fit-memory.js';
import { instantiateHistogramKernels, type HistogramExports } from './wasm/histogram-module.js';
import type { WasmMemory } from './wasm/webassembly-api.js';

/** Histogram slots per feature: value bins 0…254 plus the missing bin 255, each a (grad, hess) pair. */
const FEATURE_STRIDE = (MISSING_BIN + 1) * 2;
const GROUP_STRIDE = FEATURE_STRIDE * GROUP_WIDTH;

/** Values per node in a level result: gain, feature, bin, missingGoesLeft, GL, HL, GR, HR, start, end. */
export const SPLIT_STRIDE = 10;

/** What a kernel shares with the tree builder and the other kernels of the same fit. */
export interface KernelInit {
  /**
   * Shared memory of the fit holding, at `layout` offsets, the binned matrix, the float32
   * gradients and hessians (rewritten by the builder every round) and the Uint32 row index
   * array in which every node owns the contiguous range [start, end).
   */
  memory: WasmMemory;
  layout: FitMemoryLayout;
  /** Int32 barrier slots followed by the per-(split, worker) left counts of the row partition. */
  control: SharedArrayBuffer;
  nRows: number;
  nFeatures: number;
  /** 4-feature groups whose histograms this kernel builds (feature-parallel split between workers). */
  ownedGroups: number[];
  /** This kernel's index among `workerCount` kernels (row chunks of the partition). */
  workerIndex: number;
  workerCount: number;
  /** Value bins per feature (all features). */
  binCounts: number[];
  lambda: number;
  minChildWeight: number;
}

/** One level of one tree. */
export interface LevelTask {
  /** APPLY_STRIDE ints per split chosen in the previous level; empty for the root level. */
  apply: Int32Array;
  /** The root's row range [rootStart, rootEnd) when `apply` is empty (root id 0). */
  rootStart: number;
  rootEnd: number;
  /** Gradient and hessian sums (G, H) per node of this level: the root, or left then right child per split. */
  sums: Float64Array;
  /** 1 where the feature is sampled for this tree (column subsampling). */
  activeFeatures: Uint8Array;
  /** The root's rows are 0 … nRows−1 in order (no row subsampling): read them without the index. */
  identityRoot: boolean;
  /** False when the level's nodes are final leaves: only partition the rows. */
  findSplits: boolean;
}

/** A node of the current level as the kernel sees it. */
interface LevelNode {
  id: number;
  start: number;
  end: number;
  build: boolean;
  parent: number;
  sibling: number;
}

/**
 * Builds gradient histograms for its own feature groups and finds each node's best split
 * among them. The same class runs inside a worker thread or, with `workers: 0`, in-process.
 * Histograms of the smaller child are built from rows; the larger sibling is the parent
 * minus it (the subtraction trick), computed in place in the parent's buffer.
 */
export class HistogramKernel {
  private readonly wasm: HistogramExports;
  private readonly regions: WorkerRegions;
  /** View of this worker's wasm scratch histogram. */
  private readonly scratch: Float64Array;
  private histograms = new Map<number, Float64Array>();
  private readonly freeHistograms: Float64Array[] = [];
  private readonly partitioner: RowPartitioner;

  constructor(private readonly init: KernelInit) {
    const { memory, layout } = init;
    this.wasm = instantiateHistogramKernels(memory);
    this.regions = layout.workers[init.workerIndex];
    this.scratch = new Float64Array(memory.buffer, this.regions.histogram, init.ownedGroups.length * GROUP_STRIDE);
    const control = new Int32Array(init.control);
    this.partitioner = new RowPartitioner(
      new Uint8Array(memory.buffer, layout.bins, binnedBytes(layout.nRows, layout.nFeatures)),
      new Uint32Array(memory.buffer, layout.rows, layout.nRows),
      layout.nRows,
      control.subarray(BARRIER_SLOTS),
      init.workerIndex,
      init.workerCount,
      new Barrier(control, 0, init.workerCount),
    );
  }

  /**
   * Partitions the rows of the previous level's splits, builds histograms for every node of
   * this level (smaller child from rows, larger = parent − smaller) and returns each node's
   * best split among this kernel's features plus its row range (SPLIT_STRIDE values per node).
   */
  processLevel(task: LevelTask): Float64Array {
    const nodes = this.levelNodes(task);
    const result = new Float64Array(nodes.length * SPLIT_STRIDE);
    nodes.forEach((node, k) => {
      result[k * SPLIT_STRIDE] = -Infinity;
      result[k * SPLIT_STRIDE + 8] = node.start;
      result[k * SPLIT_STRIDE + 9] = node.end;
    });
    const previous = this.histograms;
    const current = new Map<number, Float64Array>();
    if (task.findSplits) {
      const groups = this.activeGroups(task.activeFeatures);
      for (const node of nodes) {
        if (!node.build) continue;
        const histogram = this.freeHistograms.pop() ?? new Float64Array(this.init.ownedGroups.length * GROUP_STRIDE);
        this.build(histogram, groups, node.start, node.end, task.identityRoot);
        current.set(node.id, histogram);
      }
      for (const node of nodes) {
        if (node.build) continue;
        const parent = previous.get(node.parent);
        const sibling = current.get(node.sibling);
        if (!parent || !sibling) throw new Error(`histogram of node ${node.parent} or ${node.sibling} is missing`);
        previous.delete(node.parent);
        for (const k of groups) {
          for (let i = k * GROUP_STRIDE, end = (k + 1) * GROUP_STRIDE; i < end; i += 1) parent[i] -= sibling[i];
        }
        current.set(node.id, parent);
      }
      nodes.forEach((node, k) => {
        const histogram = current.get(node.id);
        if (histogram) this.bestSplit(histogram, groups, task.sums[2 * k], task.sums[2 * k + 1], task.activeFeatures, result, k * SPLIT_STRIDE);
      });
    }
    for (const unused of previous.values()) this.freeHistograms.push(unused);
    this.histograms = current;
    return result;
  }

  /** The level's nodes: the root, or both children of every applied split (rows partitioned first). */
  private levelNodes(task: LevelTask): LevelNode[] {
    if (task.apply.length === 0) return [{ id: 0, start: task.rootStart, end: task.rootEnd, build: true, parent: -1, sibling: -1 }];
    const bounds = this.partitioner.apply(task.apply);
    const nodes: LevelNode[] = [];
    for (let k = 0; k < bounds.length / 3; k += 1) {
      const [start, middle, end] = [bounds[3 * k], bounds[3 * k + 1], bounds[3 * k + 2]];
      const o = k * APPLY_STRIDE;
      const [parent, leftId, rightId] = [task.apply[o], task.apply[o + 6], task.apply[o + 7]];
      const buildLeft = middle - start <= end - middle;
      nodes.push({ id: leftId, start, end: middle, build: buildLeft, parent, sibling: rightId }, { id: rightId, start: middle, end, build: !buildLeft, parent, sibling: leftId });
    }
    return nodes;
  }

  /** Local indices (into `ownedGroups`) of groups with at least one feature sampled for this tree. */
  private activeGroups(active: Uint8Array): number[] {
    const local: number[] = [];
    this.init.ownedGroups.forEach((group, k) => {
      for (let j = 0; j < GROUP_WIDTH; j += 1) {
        if (active[group * GROUP_WIDTH + j] === 1) {
          local.push(k);
          return;
        }
      }
    });
    return local;
  }

  /** Histograms of the node's rows for the active groups, accumulated by the wasm kernels (histogram.wat). */
  private build(histogram: Float64Array, groups: number[], start: number, end: number, identity: boolean): void {
    const count = end - start;
    const { layout, ownedGroups } = this.init;
    const { orderedGrad, orderedHess } = this.regions;
    const rows = layout.rows + 4 * start;
    // Gather the node's gradients once into partition order (LightGBM's "ordered gradients")
    // so the per-group passes read them sequentially.
    if (!identity) this.wasm.gather(rows, layout.grad, layout.hess, count, orderedGrad, orderedHess);
    for (const k of groups) {
      const words = layout.bins + ownedGroups[k] * layout.nRows * GROUP_WIDTH;
      const target = this.regions.histogram + k * GROUP_HISTOGRAM_BYTES;
      this.scratch.fill(0, k * GROUP_STRIDE, (k + 1) * GROUP_STRIDE);
      if (identity) this.wasm.build(words, rows, layout.grad, layout.hess, count, target, 1);
      else this.wasm.build(words, rows, orderedGrad, orderedHess, count, target, 0);
      histogram.set(this.scratch.subarray(k * GROUP_STRIDE, (k + 1) * GROUP_STRIDE), k * GROUP_STRIDE);
    }
  }

  /**
   * XGBoost's split gain ½·(G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)), trying the missing bin on
   * both sides (learned default direction). When the node has no missing rows, missing values
   * seen later follow the child with more hessian weight. Strict `>` keeps the first best
   * (lowest feature, lowest bin), so the result is the same whatever the worker split.
   */
  private bestSplit(histogram: Float64Array, groups: number[], G: number, H: number, active: Uint8Array, out: Float64Array, o: number): void {
    const { lambda, minChildWeight, nFeatures, binCounts, ownedGroups } = this.init;
    let bestScore = -Infinity;
    out[o] = -Infinity;
    for (const k of groups) {
      for (let j = 0; j < GROUP_WIDTH; j += 1) {
        const feature = ownedGroups[k] * GROUP_WIDTH + j;
        if (feature >= nFeatures || active[feature] === 0 || binCounts[feature] < 2) continue;
        const base = k * GROUP_STRIDE + j * FEATURE_STRIDE;
        const missingG = histogram[base + 2 * MISSING_BIN];
        const missingH = histogram[base + 2 * MISSING_BIN + 1];
        const sides = missingH > 0 ? 2 : 1;
        let cumG = 0;
        let cumH = 0;
        for (let t = 0; t < binCounts[feature] - 1; t += 1) {
          cumG += histogram[base + 2 * t];
          cumH += histogram[base + 2 * t + 1];
          for (let side = 0; side < sides; side += 1) {
            const GL = side === 1 ? cumG + missingG : cumG;
            const HL = side === 1 ? cumH + missingH : cumH;
            const GR = G - GL;
            const HR = H - HL;
            if (HL < minChildWeight || HR < minChildWeight || HL <= 0 || HR <= 0) continue;
            const score = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda);
            if (score > bestScore) {
              bestScore = score;
              out[o + 1] = feature;
              out[o + 2] = t;
              out[o + 3] = sides === 2 ? side : HL >= HR ? 1 : 0;
              out[o + 4] = GL;
              out[o + 5] = HL;
              out[o + 6] = GR;
              out[o + 7] = HR;
            }
          }
        }
      }
    }
    if (bestScore > -Infinity) out[o] = 0.5 * (bestScore - (G * G) / (H + lambda));
  }
}
