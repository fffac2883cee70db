import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAgentDb } from '../../../edge-agent/storage/db.js';
import { Outbox, type OutboxEntry } from '../../../edge-agent/storage/outbox.js';
import { AccuracyCounters } from '../../../edge-agent/accuracy/accuracy-counters.js';
import { ServedPredictions } from '../../../edge-agent/storage/served-predictions.js';
import { outboxRecordSchema } from '../../../protocols/messages/up.js';

async function dbPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'fc-outbox-')), 'agent.db');
}

function scoring(i: number): OutboxEntry {
  return { kind: 'scoring', ts: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), model: { name: 'm', version: 1 }, windowStart: '2026-01-01T00:00:00.000Z', windowEnd: '2026-01-01T00:00:10.000Z', requests: i, rows: i, errorsByCode: {}, predictionMean: 1.5, stores: ['s1'] };
}

test('outbox numbers records strictly, deletes only acked ranges, and survives reopening (WAL, real file)', async (t) => {
  const path = await dbPath();
  const db = openAgentDb(path);
  t.is(db.pragma('journal_mode', { simple: true }), 'wal');
  t.is(db.pragma('synchronous', { simple: true }), 2);
  const outbox = new Outbox(db, 1_000_000);
  t.deepEqual(outbox.append([scoring(1), scoring(2), scoring(3)]), [1, 2, 3]);
  t.is(outbox.acknowledge(1, 2), 2);
  t.deepEqual(outbox.append([scoring(4)]), [4], 'sequence numbers are never reused after deletes');
  const pending = outbox.oldest(10);
  t.deepEqual(pending.map((r) => r.seq), [3, 4]);
  for (const record of pending) t.true(outboxRecordSchema.safeParse(record).success);
  db.close();
  const reopened = new Outbox(openAgentDb(path), 1_000_000);
  t.deepEqual(reopened.oldest(10).map((r) => r.seq), [3, 4]);
  t.is(reopened.lastSeq(), 4);
});

test('over its disk budget the outbox drops the oldest records and reports the loss as a dropped record', async (t) => {
  const db = openAgentDb(await dbPath());
  const outbox = new Outbox(db, 4_096);
  for (let i = 1; i <= 40; i += 1) outbox.append([scoring(i)]);
  t.true(outbox.pendingBytes() <= 4_096);
  const records = outbox.oldest(1_000);
  const dropped = records.filter((r) => r.kind === 'dropped');
  t.true(dropped.length > 0);
  const droppedCount = dropped.reduce((sum, r) => sum + (r.kind === 'dropped' ? r.count : 0), 0);
  const kept = records.filter((r) => r.kind === 'scoring').length;
  t.is(kept + droppedCount, 40, 'every produced record is either kept or counted as dropped');
  const newest = records.filter((r) => r.kind === 'scoring').map((r) => (r.kind === 'scoring' ? r.requests : 0));
  t.is(Math.max(...newest), 40, 'the newest record is kept');
  for (const record of records) t.true(outboxRecordSchema.safeParse(record).success);
});

test('accuracy counters: served forecasts matched to actuals give Σ|e|, Σ|y|, Σe, Σe², n per model and day, once', async (t) => {
  const db = openAgentDb(await dbPath());
  const outbox = new Outbox(db, 1_000_000);
  const served = new ServedPredictions(db);
  const accuracy = new AccuracyCounters(db);
  const model = { name: 'm', version: 2 };
  served.add({ store: 's1', item: 'i1', date: '2026-03-01', model, role: 'active', value: 5 });
  served.add({ store: 's1', item: 'i2', date: '2026-03-01', model, role: 'active', value: 1 });
  for (const [item, units] of [['i1', 3], ['i2', 4]] as const) for (const p of served.takeUnmatched('s1', item, '2026-03-01')) accuracy.add(p, units);
  t.deepEqual(served.takeUnmatched('s1', 'i1', '2026-03-01'), [], 'a re-sent actual is not counted twice');
  t.is(accuracy.drainTo(outbox), 1);
  const [record] = outbox.oldest(10);
  t.like(record, { kind: 'accuracy', model, day: '2026-03-01', role: 'active', n: 2, sumAbsError: 5, sumAbsActual: 7, sumError: -1, sumSquaredError: 13 });
  t.is(accuracy.drainTo(outbox), 0, 'drained counters are not reported again');
});

test('the outbox incarnation is kept with its database and new for a fresh one (a re-flashed device, issue #9)', async (t) => {
  const path = await dbPath();
  const first = openAgentDb(path);
  const incarnation = new Outbox(first, 1_000_000).incarnation;
  first.close();
  const reopened = openAgentDb(path);
  t.is(new Outbox(reopened, 1_000_000).incarnation, incarnation, 'a restart keeps it');
  reopened.close();
  const fresh = openAgentDb(await dbPath());
  const reflashed = new Outbox(fresh, 1_000_000);
  t.not(reflashed.incarnation, incarnation);
  t.regex(reflashed.incarnation, /^[A-Za-z0-9-]{8,64}$/);
  t.deepEqual(reflashed.append([scoring(1)]), [1], 'its sequence restarts at 1: only the incarnation tells the records apart');
  fresh.close();
});
