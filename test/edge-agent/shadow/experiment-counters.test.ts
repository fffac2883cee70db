import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAgentDb } from '../../../edge-agent/storage/db.js';
import { Outbox } from '../../../edge-agent/storage/outbox.js';
import { ShadowAssignments } from '../../../edge-agent/shadow/shadow-assignments.js';
import { ExperimentCounters } from '../../../edge-agent/shadow/experiment-counters.js';
import type { ServedPrediction } from '../../../edge-agent/storage/served-predictions.js';
import { outboxRecordSchema } from '../../../protocols/messages/up.js';

const champion = { name: 'demand', version: 1 };
const challenger = { name: 'demand', version: 2 };
const served = (role: 'active' | 'shadow', value: number, date = '2026-11-20'): ServedPrediction => ({ store: 's1', item: 'i1', date, model: role === 'active' ? champion : challenger, role, value });

test('pairs of champion and shadow forecasts become additive per-day experiment records, once', (t) => {
  const path = join(mkdtempSync(join(tmpdir(), 'fc-exp-agent-')), 'agent.db');
  const db = openAgentDb(path);
  const assignments = new ShadowAssignments(db);
  assignments.start({ experimentId: 'exp-1', model: challenger, bundle: null, sampleRate: 1 });
  const counters = new ExperimentCounters(db, (model) => assignments.experimentOf(model));
  const outbox = new Outbox(db, 10_000_000);
  t.true(counters.add([served('active', 10), served('shadow', 7)], 6)); // d = 4 − 1 = 3
  t.true(counters.add([served('active', 2), served('shadow', 5)], 4)); // d = 2 − 1 = 1
  t.true(counters.add([served('active', 1, '2026-11-21'), served('shadow', 1, '2026-11-21')], 1)); // d = 0, another day
  t.false(counters.add([served('active', 3)], 3), 'a row the shadow did not score is no pair');
  t.false(counters.add([served('active', 3), { ...served('shadow', 3), model: { name: 'other', version: 9 } }], 3), 'a shadow model of no known experiment counts nowhere');
  t.is(counters.drainTo(outbox), 2);
  t.is(counters.drainTo(outbox), 0, 'drained sums are cleared in the same transaction');
  const records = outbox.oldest(10).map((record) => outboxRecordSchema.parse(record));
  t.like(records[0], { kind: 'experiment', experimentId: 'exp-1', day: '2026-11-20', champion, challenger, n: 2, sumDiff: 4, sumDiffSquared: 10, sumLossChampion: 6, sumLossChallenger: 2 });
  t.like(records[1], { kind: 'experiment', day: '2026-11-21', n: 1, sumDiff: 0 });

  // A stop keeps the experiment known for late actuals; a new one replaces it as running.
  t.true(assignments.stop('exp-1'));
  t.is(assignments.running(), null);
  t.is(assignments.experimentOf(challenger), 'exp-1');
  assignments.start({ experimentId: 'exp-2', model: { name: 'demand', version: 3 }, bundle: null, sampleRate: 0.5 });
  t.like(assignments.running(), { experimentId: 'exp-2', sampleRate: 0.5 });
  // A stored row today's schema refuses is skipped, never fatal (handbook: a bad row never stops a restart).
  db.prepare("INSERT INTO shadow_assignments (experiment_id, body, updated) VALUES ('broken', '{\"experimentId\":\"../x\"}', ?)").run(Date.now() + 1);
  db.close();
  const reopened = new ShadowAssignments(openAgentDb(path));
  t.like(reopened.running(), { experimentId: 'exp-2' });
});
