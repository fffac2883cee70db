import test from 'ava';
import { join } from 'node:path';
import { createLogger } from '../../../protocols/runtime/logger.js';
import { predictModel } from '../../../model-packager/models/predict.js';
import { baselineFeature, baselineModel } from '../../../model-packager/train/baseline-model.js';
import { movingAverage, seasonalNaive } from '../../../model-packager/train/baselines.js';
import { buildTrainingDataset, selectRows } from '../../../model-packager/train/dataset.js';
import { runTraining, type TrainingResult } from '../../../model-packager/train/run-training.js';
import { selectAgainstBaselines } from '../../../model-packager/train/selection.js';
import { planTimeSplits } from '../../../model-packager/train/time-splits.js';
import { openRunStore } from '../../../model-packager/tracking/index.js';
import { deriveFeatureSpec } from '../../../protocols/features/index.js';
import { generatedSales } from './generated-sales.js';

const logger = createLogger('test', { level: 'silent' });

// The shape that broke the default (issue #10): order lines in currency, ~70 % zero days,
// heavy-tailed, read as transactions. Small: 6 series × 2 years.
const sales = generatedSales({ stores: 2, items: 3, days: 730, seed: 3, profile: 'intermittent', granularity: 'transactions' });
let defaultRun: Promise<TrainingResult> | undefined;

/** The default `fleetcast train --granularity transactions` run on that data (shared by the tests below). */
async function trainDefault(): Promise<TrainingResult> {
  const data = await sales;
  const store = openRunStore(join(data.dir, 'runs.db'));
  try {
    return await runTraining({ rows: data.rows, dataPath: 'sales.csv', dataSha256: data.dataSha256, validationReport: data.report }, { holdoutDays: 90, locale: data.locales.defaultLocale, storeLocales: data.locales.storeLocales }, { store, logger, json: true });
  } finally {
    store.close();
  }
}

test('default training on intermittent money-valued transactions beats the 28-day moving average by ≥ 10 % WAPE', async (t) => {
  const result = await (defaultRun ??= trainDefault());
  const ma = result.metrics.movingAverage?.wape ?? Number.NaN;
  t.log(`${result.model.kind} ${result.model.objective} ${result.model.rounds} rounds: WAPE ${result.metrics.model.wape.toFixed(4)} vs MA28 ${ma.toFixed(4)}; ${result.objectiveChoice?.reason}`);
  t.is(result.objectiveChoice?.objective, 'tweedie');
  t.true(result.metrics.model.wape <= 0.9 * ma);
  t.false(result.baseline?.worseThanBaseline);
});

test('selection never keeps a model whose validation WAPE is worse than the best baseline', async (t) => {
  const result = await (defaultRun ??= trainDefault());
  const selection = result.selection;
  if (!selection) return t.fail('the default run selects');
  const best = Math.min(selection.validationWape.seasonalNaive, selection.validationWape.movingAverage);
  t.true(selection.fallback !== null || selection.validationWape.model <= best);

  // A model that forecasts 5× the truth loses; the run's model becomes the best baseline,
  // which predicts exactly that baseline's forecasts.
  const data = await sales;
  const spec = deriveFeatureSpec(data.rows, { horizon: 1, defaultLocale: data.locales.defaultLocale });
  const dataset = buildTrainingDataset(data.rows, spec, 'units');
  const fold = planTimeSplits(dataset.day, { holdoutDays: 90, folds: 1, foldDays: 28, minTrainDays: 56 }).folds[0];
  const bad = selectAgainstBaselines(dataset, [{ fold, predictions: Float64Array.from(fold.test, (r) => 5 * dataset.y[r] + 1) }], 1);
  const winner = bad.validationWape.movingAverage <= bad.validationWape.seasonalNaive ? 'movingAverage' : 'seasonalNaive';
  t.is(bad.fallback?.baseline, winner);
  t.is(bad.fallback?.feature ?? null, baselineFeature(winner, dataset.names, 1));
  const good = selectAgainstBaselines(dataset, [{ fold, predictions: Float64Array.from(fold.test, (r) => dataset.y[r]) }], 1);
  t.is(good.fallback, null);

  const model = baselineModel(dataset.names, bad.fallback?.feature ?? -1);
  const predicted = predictModel(model, selectRows(dataset, fold.test).X, fold.test.length);
  const expected = (winner === 'movingAverage' ? movingAverage : seasonalNaive)(dataset.history, dataset.rows, fold.test, 1);
  for (let i = 0; i < expected.length; i += 1) if (Number.isFinite(expected[i])) t.true(Math.abs(predicted[i] - expected[i]) <= 1e-4 * Math.max(1, expected[i]));
});

test('selection pools every cross-validation fold: Σ|e| / Σ|y| over all their days', async (t) => {
  const data = await sales;
  const spec = deriveFeatureSpec(data.rows, { horizon: 1, defaultLocale: data.locales.defaultLocale });
  const dataset = buildTrainingDataset(data.rows, spec, 'units');
  const folds = planTimeSplits(dataset.day, { holdoutDays: 90, folds: 3, foldDays: 28, minTrainDays: 56 }).folds;
  // Exact on the first two folds, 3× the truth on the last: pooled error = 2·Σy(last fold).
  const foldPredictions = folds.map((fold, k) => ({ fold, predictions: Float64Array.from(fold.test, (r) => (k === folds.length - 1 ? 3 : 1) * dataset.y[r]) }));
  const selection = selectAgainstBaselines(dataset, foldPredictions, 1);
  const sumY = (rows: Uint32Array): number => Array.from(rows).reduce((sum, r) => sum + Math.abs(dataset.y[r]), 0);
  const all = folds.reduce((sum, fold) => sum + sumY(fold.test), 0);
  t.is(selection.validationDays, 3 * 28);
  t.true(Math.abs(selection.validationWape.model - (2 * sumY(folds[2].test)) / all) < 1e-9);
});
