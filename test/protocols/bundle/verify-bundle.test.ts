import test from 'ava';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyBundle } from '../../../protocols/bundle/verify-bundle.js';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { goldenInputMatrix, goldenSamplesSchema, withinGoldenTolerance } from '../../../protocols/bundle/golden.js';
import { referenceProfileSchema } from '../../../protocols/drift/reference-profile.js';
import { isFleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { loadOnnx } from '../../../model-packager/package/onnx-runner.js';
import { makeSigningKey, makeTestBundle, type TestBundle, type TestSigningKey } from '../../helpers/bundle-fixtures.js';
import { tamperVariants } from '../../helpers/bundle-tamper.js';

let key: TestSigningKey;
let other: TestSigningKey;
let bundle: TestBundle;
let dir: string;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fc-verify-'));
  key = makeSigningKey();
  other = makeSigningKey();
  bundle = await makeTestBundle({ dir, name: 'demand', version: 3, key, kind: 'gbdt' });
});

const trust = (...keys: TestSigningKey[]) => trustedKeysFromPems(keys.map((k) => k.publicKeyPem));

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return isFleetcastError(error) ? error.code : `uncoded: ${String(error)}`;
  }
}

test('a valid bundle verifies from a path and from bytes, with every listed file', async (t) => {
  const fromPath = await verifyBundle(bundle.path, { trustedKeys: trust(key), agentVersion: '0.1.0', minVersion: { name: 'demand', version: 3 } });
  const fromBytes = await verifyBundle(bundle.bytes, { trustedKeys: trust(key) });
  t.deepEqual(fromPath.manifest, bundle.manifest);
  t.deepEqual([...fromBytes.files.keys()].sort(), ['golden.json', 'model.onnx', 'reference.json']);
  t.is(fromPath.manifest.signer.keyId, key.keyId);
  t.is(fromPath.sizeBytes, bundle.bytes.length);
});

test('key rotation: a bundle signed by either of two trusted keys verifies', async (t) => {
  const newer = await makeTestBundle({ dir, name: 'demand', version: 4, key: other });
  const both = trust(key, other);
  t.is((await verifyBundle(bundle.bytes, { trustedKeys: both })).manifest.signer.keyId, key.keyId);
  t.is((await verifyBundle(newer.bytes, { trustedKeys: both })).manifest.signer.keyId, other.keyId);
  t.is(await codeOf(verifyBundle(newer.bytes, { trustedKeys: trust(key) })), 'FC_ERR_BUNDLE_UNTRUSTED_SIGNER');
});

test('every tamper variant is rejected with its own code', async (t) => {
  const variants = await tamperVariants(bundle.bytes, other.privateKey);
  t.true(variants.length >= 11);
  for (const variant of variants) t.is(await codeOf(verifyBundle(variant.bytes, { trustedKeys: trust(key) })), variant.expectedCode, variant.name);
});

test('an older version presented as new is a downgrade unless rollback is allowed', async (t) => {
  const older = await makeTestBundle({ dir, name: 'demand', version: 2, key });
  t.is(await codeOf(verifyBundle(older.bytes, { trustedKeys: trust(key), minVersion: { name: 'demand', version: 3 } })), 'FC_ERR_BUNDLE_DOWNGRADE');
  t.is(await codeOf(verifyBundle(older.bytes, { trustedKeys: trust(key), minVersion: { version: 3 } })), 'FC_ERR_BUNDLE_DOWNGRADE');
  t.is(await codeOf(verifyBundle(older.bytes, { trustedKeys: trust(key), minVersion: { name: 'other-model', version: 3 } })), 'accepted');
  t.is(await codeOf(verifyBundle(older.bytes, { trustedKeys: trust(key), minVersion: { name: 'demand', version: 3 }, allowDowngrade: true })), 'accepted');
});

test('a bundle needing a newer agent is refused by an older agent', async (t) => {
  const future = await makeTestBundle({ dir, name: 'demand', version: 5, key, minAgentVersion: '0.10.0' });
  t.is(await codeOf(verifyBundle(future.bytes, { trustedKeys: trust(key), agentVersion: '0.9.9' })), 'FC_ERR_BUNDLE_AGENT_TOO_OLD');
  t.is(await codeOf(verifyBundle(future.bytes, { trustedKeys: trust(key), agentVersion: '0.10.0' })), 'accepted');
});

test('golden samples reproduce in onnxruntime and the reference profile parses', async (t) => {
  const verified = await verifyBundle(bundle.bytes, { trustedKeys: trust(key) });
  const golden = goldenSamplesSchema.parse(JSON.parse(verified.files.get('golden.json')!.toString('utf8')));
  t.is(golden.rows.length, 32);
  t.true(golden.rows.some((row) => row[0] === null), 'golden rows include a missing lag');
  const runner = await loadOnnx(verified.files.get('model.onnx')!);
  const got = await runner.run(goldenInputMatrix(golden));
  await runner.release();
  got.forEach((value, i) => t.true(withinGoldenTolerance(value, golden.expected.model[i], verified.manifest.goldenTolerance), `row ${i}`));
  const reference = referenceProfileSchema.parse(JSON.parse(verified.files.get('reference.json')!.toString('utf8')));
  t.is(reference.rows, 64);
  t.deepEqual(reference.features.map((f) => f.kind), ['numeric', 'numeric', 'categorical', 'categorical']);
  t.deepEqual(reference.features[2].categoryFrequencies, { s1: 0.5, s2: 0.5 });
  t.is(reference.features[0].distribution.missingShare, 4 / 64);
  t.deepEqual(reference.features.map((f) => f.importance.splits), [1, 1, 1, 0]);
});

test('a 1.5 GB file is refused as FC_ERR_BUNDLE_TOO_LARGE before it is read: RSS stays bounded (issue #9)', async (t) => {
  const path = join(dir, 'huge.fcb');
  // Sparse: 1.5 GB of apparent size, no disk used.
  const handle = await open(path, 'w');
  await handle.truncate(1.5 * 1024 ** 3);
  await handle.close();
  const before = process.memoryUsage().rss;
  t.is(await codeOf(verifyBundle(path, { trustedKeys: trust(key) })), 'FC_ERR_BUNDLE_TOO_LARGE');
  const grownMb = (process.memoryUsage().rss - before) / 1024 ** 2;
  t.true(grownMb < 50, `RSS grew ${grownMb.toFixed(1)} MB`);
  await rm(path);
});
