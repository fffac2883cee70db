import test from 'ava';
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as ort from 'onnxruntime-node';
import { buildFeatureMatrix } from '../../protocols/features/build-features.js';
import { SalesHistory } from '../../protocols/features/sales-history.js';
import { scoreResponseMessageSchema } from '../../protocols/messages/pos/score-response.js';
import { posStatusSchema } from '../../protocols/messages/pos/status.js';
import { PersonalData } from '../../edge-agent/privacy/personal-data.js';
import { HASH_KEY_HEX, POS_USER, makeModelDir, startAgentProcess, writeAgentConfig, type AgentProcess } from './helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, subscribeGranted, waitFor } from './helpers/pos-client.js';
import type { TestBundle } from '../helpers/bundle-fixtures.js';

const run = promisify(execFile);
const CUSTOMER = 'alice.customer@example.com';

let agent: AgentProcess;
let root: string;
let bundle: TestBundle;
let modelDir: string;

test.before(async () => {
  ({ root, bundle, modelDir } = await makeModelDir('gbdt'));
  const config = await writeAgentConfig(root, {
    pos: { host: '127.0.0.1', port: 0, users: [POS_USER, { username: 'other-pos', password: 'other-secret-2' }], maxPayloadBytes: 4_096 },
  });
  agent = await startAgentProcess(config, { FLEETCAST_LOG_LEVEL: 'debug' });
});

test.after.always(async () => {
  await agent?.stop();
});

/** The forecast the model file gives for these rows, computed here with onnxruntime directly. */
async function expectedForecasts(rows: Array<{ store: string; item: string; date: string }>, history = new SalesHistory()): Promise<number[]> {
  const { matrix, names } = buildFeatureMatrix(bundle.manifest.featureSpec, history, rows);
  const session = await ort.InferenceSession.create(join(modelDir, 'model.onnx'));
  const out = await session.run({ [bundle.manifest.input.name]: new ort.Tensor('float32', matrix, [rows.length, names.length]) });
  return Array.from(out[bundle.manifest.output.name].data as Float32Array);
}

