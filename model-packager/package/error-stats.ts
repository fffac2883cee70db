import { quantileOfSorted } from '../../protocols/drift/quantiles.js';
import { PROFILE_QUANTILES, type ReferenceProfile } from '../../protocols/drift/reference-profile.js';

/** WAPE = Σ|y − ŷ| / Σ|y| (null when the actuals sum to zero, where WAPE is undefined). */
export function wape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number | null {
  let errors = 0;
  let total = 0;
  for (let i = 0; i < actual.length; i += 1) {
    errors += Math.abs(actual[i] - predicted[i]);
    total += Math.abs(actual[i]);
  }
  return total > 0 ? errors / total : null;
}

/** Holdout error statistics for the reference profile (WAPE, MAE, RMSE, bias, |error| quantiles). */
export function errorStatistics(actual: ArrayLike<number>, predicted: ArrayLike<number>): NonNullable<ReferenceProfile['validationErrors']> {
  const n = actual.length;
  const absErrors = new Float64Array(n);
  let squared = 0;
  let signed = 0;
  for (let i = 0; i < n; i += 1) {
    const error = predicted[i] - actual[i];
    absErrors[i] = Math.abs(error);
    squared += error * error;
    signed += error;
  }
  absErrors.sort();
  return {
    rows: n,
    wape: wape(actual, predicted),
    mae: absErrors.reduce((sum, v) => sum + v, 0) / n,
    rmse: Math.sqrt(squared / n),
    bias: signed / n,
    absErrorQuantiles: PROFILE_QUANTILES.map((q) => ({ q, value: quantileOfSorted(absErrors, q) })),
  };
}
