import test from 'ava';
import { fitGbdt } from '../../../model-packager/learners/gbdt/fit-gbdt.js';
import { predictModel } from '../../../model-packager/models/predict.js';
import { gbdtModelSchema } from '../../../model-packager/models/trained-model.js';
import { auc, makeSet, poissonDraw, rmse } from './fixtures.js';

const step = (x: number) => (x < 3 ? 1 : x < 7 ? 5 : -2);

/** x0 on a 0.1 grid: 100 distinct values fit in 255 bins, so every step edge is a bin edge. */
const gridValue = (r: () => number) => Math.floor(100 * r()) / 10;

test('fits a noiseless step function to RMSE < 0.01 with real-valued thresholds', async (t) => {
  const data = makeSet(2000, 2, 1, (r) => [gridValue(r), r()], (x) => step(x[0]));
  const { model, history } = await fitGbdt({ ...data, params: { rounds: 60, learningRate: 0.5, maxDepth: 3 }, workers: 2 });
  t.true(gbdtModelSchema.safeParse(model).success);
  t.is(model.trees.length, 60);
  const fitted = predictModel(model, data.X, data.nRows);
  t.true(rmse(fitted, data.y) < 0.01);
  t.true(history[59].train < 0.01);
  const unseen = makeSet(500, 2, 2, (r) => [gridValue(r), r()], (x) => step(x[0]));
  t.true(rmse(predictModel(model, unseen.X, unseen.nRows), unseen.y) < 0.01);
  // Thresholds are bin upper edges, i.e. values that occur in the data (first tree, root split on x0).
  const x0Values = new Set(Array.from({ length: data.nRows }, (_, r) => data.X[r * 2]));
  t.is(model.trees[0].feature[0], 0);
  t.true(x0Values.has(model.trees[0].threshold[0]));
  t.true([Math.fround(2.9), Math.fround(6.9)].includes(model.trees[0].threshold[0]));
});

test('routes missing values by the learned default direction', async (t) => {
  for (const missingTarget of [0, 1]) {
    // x < 0.5 → 0, x ≥ 0.5 → 1, missing → missingTarget: one stump, NaN must follow its look-alikes.
    const data = makeSet(1000, 1, 3, (r) => [r() < 0.2 ? NaN : Math.floor(20 * r()) / 20], (x) => (Number.isNaN(x[0]) ? missingTarget : x[0] < 0.5 ? 0 : 1));
    const { model } = await fitGbdt({ ...data, params: { rounds: 1, learningRate: 1, maxDepth: 1, lambda: 0 }, workers: 0 });
    const root = model.trees[0];
    t.is(root.feature[0], 0);
    t.is(root.missingGoesLeft[0], missingTarget === 0);
    const predictions = predictModel(model, Float32Array.of(NaN, 0.25, 0.75), 3);
    t.is(root.threshold[0], Math.fround(0.45));
    // Gradients are float32, hence 1e-6 rather than exact equality.
    t.true(Math.abs(predictions[0] - missingTarget) < 1e-6);
    t.true(Math.abs(predictions[1]) < 1e-6);
    t.true(Math.abs(predictions[2] - 1) < 1e-6);
  }
});

test('a distinct missing-value target is learned across deeper trees', async (t) => {
  const data = makeSet(3000, 2, 4, (r) => [r() < 0.1 ? NaN : gridValue(r), r()], (x) => (Number.isNaN(x[0]) ? 8 : step(x[0])));
  const { model } = await fitGbdt({ ...data, params: { rounds: 40, learningRate: 0.5, maxDepth: 3 } });
  const predictions = predictModel(model, Float32Array.of(NaN, 0.5, 1, 0.5, 5, 0.5, 9, 0.5), 4);
  t.deepEqual(Array.from(predictions, (p) => Math.round(p * 100) / 100), [8, 1, 5, -2]);
});

test('Poisson objective recovers the mean rate exp(0.5 + 1.5·x0)', async (t) => {
  const rate = (x: number) => Math.exp(0.5 + 1.5 * x);
  const data = makeSet(20000, 2, 5, (r) => [r(), r()], (x, r) => poissonDraw(rate(x[0]), r));
  const { model, history } = await fitGbdt({ ...data, params: { objective: 'poisson', rounds: 150, learningRate: 0.1, maxDepth: 3, minChildWeight: 5 } });
  t.is(model.link, 'exp');
  t.true(history[149].train < history[0].train);
  const grid = Float32Array.of(0.1, 0.5, 0.5, 0.5, 0.9, 0.5);
  const predicted = predictModel(model, grid, 3);
  [0.1, 0.5, 0.9].forEach((x, i) => t.true(Math.abs(predicted[i] / rate(x) - 1) < 0.1, `x=${x}: ${predicted[i]} vs ${rate(x)}`));
});

