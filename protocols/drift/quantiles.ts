/**
 * Quantile of sorted values by linear interpolation between closest ranks (numpy's default,
 * "type 7"), so the packager's profile and any offline check agree.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

/** The finite values of `values`, sorted ascending (NaN is "missing" and dropped). */
export function sortedFinite(values: Iterable<number>): Float64Array {
  const kept: number[] = [];
  for (const value of values) if (Number.isFinite(value)) kept.push(value);
  return Float64Array.from(kept).sort();
}
