import { quantileOfSorted } from './quantiles.js';

/**
 * Interior bin edges at equal-frequency quantiles of sorted values, duplicates removed (a
 * feature with few distinct values gets fewer bins rather than empty ones). Bin i holds
 * `edges[i-1] < x <= edges[i]`; the first bin is open below, the last open above.
 */
export function quantileBinEdges(sorted: ArrayLike<number>, bins: number): number[] {
  const edges: number[] = [];
  for (let i = 1; i < bins; i += 1) {
    const edge = quantileOfSorted(sorted, i / bins);
    if (Number.isFinite(edge) && (edges.length === 0 || edge > edges[edges.length - 1])) edges.push(edge);
  }
  return edges;
}

/** Index of the bin that `value` falls in for `edges` (0 … edges.length), by binary search. */
export function binIndex(edges: ReadonlyArray<number>, value: number): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (value <= edges[mid]) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Counts of finite values per bin (length edges.length + 1); NaN is counted as missing elsewhere. */
export function binCounts(edges: ReadonlyArray<number>, values: Iterable<number>): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const value of values) if (Number.isFinite(value)) counts[binIndex(edges, value)] += 1;
  return counts;
}
