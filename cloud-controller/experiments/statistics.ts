import { createRequire } from 'node:module';

/** The part of jstat (CommonJS, untyped) the experiment statistics use. */
interface JStatSubset {
  jStat: { studentt: { cdf(x: number, df: number): number } };
}

// createRequire instead of an ambient `declare module 'jstat'`: other areas type jstat too, and
// two ambient declarations of one module would clash when the branches merge (issue #13).
const { jStat } = createRequire(import.meta.url)('jstat') as JStatSubset;

/** Diebold–Mariano test of equal predictive accuracy with the HLN small-sample correction. */
export interface DieboldMarianoResult {
  /** Days in the series. */
  days: number;
  /** Mean loss differential d̄ = mean of L(champion) − L(challenger); positive favours the challenger. */
  meanDifferential: number;
  /** The original DM statistic d̄ / √(V̂/T). */
  dm: number;
  /** DM·√((T + 1 − 2h + h(h − 1)/T)/T), compared with Student t on T − 1 degrees of freedom. */
  hln: number;
  degreesOfFreedom: number;
  /** Two-sided p-value of the corrected statistic (valid at a horizon fixed in advance). */
  pValue: number;
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Sample autocovariance at `lag` with the 1/T normalisation DM use. */
function autocovariance(values: readonly number[], average: number, lag: number): number {
  let sum = 0;
  for (let t = lag; t < values.length; t += 1) sum += (values[t] - average) * (values[t - lag] - average);
  return sum / values.length;
}

/**
 * Diebold & Mariano (1995) with Harvey, Leybourne & Newbold (1997): the long-run variance of
 * an h-step forecast's loss differential is γ₀ + 2Σ_{k<h} γ_k (rectangular window, h − 1
 * autocovariances, as the forecasts are h-step). A series with zero variance (identical models)
 * has no evidence either way: statistic 0, p-value 1. Null when fewer than 3 days.
 */
export function dieboldMariano(series: readonly number[], horizon = 1): DieboldMarianoResult | null {
  const T = series.length;
  if (T < 3) return null;
  const h = Math.max(1, Math.min(Math.floor(horizon), T - 1));
  const d = mean(series);
  let variance = autocovariance(series, d, 0);
  for (let k = 1; k < h; k += 1) variance += 2 * autocovariance(series, d, k);
  const degreesOfFreedom = T - 1;
  if (!(variance > 0)) return { days: T, meanDifferential: d, dm: 0, hln: 0, degreesOfFreedom, pValue: 1 };
  const dm = d / Math.sqrt(variance / T);
  const hln = dm * Math.sqrt((T + 1 - 2 * h + (h * (h - 1)) / T) / T);
  const pValue = Math.min(1, 2 * (1 - jStat.studentt.cdf(Math.abs(hln), degreesOfFreedom)));
  return { days: T, meanDifferential: d, dm, hln, degreesOfFreedom, pValue };
}

/** Tuning of the always-valid sequential test. */
export interface MsprtOptions {
  /** Type I error bound over every look (the operator may look daily, or hourly). */
  alpha: number;
  /**
   * Mixing variance τ² of the normal mixture over the effect, as a multiple of the plug-in
   * variance σ̂² (1 = effects of about one daily standard deviation weigh most).
   */
  mixingScale: number;
  /** Days before the first look counts: the plug-in variance needs a few days to settle. */
  minDays: number;
}

export const DEFAULT_MSPRT: MsprtOptions = { alpha: 0.05, mixingScale: 1, minDays: 7 };

/** State of the mixture SPRT after the last day of the series. */
export interface MsprtResult {
  days: number;
  /** Mixture likelihood ratio Λ_n at the last day. */
  likelihoodRatio: number;
  /** Always-valid p-value: min over looks of 1/Λ_k (never increases as days arrive). */
  pValue: number;
  /** True once some look had Λ_k ≥ 1/α; stays true. */
  rejected: boolean;
  /** First day (1-based) Λ crossed 1/α, or null. */
  rejectedOnDay: number | null;
}

/**
 * Mixture sequential probability ratio test (Robbins 1970; Johari, Koomen, Pekelis & Walsh,
 * "Always valid inference", 2017/2022) of H₀: E[d] = 0 over daily differentials with a normal
 * mixture N(0, τ²) over the alternative:
 *   Λ_n = √(σ² / (σ² + nτ²)) · exp(n²τ² d̄_n² / (2σ²(σ² + nτ²))).
 * σ² is the sample variance of the days so far (plug-in, as Johari et al. do in practice), so
 * looks start after `minDays`. Rejecting when Λ_n ≥ 1/α at any look keeps the false-positive
 * rate ≤ α however often one looks (Ville's inequality), which fixed-horizon DM cannot.
 */
export function mixtureSprt(series: readonly number[], options: MsprtOptions = DEFAULT_MSPRT): MsprtResult | null {
  if (series.length < Math.max(3, options.minDays)) return null;
  let pValue = 1;
  let lambda = 1;
  let rejectedOnDay: number | null = null;
  let sum = 0;
  let sumSquares = 0;
  for (let n = 1; n <= series.length; n += 1) {
    sum += series[n - 1];
    sumSquares += series[n - 1] ** 2;
    if (n < Math.max(3, options.minDays)) continue;
    const average = sum / n;
    const sigma2 = Math.max(0, (sumSquares - n * average * average) / (n - 1));
    if (!(sigma2 > 0)) {
      lambda = 1;
      continue;
    }
    const tau2 = options.mixingScale * sigma2;
    const denominator = sigma2 + n * tau2;
    lambda = Math.sqrt(sigma2 / denominator) * Math.exp((n * n * tau2 * average * average) / (2 * sigma2 * denominator));
    pValue = Math.min(pValue, 1 / lambda);
    if (rejectedOnDay === null && lambda >= 1 / options.alpha) rejectedOnDay = n;
  }
  return { days: series.length, likelihoodRatio: lambda, pValue: Math.min(1, pValue), rejected: rejectedOnDay !== null, rejectedOnDay };
}

/** What an experiment's evidence says now. */
export type Verdict = 'challenger-better' | 'champion-better' | 'undecided';

/**
 * The operator-facing decision comes from the always-valid test only (looking any time is
 * safe); DM is reported beside it for the horizon planned in advance. The sign of d̄ names the
 * winner (d = L(champion) − L(challenger)).
 */
export function verdictOf(series: readonly number[], options: MsprtOptions = DEFAULT_MSPRT): Verdict {
  const sequential = mixtureSprt(series, options);
  if (!sequential?.rejected) return 'undecided';
  return mean(series) > 0 ? 'challenger-better' : 'champion-better';
}

/**
 * Days the mSPRT needs, in expectation, to reject for a standardised effect δ = E[d]/σ:
 * the least n with log Λ_n ≥ log(1/α) when d̄ = E[d] and σ̂ = σ, i.e.
 * n²·s·δ²/(2(1 + n·s)) − ½·log(1 + n·s) ≥ log(1/α) with s = mixingScale. Tests use it as the
 * "expected number of days".
 */
export function expectedDaysToReject(effect: number, options: MsprtOptions = DEFAULT_MSPRT, maxDays = 10_000): number {
  const s = options.mixingScale;
  for (let n = Math.max(3, options.minDays); n <= maxDays; n += 1) {
    const logLambda = 0.5 * Math.log(1 / (1 + n * s)) + (n * n * s * effect * effect) / (2 * (1 + n * s));
    if (logLambda >= Math.log(1 / options.alpha)) return n;
  }
  return maxDays;
}
