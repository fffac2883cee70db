import test from 'ava';
import { addObservation, auc, logLoss, binaryMetrics, emptyCounters, mase, maseScale, mergeCounters, metricsFromCounters, regressionMetrics, wape } from '../../../protocols/metrics/index.js';

const actual = [10, 0, 5, 20];
const predicted = [12, 1, 5, 14];
// errors e = p − y: [2, 1, 0, −6]; |e| sum 9; e² sum 41; Σy = 35; ȳ = 8.75; Σ(y−ȳ)² = 1.5625 + 76.5625 + 14.0625 + 126.5625 = 218.75

test('regression metrics match hand-computed values', (t) => {
  const scale = maseScale([[1, 2, 3, 4, 5, 6, 7, 3, 2, 3]]); // |3−1|, |2−2|, |3−3| → mean 2/3
  t.is(scale, 2 / 3);
  const m = regressionMetrics(actual, predicted, scale);
  t.is(m.mae, 9 / 4);
  t.is(m.rmse, Math.sqrt(41 / 4));
  t.is(m.bias, -3 / 4);
  t.is(m.wape, 9 / 35);
  t.is(m.r2, 1 - 41 / 218.75);
  t.is(m.mase, 9 / 4 / (2 / 3));
  t.is(mase(actual, actual, scale), 0);
  t.true(Number.isNaN(wape([], [])));
});

test('counters give the same MAE/WAPE/bias/RMSE as the direct formulas, and merge additively', (t) => {
  const first = emptyCounters();
  const second = emptyCounters();
  actual.forEach((y, i) => addObservation(i < 2 ? first : second, y, predicted[i]));
  const total = mergeCounters([first, second]);
  t.deepEqual(total, { n: 4, sumAbsError: 9, sumAbsActual: 35, sumError: -3, sumSquaredError: 41 });
  t.deepEqual(metricsFromCounters(total), { mae: 9 / 4, wape: 9 / 35, bias: -3 / 4, rmse: Math.sqrt(41 / 4) });
  t.deepEqual(metricsFromCounters(emptyCounters()), { mae: null, wape: null, bias: null, rmse: null });
});

test('binary metrics match hand-computed values', (t) => {
  const labels = [1, 0, 1, 0, 1];
  const scores = [0.9, 0.8, 0.4, 0.1, 0.6];
  // threshold 0.5: predicted positive = rows 0, 1, 4 → TP 2, FP 1, FN 1
  const m = binaryMetrics(labels, scores);
  t.is(m.precision, 2 / 3);
  t.is(m.recall, 2 / 3);
  t.is(m.f1, 2 / 3);
  // pairs (pos, neg): (0.9 > 0.8, 0.1), (0.4 < 0.8, > 0.1), (0.6 < 0.8, > 0.1) → 4 of 6
  t.is(m.auc, 4 / 6);
  t.is(m.positiveRate, 3 / 5);
  t.is(auc([1, 0], [0.5, 0.5]), 0.5, 'ties count half');
  t.true(Number.isNaN(auc([1, 1], [0.2, 0.3])));
  t.is(logLoss([1, 0], [0.8, 0.4]), -(Math.log(0.8) + Math.log(0.6)) / 2);
  t.is(logLoss([1], [0]), -Math.log(1e-15), 'clipped, not infinite');
});
