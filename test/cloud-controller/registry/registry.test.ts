import test from 'ava';
import { existsSync } from 'node:fs';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { makeSigningKey, makeTestBundle } from '../../helpers/bundle-fixtures.js';
import { codeOf, makeBundleSet, openTestRegistry, tempDir, TestClock, type BundleSet } from '../helpers.js';

let set: BundleSet;
test.before(async () => {
  set = await makeBundleSet('demand', 3);
});

test('push verifies, stores by sha256 and links the version to its run; pushing again is idempotent', async (t) => {
  const { registry } = openTestRegistry(tempDir(), set.key);
  const pushed = await registry.push(set.bundles[0].path, 'alice');
  t.is(pushed.name, 'demand');
  t.is(pushed.version, 1);
  t.is(pushed.stage, 'Development');
  t.is(pushed.sha256, set.bundles[0].sha256);
  t.is(pushed.runId, 'test-run-demand-1');
  t.deepEqual(pushed.metrics, { model: { wape: 0.2, mae: 1.1 }, seasonalNaive: { wape: 0.3, mae: 1.6 } });
  const again = await registry.push(set.bundles[0].path, 'bob');
  t.is(again.registeredBy, 'alice');
  const resolved = registry.getModelVersion('demand', 1);
  t.true(existsSync(resolved.bundlePath));
  t.is(resolved.size, set.bundles[0].bytes.length);
  t.deepEqual(resolved.manifest.model, set.bundles[0].manifest.model);
});

test('push refuses a bundle from an untrusted signer and a different bundle under an existing version', async (t) => {
  const dir = tempDir();
  const { registry } = openTestRegistry(dir, set.key);
  const stranger = await makeTestBundle({ dir: tempDir(), name: 'demand', version: 1, key: makeSigningKey() });
  const untrusted = await t.throwsAsync(registry.push(stranger.path, 'alice'), { instanceOf: FleetcastError });
  t.is(untrusted?.code, 'FC_ERR_BUNDLE_UNTRUSTED_SIGNER');
  t.deepEqual(registry.listVersions('demand'), []);
  await registry.push(set.bundles[0].path, 'alice');
  const otherGbdt = await makeTestBundle({ dir: tempDir(), name: 'demand', version: 1, key: set.key, kind: 'gbdt' });
  const conflict = await t.throwsAsync(registry.push(otherGbdt.path, 'alice'), { instanceOf: FleetcastError });
  t.is(conflict?.code, 'FC_ERR_MODEL_VERSION_EXISTS');
});

test('a new Production archives the old one atomically; history answers which version was Production at time T', async (t) => {
  const clock = new TestClock();
  const { registry, db } = openTestRegistry(tempDir(), set.key, { clock });
  for (const bundle of set.bundles) await registry.push(bundle.path, 'alice');
  const beforeAny = clock.advance(1000);
  clock.advance(1000);
  const first = registry.promote('demand', 1, 'Production', 'alice', 'first release');
  t.is(first.status, 'applied');
  const duringV1 = clock.advance(60_000);
  clock.advance(60_000);
  registry.promote('demand', 2, 'Staging', 'alice');
  const second = registry.promote('demand', 2, 'Production', 'bob', 'better wape');
  t.deepEqual(second.status === 'applied' ? second.archived : null, [1]);
  const duringV2 = clock.advance(60_000);
  clock.advance(60_000);
  registry.promote('demand', 2, 'Archived', 'bob', 'incident');
  const afterArchive = clock.advance(60_000);

  t.deepEqual(registry.listVersions('demand').map((v) => [v.version, v.stage]), [[3, 'Development'], [2, 'Archived'], [1, 'Archived']]);
  const productionRows = db.prepare("SELECT COUNT(*) AS n FROM model_versions WHERE stage = 'Production'").get() as { n: number };
  t.is(productionRows.n, 0);
  t.is(registry.productionAt('demand', beforeAny), null);
  t.is(registry.productionAt('demand', duringV1), 1);
  t.is(registry.productionAt('demand', duringV2), 2);
  t.is(registry.productionAt('demand', afterArchive), null);
  const stageEvents = registry.history('demand').filter((entry) => entry.kind === 'stage');
  t.deepEqual(stageEvents.map((e) => [e.version, e.from, e.to, e.actor]), [
    [1, 'Development', 'Production', 'alice'],
    [2, 'Development', 'Staging', 'alice'],
    [1, 'Production', 'Archived', 'bob'],
    [2, 'Staging', 'Production', 'bob'],
    [2, 'Production', 'Archived', 'bob'],
  ]);
  // Archive of v1 and promotion of v2 carry the same instant: one transaction.
  t.is(stageEvents[2].at, stageEvents[3].at);
  const dup = t.throws(() => registry.promote('demand', 3, 'Development', 'bob'), { instanceOf: FleetcastError });
  t.is(dup?.code, 'FC_ERR_INVALID_STAGE_CHANGE');
});

