import test from 'ava';
import { bias, mase, rmse, wape } from '../../../../protocols/metrics/regression.js';
import { createRandom } from '../../../../model-packager/learners/random.js';
import { accuracySeries, MAX_WINDOWS } from '../../../../cloud-controller/monitoring/accuracy/series.js';
import { openControllerDb } from '../../../../cloud-controller/storage/db.js';
import { makeTestBundle, makeSigningKey } from '../../../helpers/bundle-fixtures.js';
import { openTestRegistry, tempDir } from '../../helpers.js';
import { enrolTestDevices, ingestPairs, TEST_DEVICES, type RawPair } from './accuracy-fixture.js';

/** Validation figures of the monitored bundle: WAPE 0.25, MAE 2, MASE 0.8 → MASE scale 2.5. */
const METRICS = { model: { wape: 0.25, mae: 2, mase: 0.8 }, seasonalNaive: null };
const SCALE = 2.5;
const DAYS = ['2026-03-01', '2026-03-02', '2026-03-03'];

function rawPairs(seed: number): RawPair[] {
  const random = createRandom(seed);
  const pairs: RawPair[] = [];
  for (const device of TEST_DEVICES) {
    for (const day of DAYS) {
      for (let i = 0; i < 40; i += 1) {
        const actual = Math.floor(random() * 20);
        pairs.push({ deviceId: device.id, day, actual, predicted: Math.max(0, actual + (random() - 0.4) * 8) });
      }
    }
  }
  return pairs;
}

function close(t: { true: (value: boolean, message?: string) => void }, got: number | null, expected: number, what: string): void {
  t.true(got !== null && Math.abs(got - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${got} vs ${expected}`);
}

test('accuracy from the merged counters equals accuracy from the raw rows at store, region and fleet level', async (t) => {
  const dataDir = tempDir();
  const key = makeSigningKey();
  const bundle = await makeTestBundle({ dir: tempDir(), name: 'units', version: 1, key, metrics: METRICS });
  const { registry, db } = openTestRegistry(dataDir, key);
  await registry.push(bundle.path, 'alice');
  await enrolTestDevices(db);
  const pairs = rawPairs(11);
  ingestPairs(db, pairs, { name: 'units', version: 1 });

  const groups: Array<{ level: 'store' | 'region' | 'fleet'; subject?: string; devices: string[] }> = [
    { level: 'store', subject: 's1', devices: ['d1a', 'd1b'] },
    { level: 'store', subject: 's3', devices: ['d3'] },
    { level: 'region', subject: 'north', devices: ['d1a', 'd1b', 'd2'] },
    { level: 'region', subject: 'south', devices: ['d3'] },
    { level: 'fleet', devices: ['d1a', 'd1b', 'd2', 'd3'] },
  ];
  for (const group of groups) {
    const series = accuracySeries(db, { level: group.level, subject: group.subject, model: 'units', alarm: { minSamples: 1 } });
    t.deepEqual(series.map((point) => point.windowStart.slice(0, 10)), DAYS);
    for (const point of series) {
      const rows = pairs.filter((pair) => group.devices.includes(pair.deviceId) && pair.day === point.windowStart.slice(0, 10));
      const actual = rows.map((row) => row.actual);
      const predicted = rows.map((row) => row.predicted);
      const label = `${group.level} ${group.subject ?? ''} ${point.windowStart}`;
      t.is(point.n, rows.length, label);
      close(t, point.wape, wape(actual, predicted), `${label} wape`);
      close(t, point.bias, bias(actual, predicted), `${label} bias`);
      close(t, point.rmse, rmse(actual, predicted), `${label} rmse`);
      close(t, point.mase, mase(actual, predicted, SCALE), `${label} mase`);
    }
  }
  // A two-day window merges the days' counters the same way.
  const weekly = accuracySeries(db, { level: 'fleet', model: 'units', since: '2026-03-02', alarm: { windowDays: 2 } });
  const twoDays = pairs.filter((pair) => pair.day >= '2026-03-02');
  t.is(weekly.reduce((sum, point) => sum + point.n, 0), twoDays.length);
  t.deepEqual(accuracySeries(db, { level: 'store', subject: 'nowhere' }), []);
  db.close();
});

test('a series holds at most MAX_WINDOWS windows, the newest, however far apart the reported days', async (t) => {
  const db = openControllerDb(tempDir());
  await enrolTestDevices(db);
  ingestPairs(db, [{ deviceId: 'd2', day: '1990-01-01', actual: 1, predicted: 2 }, { deviceId: 'd2', day: '2026-03-01', actual: 1, predicted: 2 }], { name: 'units', version: 1 });
  const series = accuracySeries(db, { level: 'store', subject: 's2' });
  t.is(series.length, MAX_WINDOWS);
  t.is(series.at(-1)?.windowStart, '2026-03-01T00:00:00.000Z');
  t.is(series.at(-1)?.n, 1);
  db.close();
});

test('a store or region series without a subject is a coded error', (t) => {
  const db = openControllerDb(tempDir());
  const error = t.throws(() => accuracySeries(db, { level: 'region' }));
  t.is((error as { code?: string }).code, 'FC_ERR_INVALID_REQUEST');
  db.close();
});