test.serial('mosquitto_pub/mosquitto_sub (MQTT 3.1.1) get a forecast with model name+version and request id', async (t) => {
  const rows = [{ store: 's1', item: 'i1', date: '2026-11-27' }, { store: 's2', item: 'i2', date: '2026-11-28' }];
  const common = ['-h', '127.0.0.1', '-p', String(agent.posPort), '-u', POS_USER.username, '-P', POS_USER.password, '-V', 'mqttv311'];
  // The subscriber also takes the retained pos/v1/status: it arrives once the SUBSCRIBE is in
  // place, so the request is published only then (issue #9: an event, not a 300 ms sleep).
  const sub = spawn('mosquitto_sub', [...common, '-i', 'till-sub', '-v', '-t', 'pos/v1/status', '-t', 'pos/v1/score/res/till-sub', '-C', '2', '-W', '10'], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.teardown(() => void sub.kill());
  const lines = createInterface({ input: sub.stdout })[Symbol.asyncIterator]();
  t.true(((await lines.next()).value as string).startsWith('pos/v1/status '), 'retained status first');
  const request = scoreRequest(rows, { requestId: 'req-42', replyTo: 'pos/v1/score/res/till-sub' });
  await run('mosquitto_pub', [...common, '-i', 'till-pub', '-t', 'pos/v1/score/req', '-m', JSON.stringify(request)]);
  const line = (await lines.next()).value as string;
  t.true(line.startsWith('pos/v1/score/res/till-sub '), line);
  const reply = scoreResponseMessageSchema.parse(JSON.parse(line.slice(line.indexOf(' ') + 1)));
  if (reply.type !== 'score-result') return t.fail(`expected score-result, got ${line}`);
  t.is(reply.requestId, 'req-42');
  t.deepEqual(reply.model, { name: 'demand', version: 3 });
  t.deepEqual(reply.predictions.map((p) => [p.store, p.item, p.date]), rows.map((r) => [r.store, r.item, r.date]));
  const expected = await expectedForecasts(rows);
  reply.predictions.forEach((p, i) => t.true(Math.abs(p.value - expected[i]) < 1e-6, `row ${i}: ${p.value} vs ${expected[i]}`));
});

test.serial('bad POS input gets coded error replies and the agent keeps serving', async (t) => {
  const client = await connectPos(agent.posPort, 'till-bad');
  const received = collect(client);
  await subscribeGranted(client, ['pos/v1/score/res/till-bad']);
  const good = { store: 's1', item: 'i1', date: '2026-11-27' };
  const cases: Array<[string, string | Buffer, string]> = [
    ['malformed JSON', '{"v":1,', 'FC_ERR_MALFORMED_JSON'],
    ['NaN literal', JSON.stringify(scoreRequest([good], { requestId: 'nan' })).replace('"rows":[', '"rows":[{"store":"s1","item":"i1","date":"2026-11-27","price":NaN},'), 'FC_ERR_MALFORMED_JSON'],
    ['price as string', JSON.stringify(scoreRequest([{ ...good, price: 'NaN' }], { requestId: 'str' })), 'FC_ERR_INVALID_MESSAGE'],
    ['missing rows', JSON.stringify({ ...scoreRequest([good]), rows: undefined }), 'FC_ERR_INVALID_MESSAGE'],
    ['missing date', JSON.stringify(scoreRequest([{ store: 's1', item: 'i1' }])), 'FC_ERR_INVALID_MESSAGE'],
    ['unknown type', JSON.stringify({ ...scoreRequest([good]), type: 'explode' }), 'FC_ERR_UNKNOWN_MESSAGE_TYPE'],
    ['wrong version', JSON.stringify({ ...scoreRequest([good]), v: 9 }), 'FC_ERR_UNSUPPORTED_VERSION'],
    ['unknown store', JSON.stringify(scoreRequest([{ ...good, store: 'nowhere' }])), 'FC_ERR_UNKNOWN_STORE'],
    ['unknown item', JSON.stringify(scoreRequest([{ ...good, item: 'nothing' }])), 'FC_ERR_UNKNOWN_ITEM'],
    ['over the size limit', JSON.stringify(scoreRequest([good], { pad: 'x'.repeat(5_000) })), 'FC_ERR_PAYLOAD_TOO_LARGE'],
    ['replyTo of another login', JSON.stringify(scoreRequest([good], { replyTo: 'pos/v1/score/res/someone-else' })), 'FC_ERR_NOT_AUTHORIZED'],
    ['binary garbage', Buffer.from([0xff, 0x00, 0xfe, 0x7b]), 'FC_ERR_MALFORMED_JSON'],
  ];
  for (const [, payload] of cases) await client.publishAsync('pos/v1/score/req', payload);
  await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest([good], { requestId: 'still-serving' })));
  await waitFor(() => received.length === cases.length + 1, 10_000, 'all replies');
  const codes = received.filter((r) => r.message.type === 'error').map((r) => r.message.code);
  t.deepEqual([...codes].sort(), cases.map(([, , code]) => code).sort());
  for (const r of received) t.true(scoreResponseMessageSchema.safeParse(r.message).success);
  const last = received.find((r) => r.message.requestId === 'still-serving');
  t.is(last?.message.type, 'score-result');
  const stringPrice = received.find((r) => r.message.requestId === 'str');
  t.deepEqual(stringPrice?.message.path, ['rows', 0, 'price']);
  await client.endAsync();
});

