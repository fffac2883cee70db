import type { FeatureProfile, ReferenceProfile } from './reference-profile.js';

/**
 * Categories kept per categorical feature on the device (issue #12): the most frequent
 * reference categories each get a slot, the rest share "other", and codes the reference never
 * saw share "unseen". Bounds a window report regardless of vocabulary size (4 KB for 30 features).
 */
export const MAX_TRACKED_CATEGORIES = 8;

/** Window count layout version carried in the drift record (`layout`); absent = quantile bins for every feature. */
export const DRIFT_LAYOUT_VERSION = 2;

/**
 * Features that are functions of the requested date (protocols/features/feature-names.ts): a
 * window holds the dates the stores asked about — usually one or two days — so their
 * distribution differs from the multi-year reference by construction. Their statistics are
 * reported but they are never declared drifted and weigh nothing in the dataset share.
 */
export const CALENDAR_FEATURES: ReadonlySet<string> = new Set(['day_of_week', 'day_of_month', 'month', 'week_of_year', 'is_holiday', 'days_to_holiday', 'days_after_holiday']);

/**
 * Features with one value per store and day (protocols/features weather fields): every item
 * row of a store-day repeats it, so a window of a few store-days has a few independent values,
 * not n, and they follow the season rather than the training year. Their distribution
 * statistics are reported; only their missing share is judged (docs/monitoring.md).
 */
export const STORE_DAY_FEATURES: ReadonlySet<string> = new Set(['temp_c', 'precip_mm']);

/** How one feature's window counts are laid out and what they are compared with. */
export interface FeatureLayout {
  name: string;
  kind: 'numeric' | 'categorical';
  /** Numeric: interior quantile-bin edges (counts has edges.length + 1 slots). */
  edges: readonly number[];
  /** Categorical: ordinal code of each tracked category; then "other" and "unseen" slots follow. */
  codes: readonly number[];
  /** Vocabulary label of each tracked category (same order as codes). */
  labels: readonly string[];
  /** Reference shares per slot (sum 1; all zero when the reference had no rows). */
  referenceShares: readonly number[];
  /** Reference rows behind the shares (non-missing), for the sampling bounds. */
  referenceN: number;
  referenceMissingShare: number;
  /** Reference standard deviation (Wasserstein normalisation); null when unknown or zero. */
  std: number | null;
  /** Outer limits of the first and last numeric bins (reference 1 % and 99 % quantiles). */
  low: number;
  high: number;
  /** GBDT gain importance from the bundle; null when the bundle carries none. */
  gain: number | null;
  /** False for calendar features (see CALENDAR_FEATURES): reported, never declared drifted. */
  monitored: boolean;
  /** Only the missing share (and, categorical, unseen share) decides: categorical and store-day features. */
  sharesOnly: boolean;
}

/** The slot a categorical value lands in: its tracked index, then "other", then "unseen". */
export function categorySlot(codeSlots: ReadonlyMap<number, number>, seenCodes: ReadonlySet<number>, tracked: number, value: number): number {
  const slot = codeSlots.get(value);
  if (slot !== undefined) return slot;
  return seenCodes.has(value) ? tracked : tracked + 1;
}

function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  return counts.map((count) => (total > 0 ? count / total : 0));
}

function quantile(profile: FeatureProfile, q: number, fallback: number): number {
  return profile.distribution.quantiles.find((entry) => entry.q === q)?.value ?? fallback;
}

function categoricalLayout(profile: FeatureProfile, frequencies: Record<string, number>): Pick<FeatureLayout, 'codes' | 'labels' | 'referenceShares'> {
  const entries = Object.entries(frequencies).map(([label, share], code) => ({ label, share, code }));
  const tracked = entries.filter((entry) => entry.share > 0).sort((a, b) => b.share - a.share || a.code - b.code).slice(0, MAX_TRACKED_CATEGORIES);
  const trackedShare = tracked.reduce((sum, entry) => sum + entry.share, 0);
  return {
    codes: tracked.map((entry) => entry.code),
    labels: tracked.map((entry) => entry.label),
    referenceShares: [...tracked.map((entry) => entry.share), Math.max(0, 1 - trackedShare), 0],
  };
}

/**
 * The count layout of every served feature, derived from the bundle's reference profile
 * alone so the agent (which counts) and the controller (which merges and recomputes) agree.
 * Features missing from the profile get one empty bin and are never declared drifted.
 */
export function driftLayout(reference: ReferenceProfile, featureNames: readonly string[]): FeatureLayout[] {
  const byName = new Map(reference.features.map((feature) => [feature.name, feature]));
  return featureNames.map((name) => {
    const profile = byName.get(name);
    if (!profile) return { name, kind: 'numeric', edges: [], codes: [], labels: [], referenceShares: [0], referenceN: 0, referenceMissingShare: 0, std: null, low: 0, high: 0, gain: null, monitored: false, sharesOnly: false };
    const { distribution } = profile;
    const edges = distribution.histogram.edges;
    const referenceN = distribution.histogram.counts.reduce((sum, count) => sum + count, 0);
    const common = {
      name,
      edges,
      referenceN,
      referenceMissingShare: distribution.missingShare,
      std: distribution.std !== null && distribution.std > 0 ? distribution.std : null,
      low: Math.min(quantile(profile, 0.01, edges[0] ?? 0), edges[0] ?? 0),
      high: Math.max(quantile(profile, 0.99, edges[edges.length - 1] ?? 0), edges[edges.length - 1] ?? 0),
      gain: profile.importance.gain,
      monitored: !CALENDAR_FEATURES.has(name),
      sharesOnly: profile.kind === 'categorical' || STORE_DAY_FEATURES.has(name),
    };
    if (profile.kind === 'categorical' && profile.categoryFrequencies) {
      return { ...common, kind: 'categorical', ...categoricalLayout(profile, profile.categoryFrequencies) };
    }
    return { ...common, kind: 'numeric', codes: [], labels: [], referenceShares: shares(distribution.histogram.counts) };
  });
}

/** Number of count slots of a feature (bins, or tracked categories + other + unseen). */
export function slotCount(feature: FeatureLayout): number {
  return feature.kind === 'categorical' ? feature.codes.length + 2 : feature.edges.length + 1;
}
