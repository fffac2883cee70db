import test from 'ava';
import { makeModelDir, startAgentProcess, writeAgentConfig } from '../helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, subscribeGranted, waitFor } from '../helpers/pos-client.js';
import { startStandIn, type StandInEvents } from '../helpers/controller-stand-in.js';

const DEVICE_SECRET = 'device-secret-123';
const KEYS = [['s1', 'i1'], ['s1', 'i2'], ['s2', 'i1'], ['s2', 'i2']] as const;
const DAY_MS = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

interface DriftRecord {
  n: number;
  drifted?: number[];
  features: Array<{ name: string; missing?: number }>;
}

/**
 * A real `fleetcast agent` process, POS traffic over its broker, windows closed every second
 * (issue #12): while lag_7 reads the history the POS reported, no window is drifted; when the
 * column breaks (forecasts for dates without history → lag_7 missing), the agent flags lag_7
 * in the first window holding those requests (docs/monitoring.md: missing share).
 */
test('an agent process flags a broken lag column in its first window and nothing before', async (t) => {
  const { root } = await makeModelDir('gbdt');
  const records: DriftRecord[] = [];
  const onEvent = (event: StandInEvents): void => {
    if (event.record?.kind === 'drift') records.push(event.record as unknown as DriftRecord);
  };
  const standIn = await startStandIn(0, DEVICE_SECRET, onEvent);
  const config = await writeAgentConfig(root, {
    uplink: { url: `mqtt://127.0.0.1:${standIn.port}`, password: DEVICE_SECRET, keepaliveSec: 5, ackTimeoutSec: 2, reconnect: { minMs: 100, maxMs: 800, jitter: 0 } },
    schedules: { heartbeatIntervalSec: 60, flushIntervalSec: 1, driftWindowCron: '* * * * * *' },
  });
  const agent = await startAgentProcess(config);
  const pos = await connectPos(agent.posPort, 'till-drift');
  t.teardown(async () => {
    await pos.endAsync(true);
    await agent.stop();
    await standIn.kill();
  });
  const replies = collect(pos);
  await subscribeGranted(pos, ['pos/v1/score/res/till-drift']);

  const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  // 40 days of sales cycling 0…19, like the reference's lag_7.
  const actuals = KEYS.flatMap(([store, item]) => Array.from({ length: 40 }, (_, d) => ({ store, item, date: isoDay(today - (40 - d) * DAY_MS), units: (d * 7) % 20 })));
  await pos.publishAsync('pos/v1/actuals', JSON.stringify({ ...scoreRequest([]), type: 'actuals', rows: actuals }), { qos: 1 });
  const rowsFor = (fromDay: number): Array<{ store: string; item: string; date: string }> =>
    KEYS.flatMap(([store, item]) => Array.from({ length: 34 }, (_, d) => ({ store, item, date: isoDay(today + (fromDay + d) * DAY_MS) })));
  const send = async (rows: unknown[], count: number, tag: string): Promise<void> => {
    const before = replies.length;
    for (let i = 0; i < count; i += 1) await pos.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest(rows, { requestId: `${tag}-${i}`, replyTo: 'pos/v1/score/res/till-drift' })), { qos: 1 });
    await waitFor(() => replies.length === before + count, 15_000, `${tag} replies`);
    t.true(replies.slice(before).every((reply) => reply.message.type === 'score-result'), JSON.stringify(replies.slice(before)[0]?.message));
  };
  const rowsInWindows = (): number => records.reduce((sum, record) => sum + record.n, 0);

  // Clean: forecasts for the last 33 days and today, whose lag_7 is in the reported history.
  await send(rowsFor(-33), 2, 'clean');
  await waitFor(() => rowsInWindows() === 2 * 136, 15_000, 'clean windows');
  const clean = records.length;
  // Broken column: forecasts 30+ days ahead have no lag_7 (missing) — 4 requests, so a window split still holds ≥ 200 rows.
  await send(rowsFor(30), 4, 'broken');
  await waitFor(() => rowsInWindows() === 6 * 136, 15_000, 'broken windows');

  const lagFlagged = records.map((record) => (record.drifted ?? []).includes(record.features.findIndex((f) => f.name === 'lag_7')));
  t.log(`windows: ${records.map((r, i) => `${r.n} rows${lagFlagged[i] ? ' lag_7 DRIFT' : ''}`).join(', ')}`);
  t.deepEqual(lagFlagged.slice(0, clean), lagFlagged.slice(0, clean).map(() => false), 'clean windows flag nothing');
  const firstBroken = records.slice(clean).findIndex((record) => (record.features[0].missing ?? 0) >= 200);
  t.true(firstBroken >= 0 && lagFlagged[clean + firstBroken], 'lag_7 flagged in the first window with ≥ 200 broken rows');
  t.true(records.every((record) => record.drifted !== undefined && (record as unknown as { layout?: number }).layout === 2));
});
