import test from 'ava';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import type { ModelRef } from '../../../protocols/envelope.js';
import { openAgentDb } from '../../../edge-agent/storage/db.js';
import type { ActiveModel } from '../../../edge-agent/ports.js';
import { makeSigningKey, makeTestBundle, type TestBundle } from '../../helpers/bundle-fixtures.js';
import { rollbackCommand } from './helpers/commands.js';
import { openEngine, tempDataDir } from './helpers/engine.js';
import { inspectAgentDb, servingModel } from './helpers/store-checks.js';

const ref = (version: number): ModelRef => ({ name: 'demand', version });

async function threeVersions(extra: Parameters<typeof openEngine>[2] = {}) {
  const dir = await tempDataDir('fc-rollback-');
  const key = makeSigningKey();
  const trusted = trustedKeysFromPems([key.publicKeyPem]);
  const bundles: TestBundle[] = [];
  for (const version of [1, 2, 3]) bundles.push(await makeTestBundle({ dir, name: 'demand', version, key }));
  const transitions: string[] = [];
  const engine = await openEngine(dir, trusted, { onTransition: ({ from, to }) => transitions.push(`${from}>${to}`), ...extra });
  for (const bundle of bundles) await engine.manager.install(bundle.path);
  transitions.length = 0;
  return { dir, trusted, bundles, engine, transitions };
}

test('retention keeps the last N versions (N = 2): v1 is pruned after v3 commits', async (t) => {
  const { engine } = await threeVersions();
  t.deepEqual(await engine.store.retained(), [ref(3), ref(2)]);
  t.deepEqual(engine.store.active()?.ref, ref(3));
  engine.close();
});

test('rollback without a target activates the previous retained version, without any download', async (t) => {
  const { dir, trusted, engine, transitions } = await threeVersions();
  const changes: Array<ModelRef | null> = [];
  engine.store.onChange((model) => changes.push(model?.ref ?? null));
  const outcome = await engine.manager.rollback(rollbackCommand('rb-1'));
  t.is(outcome.state, 'idle');
  t.deepEqual(outcome.active, ref(2));
  t.deepEqual(transitions, ['committed>rolling_back', 'rolling_back>idle']);
  t.deepEqual(changes, [ref(2)]);
  t.deepEqual(await engine.store.retained(), [ref(3), ref(2)]);
  t.deepEqual((await engine.manager.rollback(rollbackCommand('rb-1'))).active, ref(2), 'repeated rollback id is idempotent');
  t.deepEqual((await engine.manager.rollback(rollbackCommand('rb-2', ref(3)))).active, ref(3), 'forward again to a retained version');
  engine.close();
  t.deepEqual((await servingModel(dir, trusted))?.ref, ref(3));
  t.is(inspectAgentDb(dir).integrity, 'ok');
});

test('rollback to a version that is not kept fails with FC_ERR_UPDATE_VERSION_NOT_RETAINED and changes nothing', async (t) => {
  const { engine, transitions } = await threeVersions();
  const outcome = await engine.manager.rollback(rollbackCommand('rb-missing', ref(1)));
  t.is(outcome.state, 'failed');
  t.is(outcome.errorCode, 'FC_ERR_UPDATE_VERSION_NOT_RETAINED');
  t.deepEqual(outcome.active, ref(3));
  t.deepEqual(transitions, ['committed>rolling_back', 'rolling_back>failed']);
  engine.close();
});

test('rollback to a retained version damaged on disk is refused (FC_ERR_BUNDLE_FILE_HASH_MISMATCH); the active model stays', async (t) => {
  const { engine } = await threeVersions();
  await appendFile(join(engine.store.versionDir(ref(2)), 'model.onnx'), Buffer.from([0]));
  const outcome = await engine.manager.rollback(rollbackCommand('rb-damaged'));
  t.is(outcome.errorCode, 'FC_ERR_BUNDLE_FILE_HASH_MISMATCH');
  t.deepEqual(engine.store.active()?.ref, ref(3));
  engine.close();
});

test('a model the serving side cannot load is rolled back (FC_ERR_UPDATE_ACTIVATION_FAILED) and the previous one swapped in again', async (t) => {
  const swaps: Array<ModelRef | null> = [];
  const swapModel = async (model: ActiveModel | null): Promise<void> => {
    swaps.push(model?.ref ?? null);
    if (model?.ref.version === 3) throw new Error('scorer refused the model');
  };
  const dir = await tempDataDir('fc-rollback-swap-');
  const key = makeSigningKey();
  const trusted = trustedKeysFromPems([key.publicKeyPem]);
  const engine = await openEngine(dir, trusted, { swapModel });
  await engine.manager.install((await makeTestBundle({ dir, name: 'demand', version: 2, key })).path);
  const outcome = await engine.manager.install((await makeTestBundle({ dir, name: 'demand', version: 3, key })).path);
  t.is(outcome.state, 'failed');
  t.is(outcome.errorCode, 'FC_ERR_UPDATE_ACTIVATION_FAILED');
  t.deepEqual(swaps, [ref(2), ref(3), ref(2)]);
  t.deepEqual(engine.store.active()?.ref, ref(2));
  t.deepEqual(await engine.store.retained(), [ref(2)]);
  engine.close();
  t.deepEqual((await servingModel(dir, trusted))?.ref, ref(2));
});

test('a state resumed more than maxResumes times is rolled back with FC_ERR_UPDATE_RESUME_EXHAUSTED', async (t) => {
  const { dir, trusted, engine } = await threeVersions();
  engine.close();
  const db = openAgentDb(join(dir, 'agent.db'));
  const row = db.prepare('SELECT deployment FROM update_state').get() as { deployment: string };
  const stuck = { ...JSON.parse(row.deployment), deploymentId: 'dep-stuck', kind: 'deploy', model: ref(4), bundle: { sha256: 'a'.repeat(64), size: 10 }, localPath: null, previous: ref(3), resumes: 3 };
  db.prepare("UPDATE update_state SET state = 'staging', deployment = ?").run(JSON.stringify(stuck));
  db.close();
  const reopened = await openEngine(dir, trusted, { maxResumes: 3 });
  const outcome = await reopened.manager.resume();
  t.is(outcome?.state, 'failed');
  t.is(outcome?.errorCode, 'FC_ERR_UPDATE_RESUME_EXHAUSTED');
  t.deepEqual(outcome?.active, ref(3));
  reopened.close();
  t.deepEqual((await servingModel(dir, trusted))?.ref, ref(3));
});
