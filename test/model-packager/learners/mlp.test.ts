import test from 'ava';
import { fitMlp } from '../../../model-packager/learners/mlp/fit-mlp.js';
import { predictModel } from '../../../model-packager/models/predict.js';
import { mlpModelSchema } from '../../../model-packager/models/trained-model.js';
import { makeSet, poissonDraw, rmse } from './fixtures.js';

test('fits a smooth non-linear function (RMSE well below the target spread)', (t) => {
  const target = (x: number[]) => Math.sin(3 * x[0]) + x[1] * x[1];
  const data = makeSet(2000, 2, 31, (r) => [2 * r() - 1, 2 * r() - 1], target);
  const holdout = makeSet(500, 2, 32, (r) => [2 * r() - 1, 2 * r() - 1], target);
  const { model, history } = fitMlp({ ...data, params: { hiddenLayers: [32, 16], epochs: 60, learningRate: 0.01, batchSize: 32 } });
  t.true(mlpModelSchema.safeParse(model).success);
  t.is(model.layers.length, 3);
  t.is(model.layers[0].weights.length, 32);
  t.is(model.layers[2].activation, 'identity');
  t.true(history[59].train < history[0].train);
  t.true(rmse(predictModel(model, holdout.X, holdout.nRows), holdout.y) < 0.1, 'target std is ≈ 0.75');
});

test('same seed gives the same network; missing inputs are mean-imputed', (t) => {
  const data = makeSet(300, 2, 33, (r) => [r() < 0.1 ? NaN : r(), r()], (x) => 2 * x[1]);
  const params = { hiddenLayers: [8], epochs: 5, seed: 7 };
  const first = fitMlp({ ...data, params }).model;
  t.deepEqual(fitMlp({ ...data, params }).model, first);
  t.notDeepEqual(fitMlp({ ...data, params: { ...params, seed: 8 } }).model.layers, first.layers);
  const [missing, mean] = predictModel(first, Float64Array.of(NaN, 0.3, first.inputMean[0], 0.3), 2);
  t.true(Math.abs(missing - mean) < 1e-12);
});

test('Poisson objective learns the log rate', (t) => {
  const rate = (x: number) => Math.exp(1 + x);
  const data = makeSet(8000, 1, 34, (r) => [2 * r() - 1], (x, r) => poissonDraw(rate(x[0]), r));
  const { model } = fitMlp({ ...data, params: { objective: 'poisson', hiddenLayers: [16], epochs: 40, learningRate: 0.003, batchSize: 128 } });
  t.is(model.link, 'exp');
  const predicted = predictModel(model, Float32Array.of(-0.5, 0, 0.5), 3);
  [-0.5, 0, 0.5].forEach((x, i) => t.true(Math.abs(predicted[i] / rate(x) - 1) < 0.1, `x=${x}: ${predicted[i]} vs ${rate(x)}`));
});

test('early stopping keeps the best validation epoch', (t) => {
  const noise = (_x: number[], r: () => number) => r();
  const train = makeSet(200, 4, 35, (r) => [r(), r(), r(), r()], noise);
  const validation = makeSet(200, 4, 36, (r) => [r(), r(), r(), r()], noise);
  const { history, bestEpoch } = fitMlp({ ...train, validation, params: { hiddenLayers: [64, 64], epochs: 500, learningRate: 0.01, batchSize: 16, earlyStoppingRounds: 5 } });
  t.true(history.length < 500);
  t.is(history.length, bestEpoch + 1 + 5);
  t.is(history[bestEpoch].valid, Math.min(...history.map((h) => h.valid ?? Infinity)));
  t.throws(() => fitMlp({ ...train, params: { earlyStoppingRounds: 3 } }), { code: 'FC_ERR_TRAIN_INVALID_PARAMS' } as never);
});
