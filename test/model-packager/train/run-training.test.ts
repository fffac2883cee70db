import test from 'ava';
import { join } from 'node:path';
import type { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { createLogger } from '../../../protocols/runtime/logger.js';
import { runTraining } from '../../../model-packager/train/run-training.js';
import { loadRunForPackaging, openRunStore } from '../../../model-packager/tracking/index.js';
import { predictModel } from '../../../model-packager/models/predict.js';
import { generatedSales } from './generated-sales.js';

const logger = createLogger('test', { level: 'silent' });

test('GBDT beats seasonal naive WAPE by ≥ 20% on the holdout; the run holds what packaging needs', async (t) => {
  const data = await generatedSales({ stores: 5, items: 10, days: 500, seed: 7 });
  const store = openRunStore(join(data.dir, 'runs.db'));
  const result = await runTraining(
    { rows: data.rows, dataPath: 'sales.csv', dataSha256: data.dataSha256, validationReport: data.report },
    { model: 'gbdt', folds: 2, locale: data.locales.defaultLocale, storeLocales: data.locales.storeLocales },
    { store, logger, json: true },
  );
  t.log(`rounds ${result.model.rounds}; WAPE ${result.metrics.model.wape.toFixed(4)} vs naive ${result.metrics.seasonalNaive?.wape.toFixed(4)}; improvement ${result.improvementOverSeasonalNaive}`);
  t.true((result.improvementOverSeasonalNaive ?? 0) >= 0.2);
  t.true(result.metrics.model.wape < (result.metrics.movingAverage?.wape ?? 0));
  t.deepEqual(Object.keys(result.perStore ?? {}), ['S001', 'S002', 'S003', 'S004', 'S005']);
  t.is(result.crossValidation.folds.length, 2);
  t.deepEqual(result.crossValidation.folds.map((f) => [f.from, f.to]), [['2024-02-21', '2024-03-19'], ['2024-03-20', '2024-04-16']]);
  t.is(result.rows.holdout, 5 * 10 * 28);

  const run = store.getRun(result.runId);
  t.is(run.status, 'finished');
  t.is(run.modelKind, 'gbdt');
  t.is(run.dataSha256, data.dataSha256);
  t.deepEqual(run.featureSpec?.calendar.holidays.storeLocales.S003, { country: 'FR' });
  t.deepEqual(run.metrics, { model: result.metrics.model, seasonalNaive: result.metrics.seasonalNaive, movingAverage: result.metrics.movingAverage });
  t.is(store.iterations(result.runId).filter((m) => m.name === 'holdout').length, result.model.rounds);
  store.close();

  // What `fleetcast package --run` reads reproduces the tracked holdout WAPE exactly.
  const packaging = loadRunForPackaging(result.runId, join(data.dir, 'runs.db'));
  t.is(packaging.task, 'regression');
  t.is(packaging.sampleRows.length, 5_000 * packaging.featureNames.length);
  t.is(packaging.holdout.rows.length, packaging.holdout.targets.length * packaging.featureNames.length);
  const predictions = predictModel(packaging.model, packaging.holdout.rows, packaging.holdout.targets.length);
  let errors = 0;
  let volume = 0;
  packaging.holdout.targets.forEach((y, i) => {
    errors += Math.abs(predictions[i] - y);
    volume += y;
  });
  t.log(`holdout WAPE on all ${packaging.holdout.targets.length} rows: ${(errors / volume).toFixed(4)}`);
  t.true(errors / volume < (result.metrics.seasonalNaive?.wape ?? 0));
});

test('binary stockout target reports precision, recall, F1 and AUC', async (t) => {
  const data = await generatedSales({ stores: 4, items: 10, days: 200, seed: 3 });
  const store = openRunStore(join(data.dir, 'runs.db'));
  const result = await runTraining({ rows: data.rows, dataPath: null, dataSha256: null, validationReport: null }, { target: 'stockout', folds: 1 }, { store, logger, json: true });
  t.is(result.model.objective, 'logistic');
  t.deepEqual(Object.keys(result.metrics.model).sort(), ['auc', 'f1', 'positiveRate', 'precision', 'recall']);
  t.log(`stockout holdout: ${JSON.stringify(result.metrics.model)}`);
  t.true(result.metrics.model.auc > 0.5, 'better than chance');
  t.is(result.metrics.seasonalNaive, null);
  t.is(loadRunForPackaging(result.runId, join(data.dir, 'runs.db')).task, 'binary');
  store.close();
});

test('bad options are coded and too little history fails the tracked run', async (t) => {
  const data = await generatedSales({ stores: 1, items: 2, days: 60, seed: 1 });
  const store = openRunStore(join(data.dir, 'runs.db'));
  const input = { rows: data.rows, dataPath: null, dataSha256: null, validationReport: null };
  const context = { store, logger, json: true };
  t.is((await t.throwsAsync<FleetcastError>(runTraining(input, { target: 'units', objective: 'logistic' }, context)))?.code, 'FC_ERR_TRAIN_INVALID_PARAMS');
  t.is((await t.throwsAsync<FleetcastError>(runTraining(input, { model: 'mlp', objective: 'tweedie' }, context)))?.code, 'FC_ERR_TRAIN_LEARNER_UNAVAILABLE');
  t.is((await t.throwsAsync<FleetcastError>(runTraining(input, {}, context)))?.code, 'FC_ERR_TRAIN_TOO_LITTLE_HISTORY');
  const [failed] = store.listRuns();
  t.is(failed.status, 'failed');
  t.is(store.getRun(failed.id).error?.code, 'FC_ERR_TRAIN_TOO_LITTLE_HISTORY');
  store.close();
});
