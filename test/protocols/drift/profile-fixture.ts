import { describeDistribution } from '../../../protocols/drift/describe.js';
import type { ReferenceProfile } from '../../../protocols/drift/reference-profile.js';
import { normals, uniforms } from './samples.js';

/** Longest realistic feature names (protocols/features/feature-names.ts), for wire-size tests. */
export const FEATURE_NAMES = [
  'lag_7', 'lag_14', 'lag_21', 'lag_28', 'lag_35', 'lag_42', 'lag_49', 'lag_56', 'lag_364',
  'rolling_mean_7', 'rolling_mean_14', 'rolling_mean_28', 'rolling_std_7', 'rolling_std_14', 'rolling_std_28',
  'rolling_min_28', 'rolling_max_28', 'day_of_week', 'day_of_month', 'month', 'week_of_year',
  'is_holiday', 'days_to_holiday', 'days_after_holiday', 'price', 'price_relative', 'promo', 'temp_c', 'store', 'item',
];

/** Categories of the fixture's categorical features ('store', 'item'). */
export const VOCABULARY = Array.from({ length: 40 }, (_, i) => `c${i}`);

/** One row of feature values: numeric features N(0,1)·(f+1) + f, categorical codes uniform over 30 of 40 categories. */
export function sampleRows(n: number, seed: number, names = FEATURE_NAMES, shift: Record<string, number> = {}): Float32Array {
  const random = uniforms(seed * 7919 + 1);
  const columns = names.map((name, f) => (name === 'store' || name === 'item' ? null : normals(n, seed * 104729 + f, f + (shift[name] ?? 0) * (f + 1), f + 1)));
  const matrix = new Float32Array(n * names.length);
  for (let r = 0; r < n; r += 1) {
    names.forEach((_, f) => {
      matrix[r * names.length + f] = columns[f]?.[r] ?? Math.floor(random() * 30);
    });
  }
  return matrix;
}

/** A reference profile of `n` fixture rows; `gains` sets GBDT gain importances (null: none). */
export function fixtureProfile(n = 5000, names = FEATURE_NAMES, gains: number[] | null = null): ReferenceProfile {
  const rows = sampleRows(n, 1, names);
  return {
    formatVersion: 1,
    rows: n,
    features: names.map((name, f) => {
      const values = Array.from({ length: n }, (_, r) => rows[r * names.length + f]);
      const categorical = name === 'store' || name === 'item';
      const frequencies = categorical ? Object.fromEntries(VOCABULARY.map((label, code) => [label, values.filter((v) => v === code).length / n])) : null;
      return {
        name,
        kind: categorical ? 'categorical' : 'numeric',
        distribution: describeDistribution(values),
        categoryFrequencies: frequencies,
        importance: { gain: gains ? gains[f] : null, splits: null, weight: null },
      };
    }),
    prediction: describeDistribution(normals(n, 99, 10, 2)),
    validationErrors: null,
  };
}
