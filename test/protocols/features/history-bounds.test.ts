import test from 'ava';
import { SalesHistory } from '../../../protocols/features/sales-history.js';
import { buildFeatureMatrix } from '../../../protocols/features/build-features.js';
import { deriveFeatureSpec } from '../../../protocols/features/derive-spec.js';
import { lookbackDays, MAX_LOOKBACK_DAYS } from '../../../protocols/features/feature-names.js';
import { fromEpochDay, toEpochDay } from '../../../protocols/features/epoch-day.js';
import type { FeatureSpec } from '../../../protocols/features/spec.js';

test('issue #9 finding 1: 40 actuals dated 0100 and 9999 are refused before they reach the history, which stays empty', (t) => {
  const history = new SalesHistory({ maxDays: 1_130 });
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 40; i += 1) {
    const date = i % 2 === 0 ? '0100-01-01' : '9999-12-31';
    t.is(t.throws(() => history.add({ store: 's1', item: `i${i}`, date, units: 1 }))?.name, 'FleetcastError');
  }
  t.is(history.size, 0);
  t.true(process.memoryUsage().arrayBuffers - before < 1_000_000);
});

test('a series keeps at most maxDays days ending at its newest day, even across the whole date range', (t) => {
  const maxDays = 100;
  const history = new SalesHistory({ maxDays });
  history.add({ store: 's1', item: 'i1', date: '1990-01-01', units: 1 });
  history.add({ store: 's1', item: 'i1', date: '2100-12-31', units: 2 });
  const series = history.get('s1', 'i1')!;
  t.true(series.units.length <= maxDays, `capacity ${series.units.length}`);
  t.is(series.firstDay + series.length - 1, toEpochDay('2100-12-31'));
  t.true(Number.isNaN(series.units[0]), 'the 1990 day was forgotten');
  // A day older than the window is ignored; one inside it is kept.
  history.add({ store: 's1', item: 'i1', date: '2099-01-01', units: 3 });
  history.add({ store: 's1', item: 'i1', date: fromEpochDay(toEpochDay('2100-12-31') - 10), units: 4 });
  const after = history.get('s1', 'i1')!;
  t.true(after.units.length <= maxDays);
  t.is(after.units[toEpochDay('2100-12-31') - 10 - after.firstDay], 4);
  t.false(Array.from(after.units).includes(3));
});

test('a bounded history gives the same features as an unbounded one inside the window', (t) => {
  const rows = Array.from({ length: 400 }, (_, i) => ({ store: 's1', item: 'i1', date: fromEpochDay(toEpochDay('2024-01-01') + i), units: (i * 7) % 13, price: 1 + (i % 5) }));
  const spec = deriveFeatureSpec(rows);
  const window = lookbackDays(spec) + 30;
  const bounded = new SalesHistory({ maxDays: window });
  for (const row of rows) bounded.add(row);
  const request = [{ store: 's1', item: 'i1', date: fromEpochDay(toEpochDay('2024-01-01') + 400), price: 2 }];
  t.deepEqual(buildFeatureMatrix(spec, bounded, request).matrix, buildFeatureMatrix(spec, SalesHistory.fromRows(rows), request).matrix);
});

test('MAX_LOOKBACK_DAYS covers the longest look-back the spec schema allows', (t) => {
  const spec = deriveFeatureSpec([{ store: 's1', item: 'i1', date: '2024-01-01', units: 1, price: 1 }], { horizon: 365, lags: [365, 730], rollingWindows: [365], relativePriceWindow: 365 });
  t.is(lookbackDays(spec as FeatureSpec), MAX_LOOKBACK_DAYS);
});
