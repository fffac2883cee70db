import test from 'ava';
import Database from 'better-sqlite3';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { openAgentDb } from '../../edge-agent/storage/db.js';
import { ActualsStore } from '../../edge-agent/storage/actuals-store.js';
import { POS_USER, makeModelDir, startAgentProcess, writeAgentConfig } from './helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, subscribeGranted, waitFor } from './helpers/pos-client.js';
import { startStandIn, type StandInEvents } from './helpers/controller-stand-in.js';

const OTHER_USER = { username: 'other-pos', password: 'other-secret-2' };
const ROW = { store: 's2', item: 'i1', date: '2026-12-10' };
/** lag_7 of ROW: 15 units takes the fixture tree's other branch (threshold 9.5). */
const LAG_ACTUAL = { store: 's2', item: 'i1', date: '2026-12-03', units: 15 };

function actuals(rows: unknown[], id: string): string {
  return JSON.stringify({ v: 1, id, ts: new Date().toISOString(), sender: { role: 'pos', id: 'till' }, type: 'actuals', rows });
}

/** Sends one score request for ROW and resolves with its reply. */
async function forecast(client: MqttClient, inbox: Array<{ message: Record<string, unknown> }>, requestId: string): Promise<Record<string, unknown>> {
  await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest([ROW], { requestId })));
  await waitFor(() => inbox.some((r) => r.message.requestId === requestId), 10_000, `reply ${requestId}`);
  return inbox.find((r) => r.message.requestId === requestId)!.message;
}

const valueOf = (reply: Record<string, unknown>): number => (reply.predictions as Array<{ value: number }>)[0].value;

test.serial('issue #9 finding 1: out-of-range actuals persist nothing and get a coded error; the agent survives SIGKILL and serves', async (t) => {
  const { root } = await makeModelDir('gbdt');
  const config = await writeAgentConfig(root);
  let agent = await startAgentProcess(config);
  t.teardown(() => void agent.stop());
  const client = await connectPos(agent.posPort, 'till-dates');
  const inbox = collect(client);
  await subscribeGranted(client, ['pos/v1/score/res/till-dates']);
  const before = valueOf(await forecast(client, inbox, 'before'));

  // One good row beside a bad one: the message is refused whole.
  await client.publishAsync('pos/v1/actuals', actuals([LAG_ACTUAL, { ...LAG_ACTUAL, date: '0050-01-01' }], 'act-mixed'));
  const forty = Array.from({ length: 40 }, (_, i) => ({ store: 's1', item: `i${i}`, date: i % 2 === 0 ? '0100-01-01' : '9999-12-31', units: 1 }));
  await client.publishAsync('pos/v1/actuals', actuals(forty, 'act-forty'));
  await waitFor(() => inbox.filter((r) => r.message.type === 'error').length === 2, 10_000, 'two coded errors');
  const errors = inbox.filter((r) => r.message.type === 'error').map((r) => r.message);
  t.deepEqual(errors.map((e) => [e.requestId, e.code, e.path]), [
    ['act-mixed', 'FC_ERR_DATE_OUT_OF_RANGE', ['rows', 1, 'date']],
    ['act-forty', 'FC_ERR_DATE_OUT_OF_RANGE', ['rows', 0, 'date']],
  ]);
  t.is(valueOf(await forecast(client, inbox, 'after-refused')), before, 'the good row of the refused message did not reach the history');
  const stored = new Database(join(root, 'data', 'agent.db'), { readonly: true });
  t.is((stored.prepare('SELECT COUNT(*) AS n FROM actuals').get() as { n: number }).n, 0, 'nothing persisted');
  stored.close();

  // Positive control: the same good row alone is stored and changes the forecast.
  await client.publishAsync('pos/v1/actuals', actuals([LAG_ACTUAL], 'act-good'));
  const withHistory = valueOf(await forecast(client, inbox, 'after-good'));
  t.not(withHistory, before);
  await client.endAsync();

  agent.child.kill('SIGKILL');
  await agent.stop();
  agent = await startAgentProcess(config);
  const again = await connectPos(agent.posPort, 'till-dates-2');
  const againInbox = collect(again);
  await subscribeGranted(again, ['pos/v1/score/res/till-dates-2']);
  t.is(valueOf(await forecast(again, againInbox, 'restarted')), withHistory, 'restarted, history replayed, serving');
  await again.endAsync();
  t.is(await agent.stop(), 0);
});

