import { quantileBinEdges, binCounts } from './binning.js';
import { quantileOfSorted, sortedFinite } from './quantiles.js';
import { PROFILE_QUANTILES, type Distribution } from './reference-profile.js';

/** Default number of equal-frequency bins per feature (10 is the usual PSI decile setup). */
export const DEFAULT_PROFILE_BINS = 10;

/**
 * Summarises a series into quantile bins and counts, quantiles, mean/std and missing share.
 * The agent bins live values with the same `edges` and compares counts by PSI.
 */
export function describeDistribution(values: ArrayLike<number>, bins = DEFAULT_PROFILE_BINS): Distribution {
  const sorted = sortedFinite(Array.from(values));
  const count = values.length;
  const n = sorted.length;
  const mean = n > 0 ? sorted.reduce((sum, v) => sum + v, 0) / n : null;
  const std = mean === null ? null : Math.sqrt(sorted.reduce((sum, v) => sum + (v - mean) ** 2, 0) / n);
  const edges = quantileBinEdges(sorted, bins);
  return {
    count,
    missingShare: count === 0 ? 0 : (count - n) / count,
    mean,
    std,
    quantiles: n === 0 ? [] : PROFILE_QUANTILES.map((q) => ({ q, value: quantileOfSorted(sorted, q) })),
    histogram: { edges, counts: binCounts(edges, sorted) },
  };
}