test.serial('ACL: a POS client cannot subscribe to other replies or publish outside its two topics; bad password is refused', async (t) => {
  const alice = await connectPos(agent.posPort, 'till-a');
  const bob = await connectPos(agent.posPort, 'till-b');
  const bobInbox = collect(bob);
  t.deepEqual(await subscribeGranted(bob, ['pos/v1/score/res/till-b', 'pos/v1/status']), [0, 0]);
  t.deepEqual(await subscribeGranted(alice, ['pos/v1/score/res/till-b', 'pos/v1/score/res/#', '#', 'pos/v1/score/req', 'fc/v1/d/store-1/cmd']), [128, 128, 128, 128, 128]);
  await waitFor(() => bobInbox.some((r) => r.topic === 'pos/v1/status'), 5_000, 'retained status');
  const status = posStatusSchema.parse(bobInbox.find((r) => r.topic === 'pos/v1/status')!.message);
  t.deepEqual(status.servingModel, { name: 'demand', version: 3 });
  t.is(status.health.status, 'healthy');
  // A forged "reply" from alice into bob's reply topic must never reach bob.
  alice.on('error', () => undefined);
  // QoS 1, so the broker's answer (PUBACK, or closing alice's connection) proves it has handled
  // the forged packet; a delivery to bob would have been written before it (issue #9: no sleep).
  const aliceClosed = new Promise<void>((resolve) => alice.once('close', () => resolve()));
  await Promise.race([alice.publishAsync('pos/v1/score/res/till-b', JSON.stringify({ forged: true }), { qos: 1 }).catch(() => undefined), aliceClosed]);
  // bob's own request still gets its answer; the forged message is not among what bob got.
  await bob.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest([{ store: 's1', item: 'i2', date: '2026-11-29' }], { requestId: 'bob-1' })));
  await waitFor(() => bobInbox.some((r) => r.message.requestId === 'bob-1'), 5_000, 'bob reply');
  t.false(bobInbox.some((r) => r.message.forged === true));
  const wrong = await connectPos(agent.posPort, 'till-c', { username: POS_USER.username, password: 'wrong-password' }).then(() => 'connected', (error: Error) => error.message);
  t.not(wrong, 'connected');
  await bob.endAsync();
  await alice.endAsync(true);
});

test.serial('actuals from pos/v1/actuals become lag features of later forecasts', async (t) => {
  const client = await connectPos(agent.posPort, 'till-lag');
  const received = collect(client);
  await subscribeGranted(client, ['pos/v1/score/res/till-lag']);
  const row = { store: 's2', item: 'i1', date: '2026-12-10' };
  await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest([row], { requestId: 'before' })));
  // lag_7 of 2026-12-10 is 2026-12-03: 15 units takes the tree's other branch (threshold 9.5).
  const actual = { store: 's2', item: 'i1', date: '2026-12-03', units: 15 };
  await client.publishAsync('pos/v1/actuals', JSON.stringify({ v: 1, id: 'act-1', ts: new Date().toISOString(), sender: { role: 'pos', id: 'till' }, type: 'actuals', rows: [actual] }));
  // The agent runs at debug level here: its 'actuals stored' line says the history has the row.
  await waitFor(() => agent.stderr().includes('"msg":"actuals stored"'), 5_000, 'actuals stored');
  await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest([row], { requestId: 'after' })));
  await waitFor(() => received.length === 2, 5_000, 'both forecasts');
  const value = (id: string): number => ((received.find((r) => r.message.requestId === id)?.message.predictions as Array<{ value: number }>)[0]).value;
  const [withoutHistory] = await expectedForecasts([row]);
  const [withHistory] = await expectedForecasts([row], SalesHistory.fromRows([actual]));
  t.not(withoutHistory, withHistory, 'the fixture model reacts to lag_7');
  t.true(Math.abs(value('before') - withoutHistory) < 1e-6);
  t.true(Math.abs(value('after') - withHistory) < 1e-6);
  await client.endAsync();
});

test.serial('personal fields never reach SQLite or the logs in clear; logs carry the keyed hash', async (t) => {
  const client = await connectPos(agent.posPort, 'till-pii');
  const received = collect(client);
  await subscribeGranted(client, ['pos/v1/score/res/till-pii']);
  for (let i = 0; i < 20; i += 1) {
    await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest([{ store: 's1', item: 'i1', date: '2026-11-27', customerId: CUSTOMER }], { requestId: `pii-${i}` })));
  }
  await client.publishAsync('pos/v1/actuals', JSON.stringify({ v: 1, id: 'a1', ts: new Date().toISOString(), sender: { role: 'pos', id: 'till' }, type: 'actuals', rows: [{ store: 's1', item: 'i1', date: '2026-11-27', units: 3 }] }));
  await waitFor(() => received.length === 20, 10_000, 'pii replies');
  await client.endAsync();
  t.is(await agent.stop(), 0);
  const dataDir = join(root, 'data');
  const entries = await readdir(dataDir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
  t.true(files.includes(join(dataDir, 'agent.db')));
  for (const file of files) t.false((await readFile(file)).includes(CUSTOMER), `${file} holds the customer in clear`);
  const logs = agent.stderr();
  t.false(logs.includes(CUSTOMER));
  t.true(logs.includes(new PersonalData(HASH_KEY_HEX, ['customerId']).pseudonym(CUSTOMER)));
});
