import test from 'ava';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { birthStateSchema, offlineStateSchema } from '../../protocols/messages/state.js';
import { makeModelDir, startAgentProcess, writeAgentConfig } from './helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, subscribeGranted, waitFor } from './helpers/pos-client.js';
import { startStandIn, type StandInEvents } from './helpers/controller-stand-in.js';

const DEVICE_SECRET = 'device-secret-123';

test('offline: POS keeps being answered with the uplink broker down; on return every buffered record is ingested exactly once', async (t) => {
  const { root } = await makeModelDir('gbdt');
  const ingestCount = new Map<number, number>();
  const records = new Map<number, Record<string, unknown>>();
  const states: Array<Record<string, unknown>> = [];
  const onEvent = (event: StandInEvents): void => {
    if (event.ingest !== undefined) {
      ingestCount.set(event.ingest, (ingestCount.get(event.ingest) ?? 0) + 1);
      records.set(event.ingest, event.record!);
    }
    if (event.state) states.push(event.state);
  };
  const first = await startStandIn(0, DEVICE_SECRET, onEvent);
  const config = await writeAgentConfig(root, {
    uplink: { url: `mqtt://127.0.0.1:${first.port}`, password: DEVICE_SECRET, keepaliveSec: 5, ackTimeoutSec: 2, reconnect: { minMs: 100, maxMs: 800, jitter: 0.2 } },
    schedules: { heartbeatIntervalSec: 1, flushIntervalSec: 1, driftWindowCron: '*/2 * * * * *' },
  });
  const agent = await startAgentProcess(config);
  t.teardown(() => void agent.stop());
  await waitFor(() => states.some((s) => s.type === 'birth') && ingestCount.size > 0, 15_000, 'birth and first records');
  t.true(birthStateSchema.safeParse(states.find((s) => s.type === 'birth')).success);
  t.deepEqual(states.find((s) => s.type === 'birth')?.activeModel, { name: 'demand', version: 3 });

  await first.kill();
  const seenBeforeReturn = Math.max(...ingestCount.keys());
  const pos = await connectPos(agent.posPort, 'till-offline');
  const replies = collect(pos);
  await subscribeGranted(pos, ['pos/v1/score/res/till-offline']);
  const offlineRequests = 300;
  // In rounds of 100: one login may have at most pos.maxQueuedPerLogin (256) requests waiting (issue #9 fair share).
  for (let i = 0; i < offlineRequests; i += 1) {
    await pos.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest([{ store: 's1', item: 'i2', date: '2026-12-01' }], { requestId: `off-${i}` })));
    if ((i + 1) % 100 === 0) await waitFor(() => replies.length === i + 1, 15_000, 'offline replies');
  }
  await waitFor(() => replies.length === offlineRequests, 15_000, 'offline replies');
  t.true(replies.every((r) => r.message.type === 'score-result'));
  // Heartbeats, scoring and drift windows pile up offline: wait until the agent's outbox (SQLite
  // in WAL mode, read beside it) holds them all, not for a fixed 2.5 s (issue #9).
  const outbox = new Database(join(root, 'data', 'agent.db'), { readonly: true, fileMustExist: true });
  t.teardown(() => outbox.close());
  const buffered = (): Array<Record<string, number | string>> => (outbox.prepare('SELECT body FROM outbox WHERE seq > ?').all(seenBeforeReturn) as Array<{ body: string }>).map((row) => JSON.parse(row.body) as Record<string, number | string>);
  const total = (rows: Array<Record<string, number | string>>, kind: string, field: string): number => rows.filter((r) => r.kind === kind).reduce((sum, r) => sum + (r[field] as number), 0);
  await waitFor(() => {
    const rows = buffered();
    return rows.length > 3 && rows.some((r) => r.kind === 'heartbeat') && total(rows, 'scoring', 'requests') >= offlineRequests && total(rows, 'drift', 'n') >= offlineRequests;
  }, 20_000, 'records buffered offline');

  const second = await startStandIn(first.port, DEVICE_SECRET, onEvent);
  t.teardown(() => void second.kill());
  // Everything produced so far must arrive; the scoring records must account for every request.
  const scoredRequests = (): number => [...records.values()].filter((r) => r.kind === 'scoring').reduce((sum, r) => sum + (r.requests as number), 0);
  const driftRows = (): number => [...records.values()].filter((r) => r.kind === 'drift').reduce((sum, r) => sum + (r.n as number), 0);
  await waitFor(() => scoredRequests() >= offlineRequests && driftRows() >= offlineRequests && Math.max(...ingestCount.keys()) > seenBeforeReturn + 3, 20_000, 'buffered records after return');
  await pos.endAsync();
  t.is(await agent.stop(), 0);
  // The agent's last word is its retained offline state (reason shutdown); the stand-in relays it.
  await waitFor(() => states[states.length - 1]?.type === 'offline', 10_000, 'offline state after shutdown');

  const maxSeq = Math.max(...ingestCount.keys());
  const missing = Array.from({ length: maxSeq }, (_, i) => i + 1).filter((seq) => !ingestCount.has(seq));
  t.deepEqual(missing, [], 'no record lost');
  t.is(ingestCount.size, maxSeq, 'records produced (1..maxSeq) = records ingested');
  t.is(scoredRequests(), offlineRequests, 'scoring records count every offline request once');
  t.true([...records.values()].some((r) => r.kind === 'heartbeat'));
  const drift = [...records.values()].filter((r) => r.kind === 'drift');
  t.is(driftRows(), offlineRequests, 'drift windows saw every served row');
  t.deepEqual((drift[0].features as Array<{ name: string }>).map((f) => f.name), ['lag_7', 'day_of_week', 'store', 'item']);
  const redelivered = [...ingestCount.values()].filter((n) => n > 1).length;
  t.log(`records ${maxSeq}, offline requests ${offlineRequests}, redelivered batches' records (deduplicated by seq) ${redelivered}`);
  const last = states[states.length - 1];
  t.true(offlineStateSchema.safeParse(last).success);
  t.is(last.reason, 'shutdown');
});
