import test from 'ava';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../protocols/runtime/logger.js';
import { openAgentDb } from '../../edge-agent/storage/db.js';
import { ActualsStore } from '../../edge-agent/storage/actuals-store.js';
import { ServedPredictions } from '../../edge-agent/storage/served-predictions.js';
import { AccuracyCounters } from '../../edge-agent/accuracy/accuracy-counters.js';
import { handleActuals } from '../../edge-agent/pos/actuals-handler.js';

const bounds = { min: '2026-01-01', max: '2026-12-31' };

function actuals(rows: unknown[]): Buffer {
  return Buffer.from(JSON.stringify({ v: 1, id: 'a-1', ts: new Date().toISOString(), sender: { role: 'pos', id: 'till' }, type: 'actuals', rows }));
}

test('configured salesDates narrow what actuals may carry: a row outside refuses the whole message, stored rows outside are quarantined', async (t) => {
  const path = join(await mkdtemp(join(tmpdir(), 'fc-actuals-handler-')), 'agent.db');
  const seed = openAgentDb(path);
  new ActualsStore(seed, 1_130).record([{ store: 's1', item: 'i1', date: '2025-12-31', units: 1 }]);
  seed.close();

  const db = openAgentDb(path);
  const store = new ActualsStore(db, 1_130, bounds);
  t.is(store.quarantined, 1, 'the 2025 row is outside the configured bounds');
  const replies: Array<{ topic: string; message: Record<string, unknown> }> = [];
  const deps = {
    sender: { role: 'device', id: 'store-1' } as const, actuals: store, served: new ServedPredictions(db), accuracy: new AccuracyCounters(db),
    logger: createLogger('test', { level: 'silent' }), maxPayloadBytes: 65_536, salesDates: bounds,
    reply: (topic: string, message: unknown) => replies.push({ topic, message: message as Record<string, unknown> }),
  };
  handleActuals(deps, actuals([{ store: 's1', item: 'i1', date: '2026-05-01', units: 2 }, { store: 's1', item: 'i1', date: '2027-01-01', units: 3 }]), 'till-1');
  t.deepEqual(replies.map((r) => [r.topic, r.message.code, r.message.path]), [['pos/v1/score/res/till-1', 'FC_ERR_DATE_OUT_OF_RANGE', ['rows', 1, 'date']]]);
  t.is((db.prepare('SELECT COUNT(*) AS n FROM actuals').get() as { n: number }).n, 0, 'nothing of the refused message persisted');
  handleActuals(deps, actuals([{ store: 's1', item: 'i1', date: '2026-05-01', units: 2 }]), 'till-1');
  t.is(replies.length, 1, 'a valid message gets no error');
  t.deepEqual(db.prepare('SELECT date, units FROM actuals').all(), [{ date: '2026-05-01', units: 2 }]);
  db.close();
});
