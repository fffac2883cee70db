/**
 * Floor for a bin's share so that an empty bin contributes a large but finite term instead of
 * infinity (the usual PSI smoothing; 1e-4 keeps one empty bin of ten below PSI ≈ 1).
 */
export const PSI_EPSILON = 1e-4;

/**
 * Population stability index between a reference histogram and an observed one over the same
 * bins: Σ (aᵢ − eᵢ)·ln(aᵢ/eᵢ) on shares. Conventional reading: < 0.1 stable, 0.1–0.25
 * moderate shift, > 0.25 major shift. Returns 0 when either side has no observations.
 */
export function populationStabilityIndex(expectedCounts: ReadonlyArray<number>, actualCounts: ReadonlyArray<number>, epsilon = PSI_EPSILON): number {
  if (expectedCounts.length !== actualCounts.length) throw new RangeError('PSI needs the same bins on both sides');
  const expectedTotal = expectedCounts.reduce((sum, count) => sum + count, 0);
  const actualTotal = actualCounts.reduce((sum, count) => sum + count, 0);
  if (expectedTotal === 0 || actualTotal === 0) return 0;
  let psi = 0;
  for (let i = 0; i < expectedCounts.length; i += 1) {
    const expected = Math.max(expectedCounts[i] / expectedTotal, epsilon);
    const actual = Math.max(actualCounts[i] / actualTotal, epsilon);
    psi += (actual - expected) * Math.log(actual / expected);
  }
  return psi;
}
