import test from 'ava';
import { connectAsync } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { openControllerDb } from '../../../cloud-controller/storage/db.js';
import { Registry } from '../../../cloud-controller/registry/registry.js';
import { Predictor } from '../../../cloud-controller/predict/predictor.js';
import { makeModelDir, POS_USER, startAgentProcess, writeAgentConfig } from '../../edge-agent/helpers/agent-fixture.js';
import { tempDir } from '../helpers.js';

const history = ['s1', 's2'].flatMap((store) => ['i1', 'i2'].flatMap((item) =>
  Array.from({ length: 14 }, (_, d) => ({ store, item, date: `2026-01-${String(d + 1).padStart(2, '0')}`, units: ((d + 1) * 3 + (store === 's2' ? 5 : 0) + (item === 'i2' ? 1 : 0)) % 17 }))));
const rows = [
  { store: 's1', item: 'i1', date: '2026-01-15' },
  { store: 's2', item: 'i2', date: '2026-01-16' },
  { store: 's1', item: 'i2', date: '2026-01-18' },
  { store: 's2', item: 'i1', date: '2026-01-21' },
];

function envelope(type: string): Record<string, unknown> {
  return { v: 1, type, id: randomUUID(), ts: new Date().toISOString(), sender: { role: 'pos', id: 'till-1' } };
}

test('controller predict returns the same numbers as the edge agent for the same bundle, history and rows', async (t) => {
  const { root, bundle } = await makeModelDir('gbdt');
  const agent = await startAgentProcess(await writeAgentConfig(root));
  t.teardown(() => agent.stop());
  const pos = await connectAsync(`mqtt://127.0.0.1:${agent.posPort}`, { clientId: 'till-1', username: POS_USER.username, password: POS_USER.password, protocolVersion: 4 });
  t.teardown(() => pos.endAsync());
  await pos.subscribeAsync('pos/v1/score/res/till-1', { qos: 1 });
  await pos.publishAsync('pos/v1/actuals', JSON.stringify({ ...envelope('actuals'), rows: history }), { qos: 1 });
  const reply = new Promise<{ type: string; predictions: Array<{ value: number }>; model: unknown }>((resolve) => {
    pos.on('message', (_topic, payload) => resolve(JSON.parse(payload.toString()) as { type: string; predictions: Array<{ value: number }>; model: unknown }));
  });
  await pos.publishAsync('pos/v1/score/req', JSON.stringify({ ...envelope('score'), requestId: 'r1', rows }), { qos: 1 });
  const agentResult = await reply;
  t.is(agentResult.type, 'score-result', JSON.stringify(agentResult));

  const dataDir = tempDir();
  const trustedKeys = trustedKeysFromPems([bundle.publicKeyPem]);
  const db = openControllerDb(dataDir);
  const registry = new Registry(db, { dataDir, trustedKeys, requireProductionApproval: false });
  await registry.push(bundle.path, 'alice');
  registry.promote('demand', 3, 'Production', 'alice');
  const predictor = new Predictor(registry, trustedKeys);
  t.teardown(() => predictor.close());
  const cloud = await predictor.predict('demand', 'Production', rows, history);
  t.deepEqual(cloud.model, agentResult.model);
  t.deepEqual(cloud.predictions.map((p) => p.value), agentResult.predictions.map((p) => p.value));
});
