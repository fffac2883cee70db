import { describeDistribution } from '../../protocols/drift/describe.js';
import { referenceProfileSchema, type ReferenceProfile } from '../../protocols/drift/reference-profile.js';
import { errorStatistics } from './error-stats.js';
import type { Importance } from './importances.js';

/** Inputs for a reference profile; `rows` is a sample of training feature rows, row-major. */
export interface ReferenceInputs {
  featureNames: string[];
  rows: Float32Array;
  /** Predictions of the packaged model on `rows` (the reference prediction distribution). */
  predictions: ArrayLike<number>;
  /** Vocabularies of ordinal-encoded categorical features (store, item), by feature name. */
  categorical: Record<string, string[]>;
  importances: Importance[] | null;
  holdout: { actual: ArrayLike<number>; predicted: ArrayLike<number> } | null;
}

function column(rows: Float32Array, featureCount: number, index: number): Float64Array {
  const n = rows.length / featureCount;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r += 1) out[r] = rows[r * featureCount + index];
  return out;
}

/** Share of non-missing rows per vocabulary entry (codes outside the vocabulary are left out). */
function categoryFrequencies(values: Float64Array, vocabulary: string[]): Record<string, number> {
  const counts = new Array<number>(vocabulary.length).fill(0);
  let present = 0;
  for (const value of values) {
    if (Number.isNaN(value)) continue;
    present += 1;
    if (Number.isInteger(value) && value >= 0 && value < vocabulary.length) counts[value] += 1;
  }
  return Object.fromEntries(vocabulary.map((name, i) => [name, present > 0 ? counts[i] / present : 0]));
}

/** Builds and validates `reference.json` (issue #4, "Reference profile for drift"). */
export function buildReferenceProfile(inputs: ReferenceInputs): ReferenceProfile {
  const f = inputs.featureNames.length;
  const n = inputs.rows.length / f;
  const profile: ReferenceProfile = {
    formatVersion: 1,
    rows: n,
    features: inputs.featureNames.map((name, i) => {
      const values = column(inputs.rows, f, i);
      const vocabulary = inputs.categorical[name];
      const importance = inputs.importances?.[i] ?? { gain: null, splits: null, weight: null };
      return {
        name,
        kind: vocabulary ? ('categorical' as const) : ('numeric' as const),
        distribution: describeDistribution(values),
        categoryFrequencies: vocabulary ? categoryFrequencies(values, vocabulary) : null,
        importance,
      };
    }),
    prediction: describeDistribution(inputs.predictions),
    validationErrors: inputs.holdout && inputs.holdout.actual.length > 0 ? errorStatistics(inputs.holdout.actual, inputs.holdout.predicted) : null,
  };
  return referenceProfileSchema.parse(profile);
}
