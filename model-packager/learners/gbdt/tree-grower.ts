import { binOffset, GROUP_WIDTH, MISSING_BIN } from './binning.js';
import type { GrownTree } from './grown-tree.js';
import { NODE_STRIDE, SPLIT_STRIDE } from './histogram-kernel.js';
import type { HistogramPool } from './histogram-pool.js';
import type { GbdtParams } from './params.js';

/** Buffers shared by every tree of one fit. */
export interface GrowContext {
  pool: HistogramPool;
  /** Binned training matrix (layout of `binOffset`). */
  bins: Uint8Array;
  nRows: number;
  /** Row partition array shared with the kernels; the root holds [0, sampleCount). */
  rows: Uint32Array;
  /** Scratch for stable partitioning. */
  scratch: Uint32Array;
  params: GbdtParams;
}

/** A node waiting to be histogrammed. */
interface OpenNode {
  id: number;
  start: number;
  end: number;
  G: number;
  H: number;
  build: boolean;
  parent: number;
  sibling: number;
}

/**
 * Grows one tree level by level up to `maxDepth`; within a level the highest-gain splits are
 * taken first until `maxLeaves` is reached. Each level is one round trip to the kernels.
 */
export async function growTree(context: GrowContext, sampleCount: number, identityRoot: boolean, activeFeatures: Uint8Array, G: number, H: number): Promise<GrownTree> {
  const { params } = context;
  const tree: GrownTree = { feature: [], splitBin: [], left: [], right: [], missingGoesLeft: [], value: [], leafStart: [], leafEnd: [] };
  const addNode = (start: number, end: number, nodeG: number, nodeH: number): number => {
    tree.feature.push(-1);
    tree.splitBin.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.missingGoesLeft.push(false);
    tree.value.push(leafValue(nodeG, nodeH, params));
    tree.leafStart.push(start);
    tree.leafEnd.push(end);
    return tree.feature.length - 1;
  };
  let level: OpenNode[] = [{ id: addNode(0, sampleCount, G, H), start: 0, end: sampleCount, G, H, build: true, parent: -1, sibling: -1 }];
  let leaves = 1;
  for (let depth = 0; depth < params.maxDepth && level.length > 0; depth += 1) {
    const splits = await context.pool.processLevel(levelTask(level, identityRoot && depth === 0, activeFeatures));
    const order = level.map((_, k) => k).filter((k) => splits[k * SPLIT_STRIDE] > params.minSplitGain && splits[k * SPLIT_STRIDE] > 1e-12);
    order.sort((a, b) => splits[b * SPLIT_STRIDE] - splits[a * SPLIT_STRIDE] || a - b);
    const next: OpenNode[] = [];
    for (const k of order) {
      if (params.maxLeaves > 0 && leaves >= params.maxLeaves) break;
      leaves += 1;
      const node = level[k];
      const o = k * SPLIT_STRIDE;
      const feature = splits[o + 1];
      const bin = splits[o + 2];
      const missingLeft = splits[o + 3] === 1;
      const middle = partition(context, node.start, node.end, feature, bin, missingLeft);
      const leftId = addNode(node.start, middle, splits[o + 4], splits[o + 5]);
      const rightId = addNode(middle, node.end, splits[o + 6], splits[o + 7]);
      tree.feature[node.id] = feature;
      tree.splitBin[node.id] = bin;
      tree.left[node.id] = leftId;
      tree.right[node.id] = rightId;
      tree.missingGoesLeft[node.id] = missingLeft;
      tree.value[node.id] = 0;
      tree.leafStart[node.id] = -1;
      tree.leafEnd[node.id] = -1;
      const buildLeft = middle - node.start <= node.end - middle;
      next.push(
        { id: leftId, start: node.start, end: middle, G: splits[o + 4], H: splits[o + 5], build: buildLeft, parent: node.id, sibling: rightId },
        { id: rightId, start: middle, end: node.end, G: splits[o + 6], H: splits[o + 7], build: !buildLeft, parent: node.id, sibling: leftId },
      );
    }
    level = next;
  }
  return tree;
}

/** Raw leaf step −G/(H+λ), clipped to ±maxDeltaStep when set, times the learning rate. */
function leafValue(G: number, H: number, params: GbdtParams): number {
  let step = -G / (H + params.lambda);
  if (params.maxDeltaStep > 0) step = Math.max(-params.maxDeltaStep, Math.min(params.maxDeltaStep, step));
  return step * params.learningRate;
}

function levelTask(level: OpenNode[], identityRoot: boolean, activeFeatures: Uint8Array) {
  const nodes = new Int32Array(level.length * NODE_STRIDE);
  const sums = new Float64Array(level.length * 2);
  level.forEach((node, k) => {
    nodes.set([node.id, node.start, node.end, node.build ? 1 : 0, node.parent, node.sibling], k * NODE_STRIDE);
    sums[2 * k] = node.G;
    sums[2 * k + 1] = node.H;
  });
  return { nodes, sums, activeFeatures, identityRoot };
}

/**
 * Stable partition of rows[start, end) into left-going then right-going rows; returns the
 * boundary. Branch-free (a 256-entry direction table and unconditional writes) because the
 * left/right decision is a coin flip to the CPU's branch predictor.
 */
function partition(context: GrowContext, start: number, end: number, feature: number, bin: number, missingLeft: boolean): number {
  const { rows, scratch, bins, nRows } = context;
  const offset = binOffset(feature, nRows);
  const goesLeft = new Uint8Array(MISSING_BIN + 1);
  goesLeft.fill(1, 0, bin + 1);
  goesLeft[MISSING_BIN] = missingLeft ? 1 : 0;
  let write = start;
  let spilled = 0;
  for (let i = start; i < end; i += 1) {
    const row = rows[i];
    const left = goesLeft[bins[offset + GROUP_WIDTH * row]];
    rows[write] = row;
    scratch[spilled] = row;
    write += left;
    spilled += 1 - left;
  }
  rows.set(scratch.subarray(0, spilled), write);
  return write;
}
