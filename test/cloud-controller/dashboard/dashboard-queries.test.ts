import test from 'ava';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import type { OutboxRecord } from '../../../protocols/messages/up.js';
import { openControllerDb } from '../../../cloud-controller/storage/db.js';
import { Fleet } from '../../../cloud-controller/fleet/index.js';
import { TelemetryIngest } from '../../../cloud-controller/telemetry/ingest.js';
import { DashboardQueries } from '../../../cloud-controller/dashboard/dashboard-queries.js';
import { tempDir } from '../helpers.js';

const model = { name: 'demand', version: 1 };

function accuracy(seq: number, day: string, sumAbsError: number, sumAbsActual: number, n = 10): OutboxRecord {
  return { seq, ts: `${day}T20:00:00.000Z`, kind: 'accuracy', model, day, n, sumAbsError, sumAbsActual, sumError: 0, sumSquaredError: 0, role: 'active' };
}

function drift(seq: number, ts: string, psi: Record<string, number>): OutboxRecord {
  return { seq, ts, kind: 'drift', model, windowStart: ts, windowEnd: ts, n: 10, features: Object.entries(psi).map(([name, value]) => ({ name, psi: value, missingShare: 0, counts: [] })), prediction: { psi: 0.01, counts: [] } };
}

async function setup(): Promise<{ queries: DashboardQueries; ingest: (deviceId: string, records: OutboxRecord[]) => void }> {
  const db = openControllerDb(tempDir());
  const fleet = new Fleet(db);
  for (const [id, store, region] of [['d1', 's1', 'north'], ['d2', 's2', 'north'], ['d3', 's3', 'south']]) {
    await fleet.enrolDevice({ id, store, region, timezone: 'Europe/Berlin', profile: 'generic' });
  }
  const telemetry = new TelemetryIngest(db);
  return {
    queries: new DashboardQueries(db, () => new Date('2024-03-03T12:00:00.000Z')),
    ingest: (deviceId, records) => void telemetry.ingest(deviceId, { ...envelope({ role: 'device', id: deviceId }), type: 'batch', incarnation: `inc-${deviceId}-0001`, fromSeq: records[0].seq, toSeq: records.at(-1)!.seq, records }),
  };
}

test('accuracy by day sums the counters of each group: WAPE = Σ|e| / Σ|y| over the group, per sales day', async (t) => {
  const { queries, ingest } = await setup();
  ingest('d1', [accuracy(1, '2024-03-01', 10, 100), accuracy(2, '2024-03-02', 30, 100)]);
  ingest('d2', [accuracy(1, '2024-03-01', 30, 100)]);
  ingest('d3', [accuracy(1, '2024-03-01', 5, 50)]);
  t.deepEqual(queries.accuracy('fleet', 60), [{ key: 'fleet', points: [{ day: '2024-03-01', n: 30, wape: 45 / 250, mae: 45 / 30 }, { day: '2024-03-02', n: 10, wape: 0.3, mae: 3 }] }]);
  t.deepEqual(queries.accuracy('region', 60).map((line) => [line.key, line.points.map((point) => point.wape)]), [['north', [0.2, 0.3]], ['south', [0.1]]]);
  t.deepEqual(queries.accuracy('store', 60).map((line) => line.key), ['s1', 's2', 's3']);
  // Only counters reported in the last `days` days are read: 1.5 days back keeps only 2024-03-02's.
  t.deepEqual(queries.accuracy('fleet', 1.5)[0].points.map((point) => point.day), ['2024-03-02']);
});

test('the drift heatmap takes each device’s newest window: store × feature PSI, prediction included', async (t) => {
  const { queries, ingest } = await setup();
  t.deepEqual(queries.driftHeatmap(), { stores: [], features: [], cells: [], windowEnd: null });
  // d2's only window is older than the 7 days the heatmap reads, so store s2 is absent.
  ingest('d1', [drift(1, '2024-03-01T10:00:00.000Z', { price: 0.9, promo: 0.8 }), drift(2, '2024-03-01T11:00:00.000Z', { price: 0.3, promo: 0.02 })]);
  ingest('d3', [drift(1, '2024-03-01T10:30:00.000Z', { price: 0.05, promo: 0.01 })]);
  ingest('d2', [drift(1, '2024-02-01T10:30:00.000Z', { price: 0.7, promo: 0.7 })]);
  t.deepEqual(queries.driftHeatmap(), {
    stores: ['s1', 's3'],
    features: ['price', 'promo', 'prediction'],
    cells: [[0, 0, 0.3], [0, 1, 0.02], [0, 2, 0.01], [1, 0, 0.05], [1, 1, 0.01], [1, 2, 0.01]],
    windowEnd: '2024-03-01T11:00:00.000Z',
  });
});
