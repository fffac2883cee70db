/** Median of a numeric array (sorts a copy). */
export function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Scale for robust z-scores (Iglewicz & Hoaglin's modified z = 0.6745·(x − median)/MAD):
 * returns MAD / 0.6745 so that z = (x − median) / scale. Returns 0 when MAD is 0, which is the
 * case for intermittent series (more than half the days share one value, usually zero):
 * there every sale would look anomalous, so such series are not scored.
 */
export function robustScale(values: Float64Array, center: number): number {
  const deviations = values.map((value) => Math.abs(value - center));
  return median(deviations) / 0.6745;
}
