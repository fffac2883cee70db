/**
 * Distances between a reference distribution and a window's, both given as shares over the
 * same slots (issue #12). Pure functions on binned data: the device computes them at window
 * close and the controller recomputes them from merged counts.
 */

/** Shares of counts (all zero when the total is zero). */
export function toShares(counts: ReadonlyArray<number>): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  return counts.map((count) => (total > 0 ? count / total : 0));
}

/**
 * Jensen–Shannon distance √JSD with base-2 logarithms, in [0, 1]: symmetric, finite with
 * empty bins (no smoothing needed), a metric.
 */
export function jensenShannonDistance(p: ReadonlyArray<number>, q: ReadonlyArray<number>): number {
  let divergence = 0;
  for (let i = 0; i < p.length; i += 1) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) divergence += 0.5 * p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) divergence += 0.5 * q[i] * Math.log2(q[i] / m);
  }
  return Math.sqrt(Math.min(1, Math.max(0, divergence)));
}

/** CDF values at the interior edges: F(e_i) = Σ_{j ≤ i} p_j for i = 0 … edges − 1. */
function cdfAtEdges(p: ReadonlyArray<number>): number[] {
  const cdf: number[] = [];
  let sum = 0;
  for (let i = 0; i < p.length - 1; i += 1) {
    sum += p[i];
    cdf.push(sum);
  }
  return cdf;
}

/** An estimate with the half-width of the interval the true value is known to lie in. */
export interface Bounded {
  value: number;
  bound: number;
}

/**
 * Kolmogorov–Smirnov statistic sup|F − G| from binned CDFs. At the edges both CDFs are exact,
 * so D_lo = max_i |F(e_i) − G(e_i)| is a lower bound of the true statistic; inside bin i the
 * CDFs move only within [F(e_{i−1}), F(e_i)] and [G(e_{i−1}), G(e_i)], so D_hi = max over bins
 * of max(|F(e_i) − G(e_{i−1})|, |G(e_i) − F(e_{i−1})|) bounds it above. Returns the midpoint
 * and half-width: the true D is within value ± bound.
 */
export function binnedKolmogorovSmirnov(p: ReadonlyArray<number>, q: ReadonlyArray<number>): Bounded {
  const F = [0, ...cdfAtEdges(p), 1];
  const G = [0, ...cdfAtEdges(q), 1];
  let low = 0;
  let high = 0;
  for (let i = 1; i < F.length; i += 1) {
    low = Math.max(low, Math.abs(F[i] - G[i]));
    high = Math.max(high, Math.abs(F[i] - G[i - 1]), Math.abs(G[i] - F[i - 1]));
  }
  return { value: (low + high) / 2, bound: (high - low) / 2 };
}

/** ∫|d| over a bin where d runs linearly from a to b (uniform mass within the bin), per unit width. */
function meanAbsLinear(a: number, b: number): number {
  if (a * b >= 0) return (Math.abs(a) + Math.abs(b)) / 2;
  return (a * a + b * b) / (2 * (Math.abs(a) + Math.abs(b)));
}

/**
 * Wasserstein-1 distance ∫|F − G| dx over the reference range [low, high] (1 % … 99 %
 * quantiles; tails beyond are not measured), divided by `scale` (the reference std). The
 * estimate assumes mass spread uniformly within each bin (CDFs linear between edges). Within a
 * bin the true |F − G| lies between the smallest and largest value its corner CDFs allow;
 * `bound` is the larger distance from the estimate to either end of that interval, so the true
 * distance is within value ± bound (binning error).
 */
export function binnedWasserstein(p: ReadonlyArray<number>, q: ReadonlyArray<number>, edges: ReadonlyArray<number>, low: number, high: number, scale: number): Bounded {
  const limits = [Math.min(low, edges[0] ?? low), ...edges, Math.max(high, edges[edges.length - 1] ?? high)];
  const F = [0, ...cdfAtEdges(p), 1];
  const G = [0, ...cdfAtEdges(q), 1];
  let estimate = 0;
  let lowSum = 0;
  let highSum = 0;
  for (let i = 0; i < p.length; i += 1) {
    const width = limits[i + 1] - limits[i];
    const a = F[i] - G[i + 1];
    const b = F[i + 1] - G[i];
    estimate += width * meanAbsLinear(F[i] - G[i], F[i + 1] - G[i + 1]);
    lowSum += width * (a <= 0 && b >= 0 ? 0 : Math.min(Math.abs(a), Math.abs(b)));
    highSum += width * Math.max(Math.abs(a), Math.abs(b));
  }
  return { value: estimate / scale, bound: Math.max(estimate - lowSum, highSum - estimate) / scale };
}

/**
 * Upper quantile of χ²(k) by Wilson–Hilferty (within ~1 % for k ≥ 3 at the tails used here),
 * so protocols/ needs no statistics library.
 */
export function chiSquareQuantile(k: number, z: number): number {
  if (k <= 0) return 0;
  const c = 2 / (9 * k);
  return k * (1 - c + z * Math.sqrt(c)) ** 3;
}

/** z of the one-sided 99 % level used for every sampling bound. */
export const Z_99 = 2.326;
