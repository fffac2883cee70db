/**
 * Quantile binning for the histogram GBDT (issue #3): each feature gets up to `maxBins` value
 * bins whose upper edges are real feature values, plus one dedicated missing bin. A split
 * "bins ≤ t go left" is then exactly `x <= edge[t]` on raw float32 values, which is what the
 * ONNX TreeEnsemble (BRANCH_LEQ) evaluates, so exported predictions reproduce training ones.
 */

/** Bin index reserved for missing values (NaN); value bins are 0 … nBins−1 ≤ 254. */
export const MISSING_BIN = 255;

/** Rows sampled per feature to find quantile cuts; enough for 255 bins to be stable (±0.2%). */
const CUT_SAMPLE_ROWS = 262_144;

/**
 * Upper bin edges per feature. `edges[f][b]` is the largest value in bin b; the last edge is
 * +Infinity so that values above everything seen in training fall into the last bin.
 */
export type FeatureEdges = Float64Array[];

/** Quantile cut points of every feature from an evenly spaced row sample. */
export function computeFeatureEdges(X: Float32Array, nRows: number, nFeatures: number, maxBins: number): FeatureEdges {
  const sampleSize = Math.min(nRows, CUT_SAMPLE_ROWS);
  const sample = new Float32Array(sampleSize);
  const edges: FeatureEdges = [];
  for (let f = 0; f < nFeatures; f += 1) {
    let count = 0;
    for (let k = 0; k < sampleSize; k += 1) {
      const row = sampleSize === nRows ? k : Math.floor((k * nRows) / sampleSize);
      const value = X[row * nFeatures + f];
      if (!Number.isNaN(value)) sample[count++] = value;
    }
    edges.push(edgesOfSorted(sample.subarray(0, count).sort(), maxBins));
  }
  return edges;
}

/** Edges from sorted finite values: every distinct value if few, else quantiles. */
function edgesOfSorted(sorted: Float32Array, maxBins: number): Float64Array {
  const m = sorted.length;
  if (m === 0) return Float64Array.of(Infinity);
  const distinct: number[] = [];
  for (let i = 0; i < m && distinct.length <= maxBins; i += 1) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
  }
  const maxValue = sorted[m - 1];
  const cuts: number[] = [];
  if (distinct.length <= maxBins) {
    cuts.push(...distinct.slice(0, -1));
  } else {
    for (let k = 1; k < maxBins; k += 1) {
      const value = sorted[Math.ceil((k * m) / maxBins) - 1];
      if (value < maxValue && (cuts.length === 0 || value > cuts[cuts.length - 1])) cuts.push(value);
    }
  }
  cuts.push(Infinity);
  return Float64Array.from(cuts);
}

/** Features per packed group: four bins share one 32-bit word per row. */
export const GROUP_WIDTH = 4;

/** Number of 4-feature groups (the last one padded with bin 0, never split on). */
export function groupCount(nFeatures: number): number {
  return Math.ceil(nFeatures / GROUP_WIDTH);
}

/**
 * Byte offset of row 0 of `feature` in the binned matrix; row r is at `offset + 4·r`.
 * The layout is column-major in groups of four features: group k is a run of `nRows`
 * little-endian 32-bit words holding the bins of features 4k … 4k+3 of one row. A histogram
 * pass then needs one load per row for four features instead of four scattered byte loads
 * (measured 1.5–1.8× faster than plain column-major in Node 20).
 */
export function binOffset(feature: number, nRows: number): number {
  return Math.floor(feature / GROUP_WIDTH) * nRows * GROUP_WIDTH + (feature % GROUP_WIDTH);
}

/** Bytes needed for a binned matrix. */
export function binnedBytes(nRows: number, nFeatures: number): number {
  return groupCount(nFeatures) * nRows * GROUP_WIDTH;
}

/** Bins a row-major float32 matrix into the grouped column-major layout of `binOffset`. */
export function binMatrix(X: Float32Array, nRows: number, nFeatures: number, edges: FeatureEdges, out: Uint8Array): void {
  const offsets = Array.from({ length: nFeatures }, (_, f) => binOffset(f, nRows));
  for (let r = 0; r < nRows; r += 1) {
    const rowOffset = r * nFeatures;
    const outRow = r * GROUP_WIDTH;
    for (let f = 0; f < nFeatures; f += 1) {
      const value = X[rowOffset + f];
      out[offsets[f] + outRow] = Number.isNaN(value) ? MISSING_BIN : lowerBound(edges[f], value);
    }
  }
}

/** First index b with value <= edges[b] (edges end with +Infinity, so one always exists). */
function lowerBound(edges: Float64Array, value: number): number {
  let lo = 0;
  let hi = edges.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (value <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