test.serial('issue #9 finding 1: a bad row an older agent stored is quarantined at start, counted in the next heartbeat, and the agent serves', async (t) => {
  const { root } = await makeModelDir('gbdt');
  await mkdir(join(root, 'data'), { recursive: true });
  const db = openAgentDb(join(root, 'data', 'agent.db'));
  new ActualsStore(db, 1_130).record([LAG_ACTUAL]);
  db.prepare("INSERT INTO actuals (store, item, date, units) VALUES ('s2', 'i1', '0050-01-01', 3)").run();
  db.close();

  const heartbeats: Array<Record<string, unknown>> = [];
  const standIn = await startStandIn(0, 'device-secret-123', (event: StandInEvents) => {
    if (event.record?.kind === 'heartbeat') heartbeats.push(event.record);
  });
  t.teardown(() => void standIn.kill());
  const config = await writeAgentConfig(root, {
    uplink: { url: `mqtt://127.0.0.1:${standIn.port}`, password: 'device-secret-123', keepaliveSec: 5, ackTimeoutSec: 2, reconnect: { minMs: 100, maxMs: 800, jitter: 0.2 } },
    schedules: { heartbeatIntervalSec: 1, flushIntervalSec: 1 },
  });
  const agent = await startAgentProcess(config);
  t.teardown(() => void agent.stop());
  const client = await connectPos(agent.posPort, 'till-seeded');
  const inbox = collect(client);
  await subscribeGranted(client, ['pos/v1/score/res/till-seeded']);
  t.is((await forecast(client, inbox, 'seeded')).type, 'score-result');

  await waitFor(() => heartbeats.length >= 2, 20_000, 'two heartbeats');
  t.is(heartbeats[0].quarantinedRows, 1, 'the first heartbeat counts the quarantined row');
  t.is(heartbeats[1].quarantinedRows, undefined, 'and only the first');
  await client.endAsync();
  t.is(await agent.stop(), 0);

  const stored = new Database(join(root, 'data', 'agent.db'), { readonly: true });
  t.deepEqual(stored.prepare('SELECT date FROM actuals').all(), [{ date: LAG_ACTUAL.date }]);
  const moved = stored.prepare('SELECT source_table, row_json FROM quarantine').all() as Array<{ source_table: string; row_json: string }>;
  stored.close();
  t.is(moved.length, 1);
  t.is(moved[0].source_table, 'actuals');
  t.is(JSON.parse(moved[0].row_json).date, '0050-01-01');
});

test.serial('issue #9 finding 11: a 3.1.1 error reply goes to the payload’s readable replyTo, within the ACL', async (t) => {
  const { root } = await makeModelDir('gbdt');
  const agent = await startAgentProcess(await writeAgentConfig(root, { pos: { host: '127.0.0.1', port: 0, users: [POS_USER, OTHER_USER] } }));
  t.teardown(() => void agent.stop());
  const till = await connectPos(agent.posPort, 'till-r');
  const sibling = await connectPos(agent.posPort, 'till-r-sub');
  const other = await connectPos(agent.posPort, 'till-o', OTHER_USER);
  const [tillInbox, siblingInbox, otherInbox] = [collect(till), collect(sibling), collect(other)];
  t.deepEqual(await subscribeGranted(till, ['pos/v1/score/res/till-r/#']), [0]);
  await subscribeGranted(sibling, ['pos/v1/score/res/till-r-sub']);
  await subscribeGranted(other, ['pos/v1/score/res/till-o']);

  const invalid = (requestId: string, replyTo: string): string => JSON.stringify(scoreRequest([{ ...ROW, price: 'NaN' }], { requestId, replyTo }));
  await till.publishAsync('pos/v1/score/req', invalid('own-subtopic', 'pos/v1/score/res/till-r/errors'));
  await till.publishAsync('pos/v1/score/req', invalid('sibling', 'pos/v1/score/res/till-r-sub'));
  await till.publishAsync('pos/v1/score/req', invalid('other-login', 'pos/v1/score/res/till-o'));
  await till.publishAsync('pos/v1/score/req', '{"replyTo":"pos/v1/score/res/till-r/errors",');
  await waitFor(() => tillInbox.length === 3 && siblingInbox.length === 1, 10_000, 'error replies');
  const topicOf = (inbox: typeof tillInbox, requestId: string): string | undefined => inbox.find((r) => r.message.requestId === requestId)?.topic;
  t.is(topicOf(tillInbox, 'own-subtopic'), 'pos/v1/score/res/till-r/errors');
  t.is(topicOf(siblingInbox, 'sibling'), 'pos/v1/score/res/till-r-sub', 'a sibling connection of the same login may receive it');
  t.is(topicOf(tillInbox, 'other-login'), 'pos/v1/score/res/till-r', 'another login’s topic is outside the ACL: the default topic gets it');
  const unreadable = tillInbox.find((r) => r.message.code === 'FC_ERR_MALFORMED_JSON');
  t.is(unreadable?.topic, 'pos/v1/score/res/till-r', 'unreadable JSON: default topic');
  t.true(tillInbox.concat(siblingInbox).every((r) => r.message.type === 'error' && r.message.code !== undefined));

  // The other login gets its own answer, published after the misdirected error, and nothing else.
  await forecast(other, otherInbox, 'o-1');
  t.deepEqual(otherInbox.map((r) => r.message.requestId), ['o-1']);
  await Promise.all([till.endAsync(), sibling.endAsync(), other.endAsync()]);
});
