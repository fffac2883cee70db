import test from 'ava';
import fc from 'fast-check';
import { buildFeatureMatrix, fromEpochDay, SalesHistory, toEpochDay, type FeatureSpec } from '../../../protocols/features/index.js';
import type { SalesRow } from '../../../protocols/data/sales-row.js';

const HORIZON = 3;

const spec: FeatureSpec = {
  version: 1,
  horizon: HORIZON,
  calendar: { dayOfWeek: true, dayOfMonth: false, month: false, weekOfYear: false, holidays: { enabled: false, window: 7, defaultLocale: { country: 'DE' }, storeLocales: {} } },
  lags: [3, 7, 14],
  rolling: [{ window: 5, stats: ['mean', 'std'] }],
  price: { enabled: true, relativeWindow: 7 },
  promo: false,
  weather: [],
  encodings: { store: { kind: 'ordinal', vocabulary: ['s'] }, item: { kind: 'ordinal', vocabulary: ['i'] } },
};

const START = toEpochDay('2024-03-01');

function series(units: number[], prices: number[]): SalesRow[] {
  return units.map((u, d) => ({ date: fromEpochDay(START + d), store: 's', item: 'i', units: u, price: prices[d] }));
}

test('changing targets and prices after t − horizon never changes row t', (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 40, maxLength: 40 }),
      fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 40, maxLength: 40 }),
      fc.integer({ min: 15, max: 39 }),
      (units, replacement, target) => {
        const prices = units.map((u) => 1 + u / 10);
        const original = series(units, prices);
        const changedUnits = units.map((u, d) => (d > target - HORIZON ? replacement[d] : u));
        const changedPrices = prices.map((p, d) => (d > target - HORIZON ? 7 + replacement[d] : p));
        const request = [{ store: 's', item: 'i', date: fromEpochDay(START + target), price: 2 }];
        const before = buildFeatureMatrix(spec, SalesHistory.fromRows(original), request).matrix;
        const after = buildFeatureMatrix(spec, SalesHistory.fromRows(series(changedUnits, changedPrices)), request).matrix;
        t.deepEqual(after, before);
      },
    ),
    { numRuns: 200 },
  );
});

test('the target at exactly t − horizon is used (the check above is not vacuous)', (t) => {
  const units = Array.from({ length: 30 }, (_, d) => d);
  const target = 20;
  const request = [{ store: 's', item: 'i', date: fromEpochDay(START + target), price: 2 }];
  const before = buildFeatureMatrix(spec, SalesHistory.fromRows(series(units, units.map(() => 1))), request);
  units[target - HORIZON] = 1000;
  const after = buildFeatureMatrix(spec, SalesHistory.fromRows(series(units, units.map(() => 1))), request);
  t.is(before.matrix[before.names.indexOf('lag_3')], 17);
  t.is(after.matrix[after.names.indexOf('lag_3')], 1000);
  t.not(after.matrix[after.names.indexOf('rolling_mean_5')], before.matrix[before.names.indexOf('rolling_mean_5')]);
});
