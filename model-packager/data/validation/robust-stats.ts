/** Median of a numeric array (sorts a copy). */
export function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Scale for robust z-scores (Iglewicz & Hoaglin's modified z = 0.6745·(x − median)/MAD).
 * Intermittent series have MAD = 0; there the mean absolute deviation stands in, scaled by
 * 1.2533 so both estimate σ for normal data (the fallback IBM SPSS Modeler documents).
 * Returns the divisor d so that z = (x − median)/d, or 0 when the series is constant.
 */
export function robustScale(values: Float64Array, center: number): number {
  const deviations = values.map((value) => Math.abs(value - center));
  const mad = median(deviations);
  if (mad > 0) return mad / 0.6745;
  let sum = 0;
  for (const deviation of deviations) sum += deviation;
  const meanAbsoluteDeviation = sum / values.length;
  return meanAbsoluteDeviation * 1.2533;
}
