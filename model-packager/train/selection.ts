import { baselineFeature, type BaselineName } from './baseline-model.js';
import type { TrainingDataset } from './dataset.js';
import { evaluateRegression, trainingMaseScale } from './evaluate.js';
import type { TimeSplit } from './time-splits.js';

/** The validation-fold WAPEs model selection compared, and the baseline it fell back to, if any. */
export interface Selection {
  validationWape: { model: number; seasonalNaive: number; movingAverage: number };
  /** Set when the selected learner lost to the best baseline: the run's model is that baseline. */
  fallback: { baseline: BaselineName; feature: number } | null;
}

/**
 * The guard of model selection (issue #10): the selected configuration's predictions on the
 * validation fold against seasonal naive and the 28-day moving average on the same rows. When
 * the model is worse than the best baseline, the run's model becomes that baseline (the best
 * one the feature spec can express). Ties go to the learner.
 */
export function selectAgainstBaselines(dataset: TrainingDataset, fold: TimeSplit, predictions: Float64Array, horizon: number): Selection {
  const scale = trainingMaseScale(dataset.history, dataset, fold.testFromDay);
  const compared = evaluateRegression(dataset, fold.test, predictions, horizon, scale);
  const validationWape = { model: compared.model.wape, seasonalNaive: compared.seasonalNaive.wape, movingAverage: compared.movingAverage.wape };
  const baselines = (['movingAverage', 'seasonalNaive'] as const)
    .map((baseline) => ({ baseline, wape: validationWape[baseline], feature: baselineFeature(baseline, dataset.names, horizon) }))
    .filter((entry): entry is { baseline: BaselineName; wape: number; feature: number } => entry.feature !== null && Number.isFinite(entry.wape))
    .sort((a, b) => a.wape - b.wape);
  const best = baselines[0];
  const loses = best !== undefined && !(validationWape.model <= best.wape);
  return { validationWape, fallback: loses ? { baseline: best.baseline, feature: best.feature } : null };
}

