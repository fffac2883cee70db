import '../broker/quiet-logs.js';
import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openControllerDb } from '../../../cloud-controller/storage/db.js';
import { TelemetryIngest } from '../../../cloud-controller/telemetry/ingest.js';
import { TelemetryQueries } from '../../../cloud-controller/telemetry/queries.js';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import type { UpBatch } from '../../../protocols/messages/up.js';
import { deviceTopic } from '../../../protocols/topics.js';
import { eventually } from '../broker/mqtt-helpers.js';
import { messagesOn, startLinkHarness, waitForCount } from '../link/harness.js';

function batch(deviceId: string): UpBatch {
  const ts = '2026-11-20T10:00:00.000Z';
  const model = { name: 'demand', version: 3 };
  return {
    ...envelope({ role: 'device', id: deviceId }),
    type: 'batch',
    fromSeq: 1,
    toSeq: 4,
    records: [
      { seq: 1, ts, kind: 'heartbeat', cpuLoadPercent: 12.5, memUsedBytes: 1_000, memTotalBytes: 4_000, diskFreeBytes: 9_000, temperatureC: null, uptimeSec: 60, requests: 10, errors: 1, latencyP50Ms: 2, latencyP99Ms: 9, rssBytes: 500 },
      { seq: 2, ts, kind: 'accuracy', model, day: '2026-11-19', n: 4, sumAbsError: 8, sumAbsActual: 40, sumError: -4, sumSquaredError: 36, role: 'active' },
      { seq: 3, ts, kind: 'scoring', model, windowStart: ts, windowEnd: ts, requests: 10, rows: 30, errorsByCode: { FC_ERR_INVALID_MESSAGE: 1 }, predictionMean: 4.5, stores: ['s1'] },
      { seq: 4, ts, kind: 'dropped', count: 7, fromSeq: 1, toSeq: 7 },
    ],
  };
}

test('telemetry ingest is exactly-once under redelivery: same batch twice → stored once, acked twice', async (t) => {
  const harness = await startLinkHarness();
  try {
    const { client, inbox } = await harness.device('dev-t1');
    const upBatch = batch('dev-t1');
    await client.publishAsync(deviceTopic('dev-t1', 'up'), JSON.stringify(upBatch), { qos: 1 });
    await waitForCount(inbox, 'dev-t1', 'ack', 1);
    await client.publishAsync(deviceTopic('dev-t1', 'up'), JSON.stringify(upBatch), { qos: 1 });
    await waitForCount(inbox, 'dev-t1', 'ack', 2);

    const acks = messagesOn<{ type: string; batchId: string; fromSeq: number; toSeq: number; sender: { role: string } }>(inbox, 'dev-t1', 'ack');
    t.deepEqual(acks.map((ack) => [ack.type, ack.batchId, ack.fromSeq, ack.toSeq, ack.sender.role]), [
      ['ack', upBatch.id, 1, 4, 'controller'],
      ['ack', upBatch.id, 1, 4, 'controller'],
    ]);
    const stored = harness.queries.listRecords({ deviceId: 'dev-t1' });
    t.deepEqual(stored.map((row) => row.record.seq).sort(), [1, 2, 3, 4]);
    t.deepEqual(harness.queries.accuracySummary({ model: 'demand', version: 3 }), { n: 4, devices: 1, mae: 2, wape: 0.2, bias: -1, rmse: 3 });
    t.deepEqual(harness.queries.droppedTotals(), [{ deviceId: 'dev-t1', dropped: 7 }]);
    t.deepEqual(harness.queries.scoringTotals({ deviceId: 'dev-t1' }), { requests: 10, rows: 30, errorsByCode: { FC_ERR_INVALID_MESSAGE: 1 } });
    t.is(harness.queries.latestHeartbeat('dev-t1')?.cpuLoadPercent, 12.5);

    // A later batch overlapping the first (agent resent 3..5 after a lost ack) adds only seq 5.
    const overlapping: UpBatch = { ...batch('dev-t1'), ...envelope({ role: 'device', id: 'dev-t1' }), fromSeq: 3, toSeq: 5, records: [upBatch.records[2], upBatch.records[3], { ...upBatch.records[0], seq: 5 }] };
    await client.publishAsync(deviceTopic('dev-t1', 'up'), JSON.stringify(overlapping), { qos: 1 });
    await waitForCount(inbox, 'dev-t1', 'ack', 3);
    t.is(harness.queries.listRecords({ deviceId: 'dev-t1' }).length, 5);
    t.true(await eventually(async () => harness.fixture.fleet.getDevice('dev-t1').lastSeenAt !== null));
  } finally {
    await harness.close();
  }
});

test('a re-flashed device (new incarnation, seq restarting at 1) is stored, not deduplicated away; acks echo the incarnation (issue #9)', async (t) => {
  const harness = await startLinkHarness();
  try {
    const { client, inbox } = await harness.device('dev-t2');
    const before: UpBatch = { ...batch('dev-t2'), incarnation: 'boot-aaaaaaaa' };
    await client.publishAsync(deviceTopic('dev-t2', 'up'), JSON.stringify(before), { qos: 1 });
    await waitForCount(inbox, 'dev-t2', 'ack', 1);
    const after: UpBatch = { ...batch('dev-t2'), incarnation: 'boot-bbbbbbbb' };
    await client.publishAsync(deviceTopic('dev-t2', 'up'), JSON.stringify(after), { qos: 1 });
    await waitForCount(inbox, 'dev-t2', 'ack', 2);

    t.deepEqual(messagesOn<{ incarnation?: string }>(inbox, 'dev-t2', 'ack').map((ack) => ack.incarnation), ['boot-aaaaaaaa', 'boot-bbbbbbbb']);
    t.is(harness.queries.listRecords({ deviceId: 'dev-t2' }).length, 8, 'both incarnations stored in full');
    t.deepEqual(harness.queries.droppedTotals(), [{ deviceId: 'dev-t2', dropped: 14 }]);
  } finally {
    await harness.close();
  }
});

test('a controller database keyed by (device, seq) is migrated once; its rows are kept under the legacy incarnation (issue #9)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fc-telemetry-migrate-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const old = openControllerDb(dir);
  old.exec(`CREATE TABLE telemetry_records (device_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, ts TEXT NOT NULL, model_name TEXT, model_version INTEGER,
    body TEXT NOT NULL, received_at TEXT NOT NULL, PRIMARY KEY (device_id, seq)) WITHOUT ROWID`);
  const legacy = batch('dev-old');
  const insert = old.prepare('INSERT INTO telemetry_records VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)');
  for (const record of legacy.records) insert.run('dev-old', record.seq, record.kind, record.ts, JSON.stringify(record), record.ts);
  old.close();

  const db = openControllerDb(dir);
  t.teardown(() => db.close());
  const ingest = new TelemetryIngest(db);
  new TelemetryIngest(db); // a second open finds the migrated table and changes nothing
  const queries = new TelemetryQueries(db);
  t.is(queries.listRecords({ deviceId: 'dev-old' }).length, 4);
  t.deepEqual(ingest.ingest('dev-old', legacy), { inserted: 0, duplicates: 4 }, 'a legacy batch re-sent is still a duplicate');
  t.deepEqual(ingest.ingest('dev-old', { ...legacy, incarnation: 'reflashed-1' }), { inserted: 4, duplicates: 0 });
  t.is(queries.listRecords({ deviceId: 'dev-old' }).length, 8);
});
