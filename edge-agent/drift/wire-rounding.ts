/**
 * Rounds a statistic to 4 significant digits for the drift record (issue #12: a 30-feature
 * window report must stay within 4 KB of JSON). The controller recomputes every statistic
 * from the exact counts, so nothing downstream depends on the dropped digits.
 */
export function roundForWire(value: number): number {
  return value === 0 || !Number.isFinite(value) ? 0 : Number(value.toPrecision(4));
}
