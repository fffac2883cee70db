import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../protocols/runtime/logger.js';
import { runTraining } from '../../../model-packager/train/run-training.js';
import { loadRunForPackaging, openRunStore } from '../../../model-packager/tracking/index.js';
import { predictModel } from '../../../model-packager/models/predict.js';
import { syntheticSales } from './synthetic-sales.js';

const logger = createLogger('test', { level: 'silent' });

test('GBDT beats seasonal naive WAPE by at least 20% on the holdout and the run is tracked', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-train-'));
  const store = openRunStore(join(dir, 'runs.db'));
  const rows = syntheticSales({ stores: 5, items: 10, days: 500, seed: 7 });
  const started = Date.now();
  const result = await runTraining({ rows, dataPath: null, dataSha256: null, validationReport: null }, { model: 'gbdt', folds: 2 }, { store, logger, json: true });
  t.log(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s; rounds ${result.model.rounds}; WAPE ${result.metrics.model.wape.toFixed(4)} vs naive ${result.metrics.seasonalNaive?.wape.toFixed(4)}; improvement ${result.improvementOverSeasonalNaive}`);
  t.true((result.improvementOverSeasonalNaive ?? 0) >= 0.2);
  t.is(result.metrics.model.wape < (result.metrics.movingAverage?.wape ?? 0), true);
  t.deepEqual(Object.keys(result.perStore ?? {}), ['s1', 's2', 's3', 's4', 's5']);
  t.is(result.crossValidation.folds.length, 2);
  t.is(result.rows.holdout, 5 * 10 * 28);

  const run = store.getRun(result.runId);
  t.is(run.status, 'finished');
  t.is(run.modelKind, 'gbdt');
  t.deepEqual(run.metrics, { model: result.metrics.model, seasonalNaive: result.metrics.seasonalNaive });
  t.true(store.iterations(result.runId).filter((m) => m.name === 'holdout').length === result.model.rounds);
  store.close();

  // What `fleetcast package --run` reads reproduces the tracked holdout metrics.
  const packaging = loadRunForPackaging(result.runId, join(dir, 'runs.db'));
  t.is(packaging.holdout.targets.length, result.rows.holdout);
  t.is(packaging.sampleRows.length, 5_000 * packaging.featureNames.length);
  const predictions = predictModel(packaging.model, packaging.holdout.rows, packaging.holdout.targets.length);
  t.is(packaging.holdout.rows.length, packaging.holdout.targets.length * packaging.featureNames.length);
  t.true(predictions.every(Number.isFinite));
});

test('binary stockout target reports precision, recall, F1 and AUC', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-train-'));
  const store = openRunStore(join(dir, 'runs.db'));
  const rows = syntheticSales({ stores: 2, items: 4, days: 200, seed: 3 });
  const result = await runTraining({ rows, dataPath: null, dataSha256: null, validationReport: null }, { target: 'stockout', folds: 1 }, { store, logger, json: true });
  t.is(result.model.objective, 'logistic');
  t.deepEqual(Object.keys(result.metrics.model).sort(), ['auc', 'f1', 'positiveRate', 'precision', 'recall']);
  t.is(result.metrics.seasonalNaive, null);
  t.is(store.getRun(result.runId).target, 'stockout');
  store.close();
});

test('bad options are coded and too little history fails the tracked run', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fc-train-'));
  const store = openRunStore(join(dir, 'runs.db'));
  const rows = syntheticSales({ stores: 1, items: 2, days: 60, seed: 1 });
  const data = { rows, dataPath: null, dataSha256: null, validationReport: null };
  const mismatch = await t.throwsAsync(runTraining(data, { target: 'units', objective: 'logistic' }, { store, logger, json: true }));
  t.is((mismatch as { code?: string }).code, 'FC_ERR_TRAIN_INVALID_PARAMS');
  const short = await t.throwsAsync(runTraining(data, {}, { store, logger, json: true }));
  t.is((short as { code?: string }).code, 'FC_ERR_TRAIN_TOO_LITTLE_HISTORY');
  const [failed] = store.listRuns();
  t.is(failed.status, 'failed');
  t.is(store.getRun(failed.id).error?.code, 'FC_ERR_TRAIN_TOO_LITTLE_HISTORY');
  store.close();
});
