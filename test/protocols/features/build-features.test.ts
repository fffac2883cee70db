import test from 'ava';
import type { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { buildFeatureMatrix, deriveFeatureSpec, featureNames, SalesHistory, type FeatureSpec } from '../../../protocols/features/index.js';
import type { SalesRow } from '../../../protocols/data/sales-row.js';

/** s1/i1 sells `day of month` units on 2024-12-01 … 12-24 at price 2, except 4 on 12-24. */
function decemberRows(): SalesRow[] {
  const rows: SalesRow[] = [];
  for (let day = 1; day <= 24; day += 1) {
    rows.push({ date: `2024-12-${String(day).padStart(2, '0')}`, store: 's1', item: 'i1', units: day, price: day === 24 ? 4 : 2 });
  }
  return rows;
}

function deSpec(): FeatureSpec {
  return {
    version: 1,
    horizon: 1,
    calendar: { dayOfWeek: true, dayOfMonth: true, month: true, weekOfYear: true, holidays: { enabled: true, window: 4, defaultLocale: { country: 'DE' }, storeLocales: {} } },
    lags: [1, 7],
    rolling: [{ window: 3, stats: ['mean', 'std'] }],
    price: { enabled: true, relativeWindow: 3 },
    promo: true,
    weather: ['tempC'],
    encodings: { store: { kind: 'ordinal', vocabulary: ['s0', 's1'] }, item: { kind: 'ordinal', vocabulary: ['i1'] } },
  };
}

function row(matrix: { names: string[]; matrix: Float32Array }, r: number): Record<string, number> {
  const width = matrix.names.length;
  return Object.fromEntries(matrix.names.map((name, c) => [name, matrix.matrix[r * width + c]]));
}

test('features match hand-computed values on Christmas Day 2024 in DE and two days later', (t) => {
  const history = SalesHistory.fromRows(decemberRows());
  const result = buildFeatureMatrix(deSpec(), history, [
    { store: 's1', item: 'i1', date: '2024-12-25', price: 3, promo: true, tempC: 1.5 },
    { store: 's1', item: 'i1', date: '2024-12-27' },
  ]);
  t.is(result.nRows, 2);
  t.deepEqual(result.names, ['lag_1', 'lag_7', 'rolling_mean_3', 'rolling_std_3', 'day_of_week', 'day_of_month', 'month', 'week_of_year', 'is_holiday', 'days_to_holiday', 'days_after_holiday', 'price', 'price_relative', 'promo', 'temp_c', 'store', 'item']);
  const christmas = row(result, 0);
  t.is(christmas.lag_1, 24);
  t.is(christmas.lag_7, 18);
  t.is(christmas.rolling_mean_3, 23);
  t.is(christmas.rolling_std_3, Math.fround(Math.sqrt(2 / 3)));
  t.is(christmas.day_of_week, 2); // Wednesday, Monday = 0
  t.is(christmas.day_of_month, 25);
  t.is(christmas.month, 12);
  t.is(christmas.week_of_year, 52);
  t.is(christmas.is_holiday, 1);
  t.is(christmas.days_to_holiday, 0);
  t.is(christmas.days_after_holiday, 0);
  t.is(christmas.price, 3);
  t.is(christmas.price_relative, Math.fround(3 / (8 / 3)));
  t.is(christmas.promo, 1);
  t.is(christmas.temp_c, 1.5);
  t.is(christmas.store, 1);
  t.is(christmas.item, 0);

  const friday = row(result, 1);
  t.true(Number.isNaN(friday.lag_1), 'no actual for 12-26 → missing, not zero');
  t.is(friday.lag_7, 20);
  t.is(friday.rolling_mean_3, 24, 'only 12-24 is in the window 12-24 … 12-26');
  t.true(Number.isNaN(friday.rolling_std_3));
  t.is(friday.day_of_week, 4);
  t.is(friday.is_holiday, 0);
  t.is(friday.days_to_holiday, 4, 'next public holiday 2025-01-01 is 5 days away, capped at window 4');
  t.is(friday.days_after_holiday, 1, '2nd Christmas day 12-26');
  t.true(Number.isNaN(friday.price));
  t.true(Number.isNaN(friday.promo));
  t.true(Number.isNaN(friday.temp_c));
});

test('per-store holiday locale: 2024-10-31 is a holiday in Saxony but not in Bavaria', (t) => {
  const spec = deSpec();
  spec.calendar.holidays.defaultLocale = { country: 'DE', state: 'BY' };
  spec.calendar.holidays.storeLocales = { s1: { country: 'DE', state: 'SN' } };
  spec.encodings.store.vocabulary = ['s0', 's1'];
  const history = new SalesHistory();
  const result = buildFeatureMatrix(spec, history, [
    { store: 's0', item: 'i1', date: '2024-10-31' },
    { store: 's1', item: 'i1', date: '2024-10-31' },
  ]);
  t.is(row(result, 0).is_holiday, 0);
  t.is(row(result, 1).is_holiday, 1);
});

test('unknown store and item give coded errors', (t) => {
  const history = SalesHistory.fromRows(decemberRows());
  t.is(t.throws<FleetcastError>(() => buildFeatureMatrix(deSpec(), history, [{ store: 'nope', item: 'i1', date: '2024-12-25' }]))?.code, 'FC_ERR_UNKNOWN_STORE');
  t.is(t.throws<FleetcastError>(() => buildFeatureMatrix(deSpec(), history, [{ store: 's1', item: 'nope', date: '2024-12-25' }]))?.code, 'FC_ERR_UNKNOWN_ITEM');
  t.is(t.throws<FleetcastError>(() => buildFeatureMatrix(deSpec(), history, [{ store: 's1', item: 'i1', date: '2024-02-30' }]))?.code, 'FC_ERR_FEATURE_INVALID_DATE');
});

test('a lag shorter than the horizon is refused', (t) => {
  const spec = { ...deSpec(), horizon: 2 };
  t.is(t.throws<FleetcastError>(() => featureNames(spec))?.code, 'FC_ERR_FEATURE_SPEC_INVALID');
});

test('incremental history (any order, corrections) equals the index built at once', (t) => {
  const rows = decemberRows();
  const incremental = new SalesHistory();
  for (const r of [...rows].reverse()) incremental.add({ ...r, units: 999 });
  for (const r of rows) incremental.add(r);
  const request = [{ store: 's1', item: 'i1', date: '2024-12-25', price: 3 }];
  t.deepEqual(buildFeatureMatrix(deSpec(), incremental, request).matrix, buildFeatureMatrix(deSpec(), SalesHistory.fromRows(rows), request).matrix);
  t.is(incremental.get('s1', 'i1')?.length, 24);
});

test('deriveFeatureSpec: sorted vocabularies, only present columns, lags ≥ horizon', (t) => {
  const rows: SalesRow[] = [
    { date: '2024-01-02', store: 'b', item: 'y', units: 1, promo: false },
    { date: '2024-01-01', store: 'a', item: 'x', units: 2 },
  ];
  const spec = deriveFeatureSpec(rows, { horizon: 10, defaultLocale: { country: 'DE' } });
  t.deepEqual(spec.encodings.store.vocabulary, ['a', 'b']);
  t.deepEqual(spec.encodings.item.vocabulary, ['x', 'y']);
  t.deepEqual(spec.lags, [10, 14, 28]);
  t.false(spec.price.enabled);
  t.true(spec.promo);
  t.deepEqual(spec.weather, []);
  t.is(t.throws<FleetcastError>(() => deriveFeatureSpec(rows, { horizon: 0 }))?.code, 'FC_ERR_FEATURE_SPEC_INVALID');
  t.is(t.throws<FleetcastError>(() => deriveFeatureSpec(rows, { defaultLocale: { country: 'XX' } }))?.code, 'FC_ERR_FEATURE_SPEC_INVALID');
  t.is(t.throws<FleetcastError>(() => deriveFeatureSpec(rows, { storeLocales: { a: { country: 'DE', state: 'ZZ' } } }))?.code, 'FC_ERR_FEATURE_SPEC_INVALID');
  t.notThrows(() => deriveFeatureSpec(rows, { storeLocales: { a: { country: 'DE', state: 'BY', region: 'A' } } }));
});
