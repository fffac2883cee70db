import type { GrownTree } from './grown-tree.js';
import { SPLIT_STRIDE, type LevelTask } from './histogram-kernel.js';
import type { HistogramPool } from './histogram-pool.js';
import type { GbdtParams } from './params.js';
import { APPLY_STRIDE } from './row-partition.js';

/** A split chosen for the next level. */
interface ChosenSplit {
  parent: number;
  left: number;
  right: number;
  result: number;
}

/**
 * Grows one tree level by level up to `maxDepth`; within a level the highest-gain splits are
 * taken first until `maxLeaves` is reached. Each level is one round trip to the kernels,
 * which partition the rows of the previous level's splits and histogram the new nodes.
 */
export async function growTree(pool: HistogramPool, params: GbdtParams, sampleCount: number, identityRoot: boolean, activeFeatures: Uint8Array, G: number, H: number): Promise<GrownTree> {
  const tree: GrownTree = { feature: [], splitBin: [], left: [], right: [], missingGoesLeft: [], value: [], gain: [], leafStart: [], leafEnd: [] };
  const addLeaf = (nodeG: number, nodeH: number): number => {
    tree.feature.push(-1);
    tree.splitBin.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.missingGoesLeft.push(false);
    tree.value.push(leafValue(nodeG, nodeH, params));
    tree.gain.push(0);
    tree.leafStart.push(-1);
    tree.leafEnd.push(-1);
    return tree.feature.length - 1;
  };
  let levelIds = [addLeaf(G, H)];
  let task: LevelTask = { apply: new Int32Array(0), rootStart: 0, rootEnd: sampleCount, sums: Float64Array.of(G, H), activeFeatures, identityRoot, findSplits: true };
  let leaves = 1;
  for (let depth = 0; ; depth += 1) {
    const results = await pool.processLevel(task);
    levelIds.forEach((id, k) => {
      tree.leafStart[id] = results[k * SPLIT_STRIDE + 8];
      tree.leafEnd[id] = results[k * SPLIT_STRIDE + 9];
    });
    if (!task.findSplits) break;
    const candidates = levelIds.map((_, k) => k).filter((k) => results[k * SPLIT_STRIDE] > params.minSplitGain && results[k * SPLIT_STRIDE] > 1e-12);
    candidates.sort((a, b) => results[b * SPLIT_STRIDE] - results[a * SPLIT_STRIDE] || a - b);
    const chosen: ChosenSplit[] = [];
    for (const k of candidates) {
      if (params.maxLeaves > 0 && leaves >= params.maxLeaves) break;
      leaves += 1;
      const o = k * SPLIT_STRIDE;
      chosen.push({ parent: levelIds[k], left: addLeaf(results[o + 4], results[o + 5]), right: addLeaf(results[o + 6], results[o + 7]), result: o });
    }
    if (chosen.length === 0) break;
    const apply = new Int32Array(chosen.length * APPLY_STRIDE);
    const sums = new Float64Array(chosen.length * 4);
    chosen.forEach(({ parent, left, right, result: o }, k) => {
      tree.feature[parent] = results[o + 1];
      tree.splitBin[parent] = results[o + 2];
      tree.missingGoesLeft[parent] = results[o + 3] === 1;
      tree.left[parent] = left;
      tree.right[parent] = right;
      tree.value[parent] = 0;
      tree.gain[parent] = results[o];
      apply.set([parent, tree.leafStart[parent], tree.leafEnd[parent], results[o + 1], results[o + 2], results[o + 3], left, right], k * APPLY_STRIDE);
      sums.set([results[o + 4], results[o + 5], results[o + 6], results[o + 7]], k * 4);
      tree.leafStart[parent] = -1;
      tree.leafEnd[parent] = -1;
    });
    levelIds = chosen.flatMap(({ left, right }) => [left, right]);
    task = { apply, rootStart: 0, rootEnd: 0, sums, activeFeatures, identityRoot: false, findSplits: depth + 1 < params.maxDepth };
  }
  return tree;
}

/** Raw leaf step −G/(H+λ), clipped to ±maxDeltaStep when set, times the learning rate. */
function leafValue(G: number, H: number, params: GbdtParams): number {
  let step = -G / (H + params.lambda);
  if (params.maxDeltaStep > 0) step = Math.max(-params.maxDeltaStep, Math.min(params.maxDeltaStep, step));
  return step * params.learningRate;
}
