import { binOffset, GROUP_WIDTH, MISSING_BIN, type FeatureEdges } from './binning.js';
import type { Tree } from '../../models/trained-model.js';

/**
 * A tree while boosting: splits on bin indices (fast on the binned matrix) and, for leaves,
 * the range of the row partition they hold. `toTree` turns bins into real thresholds.
 */
export interface GrownTree {
  feature: number[];
  /** Rows with bin ≤ splitBin go left. */
  splitBin: number[];
  left: number[];
  right: number[];
  missingGoesLeft: boolean[];
  /** Leaf value including the learning rate (0 for internal nodes). */
  value: number[];
  /** Split gain of internal nodes (0 for leaves), for gain importance (issue #12). */
  gain: number[];
  /** Leaf row ranges in the partition array ([start, end)), −1 for internal nodes. */
  leafStart: number[];
  leafEnd: number[];
}

/** Adds the tree's leaf values to `raw` for the given rows (or all rows) of a binned matrix. */
export function addBinnedTree(tree: GrownTree, bins: Uint8Array, nRows: number, raw: Float64Array, rows?: Uint32Array): void {
  const count = rows ? rows.length : nRows;
  const offsets = tree.feature.map((feature) => (feature >= 0 ? binOffset(feature, nRows) : 0));
  for (let i = 0; i < count; i += 1) {
    const row = rows ? rows[i] : i;
    let node = 0;
    while (tree.feature[node] >= 0) {
      const bin = bins[offsets[node] + GROUP_WIDTH * row];
      const goLeft = bin === MISSING_BIN ? tree.missingGoesLeft[node] : bin <= tree.splitBin[node];
      node = goLeft ? tree.left[node] : tree.right[node];
    }
    raw[row] += tree.value[node];
  }
}

/** The model form: `x <= edge[splitBin]` is exactly "bin ≤ splitBin" (see binning.ts). */
export function toTree(tree: GrownTree, edges: FeatureEdges): Tree {
  return {
    feature: tree.feature.slice(),
    threshold: tree.feature.map((feature, node) => (feature >= 0 ? edges[feature][tree.splitBin[node]] : 0)),
    left: tree.left.slice(),
    right: tree.right.slice(),
    missingGoesLeft: tree.missingGoesLeft.slice(),
    value: tree.value.slice(),
    gain: tree.gain.slice(),
  };
}
