import test from 'ava';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import { stateMessageSchema, type StateMessage } from '../../../protocols/messages/state.js';
import { openControllerDb } from '../../../cloud-controller/storage/db.js';
import { Fleet, type EnrolEvent } from '../../../cloud-controller/fleet/index.js';
import { codeOf, tempDir, TestClock } from '../helpers.js';

const store1 = { store: 's1', region: 'eu-west', timezone: 'Europe/Berlin', profile: 'pi5-4g' };

function birth(deviceId: string, at: Date): StateMessage {
  return stateMessageSchema.parse({
    ...envelope({ role: 'device', id: deviceId }, at),
    type: 'birth',
    online: true,
    agentVersion: '0.3.1',
    hardwareProfile: 'pi5-4g',
    activeModel: { name: 'demand', version: 2 },
    shadowModel: null,
    retainedModels: [{ name: 'demand', version: 1 }],
    update: { state: 'committed', deploymentId: 'dep-1' },
    health: { status: 'healthy', reasons: [] },
    startedAt: at.toISOString(),
  });
}

test('enrolment returns the secret once; only a scrypt hash reaches the database files', async (t) => {
  const dataDir = tempDir();
  const db = openControllerDb(dataDir);
  const fleet = new Fleet(db);
  const events: EnrolEvent[] = [];
  fleet.onEnrol((event) => {
    events.push(event);
  });
  const { device, secret } = await fleet.enrolDevice({ id: 'dev-1', ...store1, tags: ['pilot', 'eu'] });
  t.is(device.id, 'dev-1');
  t.deepEqual(device.tags, ['eu', 'pilot']);
  t.true(secret.length >= 43);
  t.is(events.length, 1);
  t.is(events[0].secret, secret);
  t.false('secret' in fleet.getDevice('dev-1'));
  const row = db.prepare('SELECT secret_hash FROM devices WHERE id = ?').get('dev-1') as { secret_hash: string };
  t.regex(row.secret_hash, /^scrypt\$16384\$8\$1\$/);
  db.pragma('wal_checkpoint(TRUNCATE)');
  // "grep the db": neither the main file nor the WAL holds the secret in clear.
  for (const file of readdirSync(dataDir).filter((name) => name.startsWith('controller.db'))) {
    t.false(readFileSync(join(dataDir, file)).includes(Buffer.from(secret)), file);
  }
  t.true(fleet.verifyDeviceCredentials('dev-1', secret));
  t.false(fleet.verifyDeviceCredentials('dev-1', `${secret}x`));
  t.false(fleet.verifyDeviceCredentials('dev-unknown', secret));
  t.is(await fleet.enrolDevice({ id: 'dev-1', ...store1 }).catch((error: { code: string }) => error.code), 'FC_ERR_DEVICE_EXISTS');
  t.is(await fleet.enrolDevice({ id: 'dev-2', ...store1, timezone: 'Mars/Olympus' }).catch((error: { code: string }) => error.code), 'FC_ERR_INVALID_REQUEST');
});

test('a revoked device is refused by verifyDeviceCredentials and revoke listeners hear of it', async (t) => {
  const fleet = new Fleet(openControllerDb(tempDir()));
  const revoked: string[] = [];
  fleet.onRevoke((device) => {
    revoked.push(device.id);
  });
  const { secret } = await fleet.enrolDevice({ id: 'dev-1', ...store1 });
  t.false(fleet.isRevoked('dev-1'));
  t.true(fleet.verifyDeviceCredentials('dev-1', secret));
  const device = await fleet.revokeDevice('dev-1');
  t.not(device.revokedAt, null);
  t.true(fleet.isRevoked('dev-1'));
  t.false(fleet.verifyDeviceCredentials('dev-1', secret));
  await fleet.revokeDevice('dev-1');
  t.deepEqual(revoked, ['dev-1']);
  t.is(await fleet.revokeDevice('nope').catch((error: { code: string }) => error.code), 'FC_ERR_DEVICE_NOT_FOUND');
});

// How much faster a cached login is, is a speed figure for bench/, not a unit-test assertion (issue #9).
test('a repeat login is accepted from the cache, but a wrong secret never rides on it', async (t) => {
  const fleet = new Fleet(openControllerDb(tempDir()));
  const { secret } = await fleet.enrolDevice({ id: 'dev-1', ...store1 });
  t.true(fleet.verifyDeviceCredentials('dev-1', secret));
  t.true(fleet.verifyDeviceCredentials('dev-1', secret));
  t.false(fleet.verifyDeviceCredentials('dev-1', secret.slice(1)));
  t.true(fleet.verifyDeviceCredentials('dev-1', secret));
});