test('the database refuses two Production versions even if code tried', async (t) => {
  const { registry, db } = openTestRegistry(tempDir(), set.key);
  await registry.push(set.bundles[0].path, 'alice');
  await registry.push(set.bundles[1].path, 'alice');
  registry.promote('demand', 1, 'Production', 'alice');
  t.is(codeOf(() => db.prepare("UPDATE model_versions SET stage = 'Production' WHERE version = 2").run()), 'SQLITE_CONSTRAINT_UNIQUE');
});

test('aliases and stages resolve name@ref; alias history is kept', async (t) => {
  const clock = new TestClock();
  const { registry } = openTestRegistry(tempDir(), set.key, { clock });
  for (const bundle of set.bundles) await registry.push(bundle.path, 'alice');
  registry.setAlias('demand', 'champion', 1, 'alice');
  const t1 = clock.advance(1000);
  clock.advance(1000);
  registry.setAlias('demand', 'champion', 3, 'alice', 'moved');
  registry.setAlias('demand', 'challenger', 2, 'alice');
  registry.promote('demand', 2, 'Staging', 'alice');
  registry.setTag('demand', 3, 'reviewed', 'yes');
  t.is(registry.getModelVersion('demand', 'champion').version, 3);
  t.is(registry.getModelVersion('demand', 'challenger').version, 2);
  t.is(registry.getModelVersion('demand', 'Staging').version, 2);
  t.is(registry.getModelVersion('demand', '1').version, 1);
  t.deepEqual(registry.getModelVersion('demand', 3).tags, { reviewed: 'yes' });
  t.deepEqual(registry.getModelVersion('demand', 3).aliases, ['champion']);
  t.is(registry.aliasAt('demand', 'champion', t1), 1);
  t.is(registry.aliasAt('demand', 'champion', clock.now()), 3);
  registry.removeAlias('demand', 'challenger', 'alice');
  t.is(codeOf(() => registry.getModelVersion('demand', 'challenger')), 'FC_ERR_MODEL_NOT_FOUND');
  t.is(codeOf(() => registry.getModelVersion('demand', 'Production')), 'FC_ERR_MODEL_NOT_FOUND');
  t.is(codeOf(() => registry.setAlias('demand', 'production', 1, 'alice')), 'FC_ERR_INVALID_REQUEST');
  t.is(codeOf(() => registry.setAlias('demand', 'champion', 9, 'alice')), 'FC_ERR_MODEL_NOT_FOUND');
});

test('stage names are case-insensitive; an unknown one is FC_ERR_INVALID_REQUEST (issue #11)', async (t) => {
  const { registry } = openTestRegistry(tempDir(), set.key);
  await registry.push(set.bundles[0].path, 'alice');
  const promoted = registry.promote('demand', 1, 'production', 'alice');
  t.is(promoted.status === 'applied' ? promoted.version.stage : promoted.status, 'Production');
  t.is(registry.getModelVersion('demand', 'PRODUCTION').version, 1);
  t.is(codeOf(() => registry.promote('demand', 1, 'prod', 'alice')), 'FC_ERR_INVALID_REQUEST');
});

test('second-operator rule: Production needs approval by someone other than the requester', async (t) => {
  const { registry } = openTestRegistry(tempDir(), set.key, { requireProductionApproval: true });
  await registry.push(set.bundles[0].path, 'alice');
  const requested = registry.promote('demand', 1, 'Production', 'alice', 'ship it');
  t.is(requested.status, 'pending');
  t.is(registry.getModelVersion('demand', 1).stage, 'Development');
  const approvalId = requested.status === 'pending' ? requested.approval.id : -1;
  t.is(codeOf(() => registry.approve(approvalId, 'alice')), 'FC_ERR_SELF_APPROVAL');
  t.is(registry.getModelVersion('demand', 1).stage, 'Development');
  const approved = registry.approve(approvalId, 'bob', 'reviewed metrics');
  t.is(approved.status, 'applied');
  t.is(registry.getModelVersion('demand', 1).stage, 'Production');
  t.is(codeOf(() => registry.approve(approvalId, 'carol')), 'FC_ERR_APPROVAL_NOT_FOUND');
  t.deepEqual(registry.listApprovals(), []);
  const kinds = registry.history('demand').map((entry) => [entry.kind, entry.actor]);
  t.deepEqual(kinds, [['registered', 'alice'], ['approval-requested', 'alice'], ['approval-granted', 'bob'], ['stage', 'alice+bob']]);
  // Non-Production stages need no approval.
  await registry.push(set.bundles[1].path, 'alice');
  t.is(registry.promote('demand', 2, 'Staging', 'alice').status, 'applied');
});
