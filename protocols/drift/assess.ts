import { slotCount, type FeatureLayout } from './layout.js';
import { populationStabilityIndex } from './psi.js';
import { binnedKolmogorovSmirnov, binnedWasserstein, chiSquareQuantile, jensenShannonDistance, toShares, Z_99 } from './statistics.js';
import type { DriftThresholds } from './thresholds.js';

/** Names of the statistics a feature is judged by. */
export const DRIFT_STATISTICS = ['psi', 'js', 'wasserstein', 'ks', 'missingShare', 'unseenShare'] as const;
export type DriftStatisticName = (typeof DRIFT_STATISTICS)[number];

/** One statistic of one feature: its value, error bound, threshold and whether it fired. */
export interface StatisticResult {
  value: number;
  bound: number;
  threshold: number;
  exceeded: boolean;
}

/** Counts of one feature in one window (or merged windows). */
export interface FeatureWindowCounts {
  counts: readonly number[];
  missing: number;
}

export interface FeatureAssessment {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Non-missing rows. */
  n: number;
  missing: number;
  statistics: Partial<Record<DriftStatisticName, StatisticResult>>;
  /** Category shares (tracked categories by label, then "(other)" and "(unseen)"), categorical only. */
  categoryShares: Record<string, number> | null;
  /** Enough rows and at least one statistic above threshold + bound. */
  drifted: boolean;
  /** Normalised importance weight used for the dataset share. */
  weight: number;
}

export interface WindowAssessment {
  n: number;
  features: FeatureAssessment[];
  /** Importance-weighted share of drifted features, in [0, 1]. */
  driftShare: number;
  /** True when importances came from the bundle (GBDT gain), false when uniform weights were used. */
  weighted: boolean;
  drifted: boolean;
}

function judged(value: number, bound: number, threshold: number): StatisticResult {
  return { value, bound, threshold, exceeded: value - bound > threshold };
}

/** 99 % sampling noise of PSI between samples of n and N rows over k slots: χ²₀.₉₉(k−1)·(1/n + 1/N). */
export function psiNoise(k: number, n: number, N: number): number {
  return n > 0 && N > 0 ? chiSquareQuantile(Math.max(1, k - 1), Z_99) * (1 / n + 1 / N) : Infinity;
}

function shareBound(share: number, n: number, N: number): number {
  if (n === 0) return Infinity;
  const p = Math.max(share, 1 / n);
  return Z_99 * Math.sqrt(p * (1 - p) * (1 / n + (N > 0 ? 1 / N : 0))) + 1 / n;
}

/**
 * All statistics of one feature from its window counts and layout (docs/monitoring.md has the
 * formulas). PSI and JS are exact on the slots, so their bound is sampling noise only; KS and
 * Wasserstein add their binning error to a sampling term.
 */
export function assessFeature(layout: FeatureLayout, window: FeatureWindowCounts, thresholds: DriftThresholds): Omit<FeatureAssessment, 'weight'> {
  const n = window.counts.reduce((sum, count) => sum + count, 0);
  const total = n + window.missing;
  const statistics: FeatureAssessment['statistics'] = {};
  const comparable = window.counts.length === slotCount(layout) && layout.referenceN > 0;
  const q = toShares(window.counts);
  const p = layout.referenceShares;
  const h = n > 0 ? 1 / n + 1 / layout.referenceN : Infinity;
  if (comparable && n > 0) {
    const noise = psiNoise(p.filter((share) => share > 0).length + (layout.kind === 'categorical' ? 1 : 0), n, layout.referenceN);
    statistics.psi = judged(populationStabilityIndex(p, q), noise, thresholds.psi);
    statistics.js = judged(jensenShannonDistance(p, q), Math.sqrt(noise / (8 * Math.LN2)), thresholds.js);
    if (layout.kind === 'numeric') {
      const ks = binnedKolmogorovSmirnov(p, q);
      statistics.ks = judged(ks.value, ks.bound + 1.628 * Math.sqrt(h), thresholds.ks);
      if (layout.std !== null) {
        const w = binnedWasserstein(p, q, layout.edges, layout.low, layout.high, layout.std);
        statistics.wasserstein = judged(w.value, w.bound + 3 * Math.sqrt(h), thresholds.wasserstein);
      }
    } else {
      const unseen = q[q.length - 1];
      statistics.unseenShare = judged(unseen, shareBound(unseen, n, 0), thresholds.unseenShare);
    }
  }
  if (total > 0) {
    const share = window.missing / total;
    statistics.missingShare = judged(Math.abs(share - layout.referenceMissingShare), shareBound(layout.referenceMissingShare, total, layout.referenceN), thresholds.missingShare);
  }
  // Categorical frequencies shift by construction when a window is one store's slice (the
  // store code is constant there), and store-day features have few independent values per
  // window, so those are judged by unseen and missing shares only (docs/monitoring.md).
  const decisive = Object.entries(statistics).filter(([name]) => !layout.sharesOnly || name === 'unseenShare' || name === 'missingShare');
  const enough = n >= thresholds.minSamples;
  const drifted = layout.monitored && decisive.some(([, result]) => result.exceeded) && (enough || (statistics.missingShare?.exceeded === true && total >= thresholds.minSamples));
  const categoryShares = layout.kind === 'categorical' && comparable
    ? Object.fromEntries([...layout.labels, '(other)', '(unseen)'].map((label, i) => [label, q[i]]))
    : null;
  return { name: layout.name, kind: layout.kind, n, missing: window.missing, statistics, categoryShares, drifted };
}

/**
 * Normalised importance weights of the monitored features: GBDT gain when every feature has
 * one, uniform otherwise (bundles before issue #12, linear and MLP models). Unmonitored
 * (calendar) features weigh 0.
 */
export function importanceWeights(layouts: readonly FeatureLayout[]): { weights: number[]; weighted: boolean } {
  const gains = layouts.map((layout) => layout.gain);
  const weighted = gains.every((gain) => gain !== null && gain >= 0);
  const raw = layouts.map((layout) => (!layout.monitored ? 0 : weighted ? layout.gain ?? 0 : 1));
  const total = raw.reduce((sum, w) => sum + w, 0);
  if (!(total > 0)) return { weights: layouts.map(() => 0), weighted: false };
  return { weights: raw.map((w) => w / total), weighted };
}

/** Assesses every feature of a window and the importance-weighted dataset share. */
export function assessWindow(layouts: readonly FeatureLayout[], windows: readonly FeatureWindowCounts[], n: number, thresholds: DriftThresholds): WindowAssessment {
  const { weights, weighted } = importanceWeights(layouts);
  const features = layouts.map((layout, i) => ({ ...assessFeature(layout, windows[i] ?? { counts: [], missing: 0 }, thresholds), weight: weights[i] }));
  const driftShare = Math.min(1, features.reduce((sum, feature) => sum + (feature.drifted ? feature.weight : 0), 0));
  return { n, features, driftShare, weighted, drifted: driftShare > thresholds.datasetShare };
}