test('Tweedie objective fits zero-inflated counts', async (t) => {
  const mean = (x: number) => 0.7 * (0.5 + 20 * x * x);
  const data = makeSet(5000, 1, 6, (r) => [r()], (x, r) => (r() < 0.3 ? 0 : poissonDraw(0.5 + 20 * x[0] * x[0], r)));
  const { model, history } = await fitGbdt({ ...data, params: { objective: 'tweedie', tweediePower: 1.3, rounds: 100, maxDepth: 2 } });
  t.is(model.tweediePower, 1.3);
  t.is(model.link, 'exp');
  t.true(history[99].train < 0.7 * history[0].train);
  const predicted = predictModel(model, Float32Array.of(0.5, 0.9), 2);
  [0.5, 0.9].forEach((x, i) => t.true(Math.abs(predicted[i] / mean(x) - 1) < 0.15, `x=${x}: ${predicted[i]} vs ${mean(x)}`));
});

test('logistic objective separates classes (holdout AUC > 0.95)', async (t) => {
  const label = (x: number[]) => (x[0] + x[1] > 1 ? 1 : 0);
  const train = makeSet(4000, 3, 7, (r) => [r(), r(), r()], label);
  const holdout = makeSet(2000, 3, 8, (r) => [r(), r(), r()], label);
  const { model } = await fitGbdt({ ...train, params: { objective: 'logistic', rounds: 60, maxDepth: 4 } });
  t.is(model.link, 'sigmoid');
  const scores = predictModel(model, holdout.X, holdout.nRows);
  t.true(scores.every((p) => p > 0 && p < 1));
  t.true(auc(scores, holdout.y) > 0.95);
});

test('row and column subsampling are deterministic for a seed and independent of the worker count', async (t) => {
  const data = makeSet(3000, 6, 9, (r) => Array.from({ length: 6 }, () => r()), (x, r) => x[0] * 3 + Math.sin(6 * x[1]) + x[2] * x[3] + 0.1 * r());
  const params = { rounds: 15, maxDepth: 4, subsample: 0.7, colsampleByTree: 0.5, seed: 42 };
  const first = await fitGbdt({ ...data, params, workers: 2 });
  const again = await fitGbdt({ ...data, params, workers: 0 });
  const otherSeed = await fitGbdt({ ...data, params: { ...params, seed: 43 }, workers: 2 });
  t.deepEqual(again.model, first.model);
  t.deepEqual(again.history, first.history);
  t.notDeepEqual(otherSeed.model.trees, first.model.trees);
  const features = new Set(first.model.trees.flatMap((tree) => tree.feature.filter((f) => f >= 0)));
  t.true(features.size > 3, 'different trees use different sampled features');
});

test('early stopping stops when the validation loss stalls and keeps the best round', async (t) => {
  // The target is pure noise: validation loss is best after a few rounds and then rises.
  const noise = (_x: number[], r: () => number) => r();
  const train = makeSet(1000, 3, 10, (r) => [r(), r(), r()], noise);
  const validation = makeSet(1000, 3, 11, (r) => [r(), r(), r()], noise);
  const rounds: number[] = [];
  const result = await fitGbdt({ ...train, validation, params: { rounds: 500, maxDepth: 6, learningRate: 0.3, earlyStoppingRounds: 5 }, onIteration: (i) => rounds.push(i) });
  t.true(result.history.length < 500);
  t.is(result.history.length, result.bestIteration + 1 + 5);
  t.is(result.model.trees.length, result.bestIteration + 1);
  t.is(rounds.length, result.history.length);
  const best = Math.min(...result.history.map((h) => h.valid ?? Infinity));
  t.is(result.history[result.bestIteration].valid, best);
});

test('maxLeaves caps the leaves of every tree', async (t) => {
  const data = makeSet(2000, 2, 12, (r) => [gridValue(r), r()], (x) => step(x[0]) + x[1]);
  const { model } = await fitGbdt({ ...data, params: { rounds: 5, maxDepth: 6, maxLeaves: 3 } });
  for (const tree of model.trees) t.is(tree.feature.filter((f) => f === -1).length, 3);
});

test('bad input and parameters are rejected with coded errors', async (t) => {
  const data = makeSet(10, 2, 13, (r) => [r(), r()], () => 1);
  await t.throwsAsync(fitGbdt({ ...data, params: { maxDepth: 0 } }), { code: 'FC_ERR_TRAIN_INVALID_PARAMS' } as never);
  await t.throwsAsync(fitGbdt({ ...data, params: { earlyStoppingRounds: 3 } }), { code: 'FC_ERR_TRAIN_INVALID_PARAMS' } as never);
  await t.throwsAsync(fitGbdt({ ...data, nRows: 11 }), { code: 'FC_ERR_TRAIN_INVALID_INPUT' } as never);
  await t.throwsAsync(fitGbdt({ ...data, featureNames: ['a'] }), { code: 'FC_ERR_TRAIN_INVALID_INPUT' } as never);
  await t.throwsAsync(fitGbdt({ ...data, y: data.y.map(() => 2), params: { objective: 'logistic' } }), { code: 'FC_ERR_TRAIN_INVALID_INPUT' } as never);
  await t.throwsAsync(fitGbdt({ ...data, y: data.y.map(() => -1), params: { objective: 'poisson' } }), { code: 'FC_ERR_TRAIN_INVALID_INPUT' } as never);
});
