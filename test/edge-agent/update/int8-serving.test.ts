import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as ort from 'onnxruntime-node';
import { readBundle } from '../../../protocols/bundle/read-bundle.js';
import { buildFeatureMatrix } from '../../../protocols/features/build-features.js';
import { SalesHistory } from '../../../protocols/features/sales-history.js';
import { deploymentEventSchema } from '../../../protocols/messages/evt.js';
import { scoreResponseMessageSchema } from '../../../protocols/messages/pos/score-response.js';
import { posStatusSchema } from '../../../protocols/messages/pos/status.js';
import { makeSigningKey, makeTestBundle, type TestBundle } from '../../helpers/bundle-fixtures.js';
import { runCli } from '../../helpers/run-cli.js';
import { startAgentProcess, writeAgentConfig } from '../helpers/agent-fixture.js';
import { collect, connectPos, scoreRequest, subscribeGranted, waitFor } from '../helpers/pos-client.js';
import { withWrongGoldenOutputs } from './helpers/broken-bundle.js';

/**
 * int8 on a real agent process (issue #10): `fleetcast agent install` of a bundle that ships
 * int8 stages both graphs' golden samples; the daemon then serves the graph that passed and
 * says which in `pos/v1/status` and every score reply. A bundle whose int8 goldens fail here
 * (perturbed, correctly signed) commits serving fp32 with FC_ERR_INT8_GOLDEN_FAILED reported.
 */
const ROWS = [{ store: 's1', item: 'i1', date: '2026-11-27' }, { store: 's2', item: 'i2', date: '2026-11-28' }];

async function onnxForecasts(bundle: TestBundle, file: string): Promise<number[]> {
  const bytes = (await readBundle(bundle.bytes)).files.get(file)!;
  const { matrix, names } = buildFeatureMatrix(bundle.manifest.featureSpec, new SalesHistory(), ROWS);
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ [bundle.manifest.input.name]: new ort.Tensor('float32', matrix, [ROWS.length, names.length]) });
  await session.release();
  return Array.from(out[bundle.manifest.output.name].data as Float32Array);
}

/** Installs `path` offline, starts the agent, returns its status and one score reply. */
async function installAndScore(t: { teardown(fn: () => unknown): void }, root: string, path: string, configPath: string) {
  const installed = await runCli(['agent', 'install', path, '--config', configPath, '--json']);
  const agent = await startAgentProcess(configPath);
  t.teardown(() => agent.stop());
  const client = await connectPos(agent.posPort, 'till-int8');
  t.teardown(() => client.endAsync());
  const inbox = collect(client);
  await subscribeGranted(client, ['pos/v1/score/res/till-int8', 'pos/v1/status']);
  await waitFor(() => inbox.some((m) => m.topic === 'pos/v1/status'), 10_000, 'retained status');
  await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest(ROWS, { requestId: 'int8-q' })));
  await waitFor(() => inbox.some((m) => m.topic === 'pos/v1/score/res/till-int8'), 10_000, 'score reply');
  const status = posStatusSchema.parse(inbox.find((m) => m.topic === 'pos/v1/status')!.message);
  const reply = scoreResponseMessageSchema.parse(inbox.find((m) => m.topic === 'pos/v1/score/res/till-int8')!.message);
  const db = new Database(join(root, 'data', 'agent.db'), { readonly: true });
  const events = (db.prepare('SELECT payload FROM update_events').all() as Array<{ payload: string }>).map((row) => deploymentEventSchema.parse(JSON.parse(row.payload)));
  db.close();
  return { installed, status, reply, committed: events.find((event) => event.to === 'committed') };
}

async function setup(int8Golden: 'intact' | 'perturbed') {
  const root = await mkdtemp(join(tmpdir(), 'fc-int8-agent-'));
  const key = makeSigningKey();
  const bundle = await makeTestBundle({ dir: root, name: 'demand', version: 1, key, kind: 'mlp-int8' });
  let path = bundle.path;
  if (int8Golden === 'perturbed') {
    path = join(root, 'int8-golden-off.fcb');
    await writeFile(path, await withWrongGoldenOutputs(bundle.bytes, key.privateKey, 'modelInt8'));
  }
  const configPath = await writeAgentConfig(root, { modelDir: undefined, trustedKeys: { [key.keyId]: key.publicKeyPem } });
  return { root, bundle, path, configPath };
}

test('an int8 bundle installed on a real agent serves int8: install, status and score reply say so', async (t) => {
  const { root, bundle, path, configPath } = await setup('intact');
  t.true(bundle.manifest.quantization?.shipped);
  const { installed, status, reply, committed } = await installAndScore(t, root, path, configPath);
  t.is(installed.code, 0, installed.stdout + installed.stderr);
  t.deepEqual((JSON.parse(installed.stdout) as { serving: unknown }).serving, { precision: 'int8', fallback: null });
  t.deepEqual(status.serving, { precision: 'int8', fallback: null });
  t.deepEqual(committed?.serving, { precision: 'int8', fallback: null });
  if (reply.type !== 'score-result') return t.fail(JSON.stringify(reply));
  t.is(reply.precision, 'int8');
  const expected = await onnxForecasts(bundle, 'model.int8.onnx');
  reply.predictions.forEach((p, i) => t.is(p.value, expected[i], `row ${i}`));
});

test('int8 goldens that fail on this CPU: the deployment commits serving fp32 and reports FC_ERR_INT8_GOLDEN_FAILED', async (t) => {
  const { root, bundle, path, configPath } = await setup('perturbed');
  const { installed, status, reply, committed } = await installAndScore(t, root, path, configPath);
  t.is(installed.code, 0, installed.stdout + installed.stderr);
  const printed = JSON.parse(installed.stdout) as { state: string; active: unknown; serving: { precision: string; fallback: { code: string } | null } };
  t.is(printed.state, 'committed', 'not rolled back');
  t.deepEqual(printed.active, { name: 'demand', version: 1 });
  t.is(printed.serving.precision, 'fp32');
  t.is(printed.serving.fallback?.code, 'FC_ERR_INT8_GOLDEN_FAILED');
  t.is(committed?.serving?.fallback?.code, 'FC_ERR_INT8_GOLDEN_FAILED', 'the deployment event carries the reason');
  t.is(status.serving?.precision, 'fp32');
  t.is(status.serving?.fallback?.code, 'FC_ERR_INT8_GOLDEN_FAILED');
  if (reply.type !== 'score-result') return t.fail(JSON.stringify(reply));
  t.is(reply.precision, 'fp32');
  const expected = await onnxForecasts(bundle, 'model.onnx');
  reply.predictions.forEach((p, i) => t.is(p.value, expected[i], `row ${i}`));
});
