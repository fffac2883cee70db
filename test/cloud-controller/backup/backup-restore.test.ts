import test from 'ava';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openControllerContext } from '../../../cloud-controller/controller-context.js';
import { TRUSTED_KEYS_DIR } from '../../../cloud-controller/config/trusted-keys.js';
import { Deployments } from '../../../cloud-controller/deployments/desired-state.js';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { loadOrCreateControllerIdentity } from '../../../cloud-controller/broker/controller-identity.js';
import { runCli } from '../../helpers/run-cli.js';
import { makeBundleSet, tempDir, type BundleSet } from '../helpers.js';

let set: BundleSet;
test.before(async () => {
  set = await makeBundleSet('demand', 2);
});

/** Every user table of a database file, all rows in rowid order — the "same state" check, generic over whatever tables exist. */
function dumpTables(dbPath: string): Record<string, unknown[]> {
  const db = new Database(dbPath, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
    return Object.fromEntries(tables.map(({ name }) => [name, db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
  } finally {
    db.close();
  }
}

/** A data dir with registry, fleet, tokens and audit state, left open (the backup is online). */
async function populatedDataDir(): Promise<{ dataDir: string; close(): void }> {
  const dataDir = tempDir();
  mkdirSync(join(dataDir, TRUSTED_KEYS_DIR));
  writeFileSync(join(dataDir, TRUSTED_KEYS_DIR, 'signer.pem'), set.key.publicKeyPem);
  loadOrCreateControllerIdentity(join(dataDir, 'broker'));
  const context = openControllerContext({ dataDir, env: {} });
  for (const bundle of set.bundles) await context.registry.push(bundle.path, 'alice');
  context.registry.promote('demand', 1, 'Production', 'alice');
  context.registry.promote('demand', 2, 'Production', 'bob');
  context.registry.setAlias('demand', 'champion', 2, 'bob');
  await context.fleet.enrolDevice({ id: 'dev-1', store: 's1', region: 'eu-west', timezone: 'Europe/Berlin', profile: 'pi5', tags: ['pilot'] });
  await context.fleet.enrolDevice({ id: 'dev-2', store: 's2', region: 'eu-west', timezone: 'Europe/Berlin', profile: 'pi5' });
  await context.fleet.revokeDevice('dev-2');
  // Deployment state of the broker half: devices are offline here, so it is recorded, not sent.
  const deployments = new Deployments({
    db: context.db,
    sendCommand: async () => {
      throw new FleetcastError('FC_ERR_LINK_NOT_CONNECTED');
    },
    isOnline: () => false,
    sender: { role: 'controller', id: 'controller' },
  });
  const v2 = context.registry.getModelVersion('demand', 2);
  await deployments.deploy({ deploymentId: 'dep-1', model: { name: 'demand', version: 2 }, bundle: { sha256: v2.sha256, size: v2.size }, deviceIds: ['dev-1'], rollout: { id: 'rollout-1', wave: 0 } });
  context.tokens.create('ada', 'admin');
  context.audit.record({ actor: 'ada', role: 'admin', action: 'POST /v1/x', detail: null, status: 200, result: 'ok' });
  return { dataDir, close: () => context.close() };
}

test('backup of a live data dir restores into a fresh dir with identical tables and working artifacts', async (t) => {
  const source = await populatedDataDir();
  const backupDir = join(tempDir(), 'backup');
  const backup = await runCli(['controller', 'backup', '--data-dir', source.dataDir, '--out', backupDir, '--json']);
  t.is(backup.code, 0, backup.stderr);
  const manifest = JSON.parse(backup.stdout) as { files: Array<{ path: string }>; tables: Record<string, number> };
  t.true(manifest.files.some((file) => file.path === 'controller.db'));
  t.is(manifest.files.filter((file) => file.path.startsWith('artifacts/')).length, 2);
  t.is(manifest.tables.model_versions, 2);

  const restoredDir = join(tempDir(), 'restored');
  const restore = await runCli(['controller', 'restore', '--from', backupDir, '--data-dir', restoredDir, '--json']);
  t.is(restore.code, 0, restore.stderr);
  source.close();
  const before = dumpTables(join(source.dataDir, 'controller.db'));
  const after = dumpTables(join(restoredDir, 'controller.db'));
  t.true(Object.keys(before).length >= 8);
  t.deepEqual(after, before);
  // The broker identity comes back too, so the restored controller's link can log in.
  t.deepEqual(loadOrCreateControllerIdentity(join(restoredDir, 'broker')), loadOrCreateControllerIdentity(join(source.dataDir, 'broker')));

  const restored = openControllerContext({ dataDir: restoredDir, env: {} });
  t.teardown(() => restored.close());
  const champion = restored.registry.getModelVersion('demand', 'champion');
  t.is(champion.version, 2);
  t.true(champion.bundlePath.startsWith(restoredDir));
  t.true(existsSync(champion.bundlePath));
  t.is(restored.registry.productionAt('demand', new Date()), 2);
  t.true(restored.fleet.isRevoked('dev-2'));
  t.is(manifest.tables.desired_models, 1);
  t.is(manifest.tables.deployments, 1);
  t.deepEqual(restored.fleet.listDevices('tag:pilot').map((d) => d.id), ['dev-1']);
});

test('restore refuses a tampered backup and a non-empty target', async (t) => {
  const source = await populatedDataDir();
  t.teardown(() => source.close());
  const backupDir = join(tempDir(), 'backup');
  t.is((await runCli(['controller', 'backup', '--data-dir', source.dataDir, '--out', backupDir])).code, 0);
  const occupied = await runCli(['controller', 'restore', '--from', backupDir, '--data-dir', source.dataDir, '--json']);
  t.is(occupied.code, 73);
  t.is((JSON.parse(occupied.stdout) as { error: { code: string } }).error.code, 'FC_ERR_RESTORE_TARGET_NOT_EMPTY');
  const manifest = JSON.parse(readFileSync(join(backupDir, 'backup-manifest.json'), 'utf8')) as { files: Array<{ path: string }> };
  appendFileSync(join(backupDir, manifest.files.find((file) => file.path.startsWith('artifacts/'))!.path), 'x');
  const target = join(tempDir(), 'restored');
  const tampered = await runCli(['controller', 'restore', '--from', backupDir, '--data-dir', target, '--json']);
  t.is(tampered.code, 65);
  t.is((JSON.parse(tampered.stdout) as { error: { code: string } }).error.code, 'FC_ERR_BACKUP_INVALID');
  t.false(existsSync(join(target, 'controller.db')));
});