test('birth and last-will state messages update inventory; stale retained births are ignored', async (t) => {
  const clock = new TestClock();
  const fleet = new Fleet(openControllerDb(tempDir()), clock.now);
  await fleet.enrolDevice({ id: 'dev-1', ...store1 });
  t.false(fleet.getDevice('dev-1').online);
  const bornAt = clock.advance(1000);
  const online = fleet.recordDeviceState('dev-1', birth('dev-1', bornAt));
  t.true(online.online);
  t.is(online.lastSeenAt, bornAt.toISOString());
  t.deepEqual(online.reported.activeModel, { name: 'demand', version: 2 });
  t.is(online.reported.agentVersion, '0.3.1');
  t.is(online.reported.updateState, 'committed');
  const lostAt = clock.advance(5000);
  const will = stateMessageSchema.parse({ ...envelope({ role: 'device', id: 'dev-1' }, lostAt), type: 'offline', online: false, reason: 'lost' });
  const offline = fleet.recordDeviceState('dev-1', will);
  t.false(offline.online);
  t.is(offline.offlineReason, 'lost');
  t.deepEqual(offline.reported.activeModel, { name: 'demand', version: 2 });
  clock.advance(1000);
  t.false(fleet.recordDeviceState('dev-1', birth('dev-1', bornAt)).online);
  t.is(codeOf(() => fleet.recordDeviceState('ghost', birth('ghost', bornAt))), 'FC_ERR_DEVICE_NOT_FOUND');
});

test('target selectors combine tags, stores and regions', async (t) => {
  const fleet = new Fleet(openControllerDb(tempDir()));
  await fleet.enrolDevice({ id: 'a', ...store1, tags: ['pilot'] });
  await fleet.enrolDevice({ id: 'b', ...store1, store: 's2', tags: ['pilot'] });
  await fleet.enrolDevice({ id: 'c', ...store1, region: 'us-east', tags: ['pilot'] });
  await fleet.enrolDevice({ id: 'd', ...store1, tags: [] });
  await fleet.revokeDevice('b');
  t.deepEqual(fleet.listDevices('tag:pilot,region:eu-west').map((d) => d.id), ['a', 'b']);
  t.deepEqual(fleet.selectDeviceIds('tag:pilot,region:eu-west'), ['a']);
  t.deepEqual(fleet.selectDeviceIds('store:s1|s2'), ['a', 'c', 'd']);
  t.deepEqual(fleet.selectDeviceIds('all'), ['a', 'c', 'd']);
  t.deepEqual(fleet.selectDeviceIds('device:d'), ['d']);
  t.is(codeOf(() => fleet.listDevices('colour:red')), 'FC_ERR_INVALID_SELECTOR');
  t.is(codeOf(() => fleet.listDevices(' , ')), 'FC_ERR_INVALID_SELECTOR');
});

test('deployment events update the inventory at once: serving model, update state, no_model leaves health; stale events are ignored', async (t) => {
  const clock = new TestClock(new Date('2026-03-01T10:00:00Z'));
  const fleet = new Fleet(openControllerDb(tempDir()), clock.now);
  await fleet.enrolDevice({ id: 'dev-ev', ...store1 });
  const first = birth('dev-ev', new Date('2026-03-01T10:00:00Z'));
  fleet.recordDeviceState('dev-ev', { ...first, activeModel: null, retainedModels: [], update: { state: 'idle', deploymentId: null }, health: { status: 'degraded', reasons: ['no_model'] } } as StateMessage);
  const event = (to: 'downloading' | 'committed', version: number, at: string) => ({
    ...envelope({ role: 'device', id: 'dev-ev' }, new Date(at)), type: 'deployment' as const, deploymentId: `dep-${version}`, model: { name: 'demand', version }, from: 'idle' as const, to,
  });
  t.like(fleet.recordDeploymentEvent('dev-ev', event('downloading', 1, '2026-03-01T10:01:00Z')).reported, { activeModel: null, updateState: 'downloading', deploymentId: 'dep-1' });
  const committed = fleet.recordDeploymentEvent('dev-ev', event('committed', 1, '2026-03-01T10:02:00Z')).reported;
  t.deepEqual(committed.activeModel, { name: 'demand', version: 1 });
  t.deepEqual(committed.health, { status: 'healthy', reasons: [] });
  t.is(committed.updateState, 'committed');
  t.deepEqual(fleet.recordDeploymentEvent('dev-ev', event('committed', 2, '2026-03-01T10:03:00Z')).reported.retainedModels, [{ name: 'demand', version: 2 }, { name: 'demand', version: 1 }]);
  t.deepEqual(fleet.recordDeploymentEvent('dev-ev', event('committed', 3, '2026-03-01T10:02:30Z')).reported.activeModel, { name: 'demand', version: 2 }, 'an event older than the last applied one changes nothing');
});
