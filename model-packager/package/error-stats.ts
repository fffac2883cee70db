import { bias, mae, rmse, wape as sharedWape } from '../../protocols/metrics/regression.js';
import { quantileOfSorted } from '../../protocols/drift/quantiles.js';
import { PROFILE_QUANTILES, type ReferenceProfile } from '../../protocols/drift/reference-profile.js';

/** WAPE from the shared formula, or null where it is undefined (actuals sum to zero). */
export function wape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number | null {
  const value = sharedWape(actual, predicted);
  return Number.isFinite(value) ? value : null;
}

/** Holdout error statistics for the reference profile (WAPE, MAE, RMSE, bias, |error| quantiles). */
export function errorStatistics(actual: ArrayLike<number>, predicted: ArrayLike<number>): NonNullable<ReferenceProfile['validationErrors']> {
  const absErrors = Float64Array.from({ length: actual.length }, (_, i) => Math.abs(predicted[i] - actual[i])).sort();
  return {
    rows: actual.length,
    wape: wape(actual, predicted),
    mae: mae(actual, predicted),
    rmse: rmse(actual, predicted),
    bias: bias(actual, predicted),
    absErrorQuantiles: PROFILE_QUANTILES.map((q) => ({ q, value: quantileOfSorted(absErrors, q) })),
  };
}
