import { GROUP_WIDTH, MISSING_BIN } from './binning.js';

/** Histogram slots per feature: value bins 0…254 plus the missing bin 255, each a (grad, hess) pair. */
const FEATURE_STRIDE = (MISSING_BIN + 1) * 2;
const GROUP_STRIDE = FEATURE_STRIDE * GROUP_WIDTH;

/** Values per node in a level result: gain, feature, bin, missingGoesLeft, GL, HL, GR, HR. */
export const SPLIT_STRIDE = 8;
/** Ints per node in a level task: id, start, end, build (1) or subtract (0), parent id, sibling id. */
export const NODE_STRIDE = 6;

/** What a kernel shares with the tree builder: the binned matrix, gradients and the row partition. */
export interface KernelInit {
  /** Binned matrix in the grouped column-major layout of `binOffset` (binning.ts). */
  bins: SharedArrayBuffer;
  /** Float32 gradient and hessian per row, rewritten by the builder every round. */
  grad: SharedArrayBuffer;
  hess: SharedArrayBuffer;
  /** Uint32 row indices; every node owns the contiguous range [start, end). */
  rows: SharedArrayBuffer;
  nRows: number;
  nFeatures: number;
  /** 4-feature groups whose histograms this kernel builds (feature-parallel split between workers). */
  ownedGroups: number[];
  /** Value bins per feature (all features). */
  binCounts: number[];
  lambda: number;
  minChildWeight: number;
}

/** One level of one tree: which nodes to histogram and how. */
export interface LevelTask {
  /** NODE_STRIDE ints per node; subtract nodes use `parent − sibling`, the sibling being built in this task. */
  nodes: Int32Array;
  /** Gradient and hessian sums (G, H) per node, as the builder computed them. */
  sums: Float64Array;
  /** 1 where the feature is sampled for this tree (column subsampling). */
  activeFeatures: Uint8Array;
  /** The only node is the root and its rows are 0 … nRows−1 in order (no row subsampling). */
  identityRoot: boolean;
}

/**
 * Builds gradient histograms for its own feature groups and finds each node's best split
 * among them. The same class runs inside a worker thread or, with `workers: 0`, in-process.
 * Histograms of the smaller child are built from rows; the larger sibling is the parent
 * minus it (the subtraction trick), computed in place in the parent's buffer.
 */
export class HistogramKernel {
  private readonly words: Uint32Array;
  private readonly grad: Float32Array;
  private readonly hess: Float32Array;
  private readonly rows: Uint32Array;
  private readonly orderedGrad: Float32Array;
  private readonly orderedHess: Float32Array;
  private histograms = new Map<number, Float64Array>();
  private readonly freeHistograms: Float64Array[] = [];

  constructor(private readonly init: KernelInit) {
    this.words = new Uint32Array(init.bins);
    this.grad = new Float32Array(init.grad);
    this.hess = new Float32Array(init.hess);
    this.rows = new Uint32Array(init.rows);
    this.orderedGrad = new Float32Array(init.nRows);
    this.orderedHess = new Float32Array(init.nRows);
  }

  /** Histograms for every node of the level, then the best split per node (SPLIT_STRIDE values each). */
  processLevel(task: LevelTask): Float64Array {
    const nodeCount = task.nodes.length / NODE_STRIDE;
    const groups = this.activeGroups(task.activeFeatures);
    const previous = this.histograms;
    const current = new Map<number, Float64Array>();
    for (let pass = 0; pass < 2; pass += 1) {
      for (let k = 0; k < nodeCount; k += 1) {
        const o = k * NODE_STRIDE;
        const build = task.nodes[o + 3] === 1;
        if (build !== (pass === 0)) continue;
        const id = task.nodes[o];
        if (build) {
          const histogram = this.freeHistograms.pop() ?? new Float64Array(this.init.ownedGroups.length * GROUP_STRIDE);
          this.build(histogram, groups, task.nodes[o + 1], task.nodes[o + 2], task.identityRoot);
          current.set(id, histogram);
        } else {
          const parent = previous.get(task.nodes[o + 4]);
          const sibling = current.get(task.nodes[o + 5]);
          if (!parent || !sibling) throw new Error(`histogram of node ${task.nodes[o + 4]} or ${task.nodes[o + 5]} is missing`);
          previous.delete(task.nodes[o + 4]);
          for (const k of groups) {
            for (let i = k * GROUP_STRIDE, end = (k + 1) * GROUP_STRIDE; i < end; i += 1) parent[i] -= sibling[i];
          }
          current.set(id, parent);
        }
      }
    }
    for (const unused of previous.values()) this.freeHistograms.push(unused);
    this.histograms = current;
    const result = new Float64Array(nodeCount * SPLIT_STRIDE);
    for (let k = 0; k < nodeCount; k += 1) {
      const histogram = current.get(task.nodes[k * NODE_STRIDE]);
      if (histogram) this.bestSplit(histogram, groups, task.sums[2 * k], task.sums[2 * k + 1], task.activeFeatures, result, k * SPLIT_STRIDE);
    }
    return result;
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

  private build(histogram: Float64Array, groups: number[], start: number, end: number, identity: boolean): void {
    const count = end - start;
    const nRows = this.init.nRows;
    let grad = this.grad;
    let hess = this.hess;
    const rows = this.rows.subarray(start, end);
    if (!identity) {
      // Gather the node's gradients once into partition order (LightGBM's "ordered gradients")
      // so the loop below reads them sequentially for every feature group.
      grad = this.orderedGrad;
      hess = this.orderedHess;
      for (let i = 0; i < count; i += 1) {
        const row = rows[i];
        grad[i] = this.grad[row];
        hess[i] = this.hess[row];
      }
    }
    for (const k of groups) {
      const group = this.init.ownedGroups[k];
      const words = this.words.subarray(group * nRows, (group + 1) * nRows);
      const base = k * GROUP_STRIDE;
      histogram.fill(0, base, base + GROUP_STRIDE);
      const b1 = base + FEATURE_STRIDE;
      const b2 = base + 2 * FEATURE_STRIDE;
      const b3 = base + 3 * FEATURE_STRIDE;
      if (identity) {
        for (let i = 0; i < count; i += 1) accumulate(histogram, words[i], grad[i], hess[i], base, b1, b2, b3);
      } else {
        for (let i = 0; i < count; i += 1) accumulate(histogram, words[rows[i]], grad[i], hess[i], base, b1, b2, b3);
      }
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

/** Adds one row's (g, h) to the bins of the four features packed in `word`. */
function accumulate(histogram: Float64Array, word: number, g: number, h: number, b0: number, b1: number, b2: number, b3: number): void {
  const s0 = b0 + ((word & 0xff) << 1);
  const s1 = b1 + ((word >>> 7) & 0x1fe);
  const s2 = b2 + ((word >>> 15) & 0x1fe);
  const s3 = b3 + ((word >>> 23) & 0x1fe);
  histogram[s0] += g;
  histogram[s0 + 1] += h;
  histogram[s1] += g;
  histogram[s1 + 1] += h;
  histogram[s2] += g;
  histogram[s2 + 1] += h;
  histogram[s3] += g;
  histogram[s3 + 1] += h;
}
