import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { isFleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { makeSigningKey, makeTestBundle, writeKeyFiles } from '../../helpers/bundle-fixtures.js';
import { tamperVariants } from '../../helpers/bundle-tamper.js';
import { runCli } from '../../helpers/run-cli.js';
import { withWrongGoldenOutputs } from './helpers/broken-bundle.js';
import { openEngine, tempDataDir } from './helpers/engine.js';
import { inspectAgentDb, servingModel } from './helpers/store-checks.js';

test('fleetcast agent install activates a bundle, keeps --keep-versions and refuses a downgrade', async (t) => {
  const dir = await tempDataDir();
  const key = makeSigningKey();
  const { publicKeyPath } = await writeKeyFiles(dir, key);
  const bundles = [];
  for (const version of [1, 2, 3]) bundles.push(await makeTestBundle({ dir, name: 'demand', version, key }));
  const dataDir = join(dir, 'data');
  for (const bundle of bundles) {
    const result = await runCli(['agent', 'install', bundle.path, '--data-dir', dataDir, '--trust', publicKeyPath, '--keep-versions', '2', '--json']);
    t.is(result.code, 0, result.stdout + result.stderr);
    const printed = JSON.parse(result.stdout) as { state: string; active: unknown; retained: unknown[] };
    t.is(printed.state, 'committed');
    t.deepEqual(printed.active, { name: 'demand', version: bundle.manifest.model.version });
  }
  const trusted = trustedKeysFromPems([key.publicKeyPem]);
  const serving = await servingModel(dataDir, trusted);
  t.deepEqual(serving?.ref, { name: 'demand', version: 3 });
  t.is(serving?.goldenRows, 32);

  const downgrade = await runCli(['agent', 'install', bundles[0].path, '--data-dir', dataDir, '--trust', publicKeyPath, '--json']);
  t.is(downgrade.code, 65);
  t.is((JSON.parse(downgrade.stdout) as { error: { code: string } }).error.code, 'FC_ERR_BUNDLE_DOWNGRADE');
  t.deepEqual((await servingModel(dataDir, trusted))?.ref, { name: 'demand', version: 3 });
  t.is(inspectAgentDb(dataDir).integrity, 'ok');
});

test('install reads data dir and trusted keys from agent.json', async (t) => {
  const dir = await tempDataDir();
  const key = makeSigningKey();
  const bundle = await makeTestBundle({ dir, name: 'demand', version: 4, key });
  const configPath = join(dir, 'agent.json');
  await writeFile(configPath, JSON.stringify({ deviceId: 'store-9', dataDir: 'data', trustedKeys: { [key.keyId]: key.publicKeyPem }, pos: { port: 0, users: [{ username: 'pos', password: 'pos-secret-1' }] }, privacy: { hashKeyHex: 'ab'.repeat(32) } }));
  const result = await runCli(['agent', 'install', bundle.path, '--config', configPath, '--json']);
  t.is(result.code, 0, result.stdout + result.stderr);
  t.deepEqual((await servingModel(join(dir, 'data'), trustedKeysFromPems([key.publicKeyPem])))?.ref, { name: 'demand', version: 4 });

  const untrusting = join(dir, 'other.json');
  await writeFile(untrusting, (await readFile(configPath, 'utf8')).replace(`"${key.keyId}"`, '"0123456789abcdef"'));
  const refused = await runCli(['agent', 'install', bundle.path, '--config', untrusting, '--json']);
  t.is(refused.code, 78);
  t.is((JSON.parse(refused.stdout) as { error: { code: string } }).error.code, 'FC_ERR_INVALID_CONFIG');
});

test('install without trusted keys or data dir gives coded usage errors', async (t) => {
  const dir = await tempDataDir();
  const noKeys = await runCli(['agent', 'install', join(dir, 'x.fcb'), '--data-dir', dir, '--json']);
  t.is((JSON.parse(noKeys.stdout) as { error: { code: string } }).error.code, 'FC_ERR_UPDATE_NO_TRUSTED_KEYS');
  t.is(noKeys.code, 78);
  const noDir = await runCli(['agent', 'install', join(dir, 'x.fcb'), '--json']);
  t.is((JSON.parse(noDir.stdout) as { error: { code: string } }).error.code, 'FC_ERR_USAGE');
  t.is(noDir.code, 64);
});

test('every tampered bundle (and a downgrade) is rejected with its code and the previous model keeps serving', async (t) => {
  const dir = await tempDataDir();
  const key = makeSigningKey();
  const trusted = trustedKeysFromPems([key.publicKeyPem]);
  const v1 = await makeTestBundle({ dir, name: 'demand', version: 1, key });
  const v2 = await makeTestBundle({ dir, name: 'demand', version: 2, key });
  const v3 = await makeTestBundle({ dir, name: 'demand', version: 3, key });
  const engine = await openEngine(dir, trusted);
  t.is((await engine.manager.install(v2.path)).state, 'committed');
  const pointerBefore = await readFile(join(dir, 'models', 'active.json'), 'utf8');

  const variants = await tamperVariants(v3.bytes, makeSigningKey().privateKey);
  const tooNew = await makeTestBundle({ dir, name: 'demand', version: 5, key, minAgentVersion: '99.0.0' });
  variants.push({ name: 'needs a newer agent', bytes: tooNew.bytes, expectedCode: 'FC_ERR_BUNDLE_AGENT_TOO_OLD' });
  variants.push({ name: 'downgrade to v1', bytes: v1.bytes, expectedCode: 'FC_ERR_BUNDLE_DOWNGRADE' });
  t.true(variants.length >= 13);
  for (const variant of variants) {
    const path = join(dir, 'tampered.fcb');
    await writeFile(path, variant.bytes);
    let code: string | undefined;
    try {
      const outcome = await engine.manager.install(path);
      code = outcome.errorCode;
      t.is(outcome.state, 'failed', variant.name);
    } catch (error) {
      code = isFleetcastError(error) ? error.code : String(error);
    }
    t.is(code, variant.expectedCode, variant.name);
    t.is(await readFile(join(dir, 'models', 'active.json'), 'utf8'), pointerBefore, variant.name);
    t.deepEqual(engine.store.active()?.ref, { name: 'demand', version: 2 }, variant.name);
  }
  t.deepEqual(await engine.store.retained(), [{ name: 'demand', version: 2 }]);
  engine.close();
  t.deepEqual((await servingModel(dir, trusted))?.ref, { name: 'demand', version: 2 });
  t.is(inspectAgentDb(dir).integrity, 'ok');
});

test('a signed bundle failing its golden samples rolls back: failed with FC_ERR_UPDATE_GOLDEN_FAILED, previous serving', async (t) => {
  const dir = await tempDataDir();
  const key = makeSigningKey();
  const trusted = trustedKeysFromPems([key.publicKeyPem]);
  const v1 = await makeTestBundle({ dir, name: 'demand', version: 1, key });
  const v2 = await makeTestBundle({ dir, name: 'demand', version: 2, key });
  const brokenPath = join(dir, 'broken.fcb');
  await writeFile(brokenPath, await withWrongGoldenOutputs(v2.bytes, key.privateKey));
  const transitions: string[] = [];
  const engine = await openEngine(dir, trusted, { onTransition: ({ from, to }) => transitions.push(`${from}>${to}`) });
  await engine.manager.install(v1.path);
  transitions.length = 0;
  const outcome = await engine.manager.install(brokenPath);
  t.is(outcome.state, 'failed');
  t.is(outcome.errorCode, 'FC_ERR_UPDATE_GOLDEN_FAILED');
  t.deepEqual(transitions, ['committed>verifying', 'verifying>staging', 'staging>rolling_back', 'rolling_back>failed']);
  t.deepEqual(engine.store.active()?.ref, { name: 'demand', version: 1 });
  t.deepEqual(await engine.store.retained(), [{ name: 'demand', version: 1 }]);
  engine.close();
  t.deepEqual((await servingModel(dir, trusted))?.ref, { name: 'demand', version: 1 });
});
