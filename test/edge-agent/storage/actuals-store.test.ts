import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAgentDb } from '../../../edge-agent/storage/db.js';
import { ActualsStore } from '../../../edge-agent/storage/actuals-store.js';
import { ServedPredictions } from '../../../edge-agent/storage/served-predictions.js';
import { Outbox, type OutboxEntry } from '../../../edge-agent/storage/outbox.js';
import { outboxAccuracyDays, quarantineInvalidRows } from '../../../edge-agent/storage/quarantine.js';
import { outboxRecordSchema } from '../../../protocols/messages/up.js';

async function dbPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'fc-actuals-')), 'agent.db');
}

/** What an older agent (before issue #9) could commit: dates and ids today's schema refuses. */
function seedOldRows(path: string): void {
  const db = openAgentDb(path);
  new ActualsStore(db, 1_130).record([{ store: 's1', item: 'i1', date: '2026-11-01', units: 5 }]);
  const insert = db.prepare('INSERT INTO actuals (store, item, date, units, price, promo) VALUES (?, ?, ?, ?, ?, ?)');
  insert.run('s1', 'i1', '0050-01-01', 3, null, null);
  insert.run('s1', 'i2', '9999-12-31', 4, 2.5, 1);
  insert.run('..', 'i1', '2026-11-02', 1, null, null);
  insert.run('s1', 'i1', '2026-02-30', 1, null, null);
  db.prepare("INSERT INTO served_predictions (store, item, date, model_name, model_version, role, value) VALUES ('s1', 'i1', '0050-01-01', 'm', 1, 'active', 2)").run();
  db.close();
}

test('issue #9 finding 1: stored rows failing today’s schema are moved to quarantine (not deleted); the good ones load', async (t) => {
  const path = await dbPath();
  const served = openAgentDb(path);
  new ServedPredictions(served);
  served.close();
  seedOldRows(path);

  const db = openAgentDb(path);
  const store = new ActualsStore(db, 1_130);
  const predictions = new ServedPredictions(db);
  t.is(store.quarantined, 4);
  t.is(predictions.quarantined, 1);
  t.deepEqual(db.prepare('SELECT date FROM actuals').all(), [{ date: '2026-11-01' }]);
  const quarantined = db.prepare('SELECT source_table, row_json, reason FROM quarantine ORDER BY id').all() as Array<{ source_table: string; row_json: string; reason: string }>;
  t.is(quarantined.length, 5);
  t.deepEqual(JSON.parse(quarantined.find((row) => row.row_json.includes('9999'))!.row_json), { store: 's1', item: 'i2', date: '9999-12-31', units: 4, price: 2.5, promo: 1 });
  t.true(quarantined.some((row) => row.source_table === 'served_predictions'));
  t.true(quarantined.every((row) => row.reason.length > 0));
  t.is(store.history.get('s1', 'i1')?.length, 1);
  db.close();

  // A second start finds nothing more to move: the quarantine is not counted twice.
  const again = openAgentDb(path);
  t.is(new ActualsStore(again, 1_130).quarantined, 0);
  again.close();
});

test('queued accuracy records with a refused day (or an unreadable body) are quarantined before the outbox counts its bytes', async (t) => {
  const path = await dbPath();
  const db = openAgentDb(path);
  t.is(quarantineInvalidRows(db, outboxAccuracyDays), 0, 'no outbox table yet: nothing to check, no error');
  const outbox = new Outbox(db, 1_000_000);
  const accuracy = (day: string): OutboxEntry => ({ kind: 'accuracy', ts: '2026-11-28T00:00:00.000Z', model: { name: 'm', version: 1 }, day, n: 1, sumAbsError: 1, sumAbsActual: 1, sumError: 1, sumSquaredError: 1, role: 'active' });
  outbox.append([accuracy('2026-11-27'), accuracy('2026-11-26')]);
  db.prepare("UPDATE outbox SET body = replace(body, '2026-11-26', '0050-01-01') WHERE seq = 2").run();
  db.prepare("INSERT INTO outbox (kind, body, bytes) VALUES ('accuracy', '{not json', 73)").run();
  t.is(quarantineInvalidRows(db, outboxAccuracyDays), 2);
  const reopened = new Outbox(db, 1_000_000);
  t.deepEqual(reopened.oldest(10).map((record) => record.seq), [1]);
  t.true(reopened.oldest(10).every((record) => outboxRecordSchema.safeParse(record).success));
  t.deepEqual((db.prepare("SELECT reason FROM quarantine WHERE source_table = 'outbox' ORDER BY id").all() as Array<{ reason: string }>).map((row) => row.reason.startsWith('unreadable') ? 'unreadable' : row.reason), ['out-of-range', 'unreadable']);
  db.close();
});

test('seeded history outside the agent\'s sales-date bounds is refused whole and stores nothing (issue #9)', async (t) => {
  const db = openAgentDb(await dbPath());
  t.teardown(() => db.close());
  const store = new ActualsStore(db, 1_130, { min: '2024-01-01', max: '2026-12-31' });
  const inside = { store: 's1', item: 'i1', date: '2026-11-01', units: 3 };
  const error = t.throws(() => store.seed([inside, { store: 's1', item: 'i1', date: '2023-12-31', units: 1 }]));
  t.is((error as { code?: string }).code, 'FC_ERR_DATE_OUT_OF_RANGE');
  t.is((db.prepare('SELECT COUNT(*) AS n FROM actuals').get() as { n: number }).n, 0);
  t.is(store.seed([inside]), 1, 'the same row inside the bounds is stored');
});
