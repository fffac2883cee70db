import type { LinearModel } from '../models/trained-model.js';
import { SEASONAL_PERIOD } from './baselines.js';

/** The baselines every units run is measured against (issue #3, #10). */
export type BaselineName = 'seasonalNaive' | 'movingAverage';

/** Window of the moving-average baseline (days). */
export const MOVING_AVERAGE_WINDOW = 28;

/**
 * The feature column that equals a baseline's forecast: the moving average of the 28 days
 * ending at t − horizon is `rolling_mean_28`; seasonal naive (t − 7·⌈horizon/7⌉) is that
 * lag when the spec has it. Null when the spec lacks the column.
 */
export function baselineFeature(name: BaselineName, featureNames: readonly string[], horizon: number): number | null {
  const column = name === 'movingAverage' ? `rolling_mean_${MOVING_AVERAGE_WINDOW}` : `lag_${SEASONAL_PERIOD * Math.ceil(horizon / SEASONAL_PERIOD)}`;
  const index = featureNames.indexOf(column);
  return index < 0 ? null : index;
}

/**
 * A baseline as a deployable model (issue #10): a linear model with identity link whose only
 * coefficient is 1 on the baseline's feature column, so it exports to ONNX, packages and
 * scores on the agent like any model. Chosen when no learner beats the best baseline on the
 * validation fold. A missing value (no history yet) predicts 0.
 */
export function baselineModel(featureNames: readonly string[], feature: number): LinearModel {
  const zeros = featureNames.map(() => 0);
  return {
    kind: 'linear',
    objective: 'squared',
    link: 'identity',
    featureNames: [...featureNames],
    inputMean: zeros,
    inputStd: featureNames.map(() => 1),
    inputImpute: zeros,
    coefficients: featureNames.map((_, f) => (f === feature ? 1 : 0)),
    intercept: 0,
  };
}
