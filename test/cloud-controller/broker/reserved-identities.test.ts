import './quiet-logs.js';
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AedesBrokerAdapter } from '../../../cloud-controller/broker/aedes-adapter.js';
import { ExternalMqttAdapter } from '../../../cloud-controller/broker/external-adapter.js';
import { AwsIotAdapter } from '../../../cloud-controller/broker/aws-iot/aws-iot-adapter.js';
import { loadOrCreateControllerIdentity } from '../../../cloud-controller/broker/controller-identity.js';
import { writeMosquittoConfig } from '../../../cloud-controller/broker/mosquitto/config-writer.js';
import { passwordFileUsers } from '../../../cloud-controller/broker/mosquitto/password-file.js';
import type { BrokerAdapter } from '../../../cloud-controller/broker/adapter.js';
import type { EnrolEvent } from '../../../cloud-controller/fleet/fleet.js';
import type { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { RESERVED_IDENTITIES } from '../../../protocols/reserved-ids.js';
import { createFleetFixture } from './fleet-fixture.js';
import { startFakeIotEndpoint } from './aws-iot-endpoint.js';

// Issue #9 finding 3: a device named like fleetcast's own identities must never be enrolled,
// provisioned or de-provisioned, whichever broker backend runs.

const RESERVED = [...Object.values(RESERVED_IDENTITIES), 'FleetCast-Controller'];

/** An enrolment event as the fleet would emit it, for a name the fleet itself now refuses. */
function enrolEvent(id: string): EnrolEvent {
  return { device: { id, store: 's', region: 'r', timezone: 'UTC', tags: [], profile: 'p' } as unknown as EnrolEvent['device'], secret: 'device-secret-123456' };
}

async function assertRefusesReserved(t: import('ava').ExecutionContext, adapter: BrokerAdapter, extra: string[] = []): Promise<void> {
  for (const id of [...RESERVED, ...extra]) {
    t.is((await t.throwsAsync<FleetcastError>(adapter.provisionDevice(enrolEvent(id))))?.code, 'FC_ERR_IDENTITY_RESERVED', `provision ${id}`);
    t.is((await t.throwsAsync<FleetcastError>(adapter.deprovisionDevice(id)))?.code, 'FC_ERR_IDENTITY_RESERVED', `deprovision ${id}`);
  }
  await t.notThrowsAsync(adapter.provisionDevice(enrolEvent('dev-ordinary')), 'an ordinary device is provisioned');
}

test('fleet enrolment refuses every reserved identity (any letter case) and still enrols ordinary ids', async (t) => {
  const fixture = createFleetFixture('fc-reserved-fleet-');
  t.teardown(() => fixture.cleanup());
  for (const id of RESERVED) t.is((await t.throwsAsync<FleetcastError>(fixture.enrol(id)))?.code, 'FC_ERR_IDENTITY_RESERVED', id);
  t.false(fixture.fleet.isEnrolled('fleetcast-controller'));
  t.truthy(await fixture.enrol('fleetcast-store-17'));
});

test('aedes backend: reserved identities are neither provisioned nor de-provisioned', async (t) => {
  const fixture = createFleetFixture('fc-reserved-aedes-');
  const brokerDir = join(fixture.dataDir, 'broker');
  const adapter = new AedesBrokerAdapter({ brokerDir, port: 0, verifier: fixture.fleet, controllerIdentity: loadOrCreateControllerIdentity(brokerDir, 'ops-controller') });
  t.teardown(() => fixture.cleanup());
  await assertRefusesReserved(t, adapter, ['ops-controller']);
});

test('Mosquitto backend: the controller line of the password file survives enrol and revoke of reserved names', async (t) => {
  const fixture = createFleetFixture('fc-reserved-mosquitto-');
  t.teardown(() => fixture.cleanup());
  const identity = loadOrCreateControllerIdentity(join(fixture.dataDir, 'broker'));
  const files = writeMosquittoConfig({ outDir: join(fixture.dataDir, 'mosquitto'), controllerIdentity: identity, port: 1883 });
  const before = readFileSync(files.passwordFile, 'utf8');
  const adapter = new ExternalMqttAdapter({ url: 'mqtt://127.0.0.1:1883', controllerIdentity: identity, mosquitto: { passwordFile: files.passwordFile, pidFile: files.pidFile } });
  await assertRefusesReserved(t, adapter);
  const after = readFileSync(files.passwordFile, 'utf8');
  t.true(after.startsWith(before), 'controller line unchanged');
  t.deepEqual(passwordFileUsers(files.passwordFile), ['fleetcast-controller', 'dev-ordinary']);
});

test('AWS IoT backend: no thing is created or detached for a reserved name', async (t) => {
  const endpoint = await startFakeIotEndpoint();
  const fixture = createFleetFixture('fc-reserved-aws-');
  const adapter = new AwsIotAdapter({ region: 'eu-west-1', brokerDir: join(fixture.dataDir, 'broker'), endpoint: endpoint.url, credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-only' } });
  t.teardown(async () => {
    await adapter.stop();
    await endpoint.close();
    fixture.cleanup();
  });
  await adapter.start();
  const before = endpoint.calls.length;
  for (const id of RESERVED) {
    t.is((await t.throwsAsync<FleetcastError>(adapter.provisionDevice(enrolEvent(id))))?.code, 'FC_ERR_IDENTITY_RESERVED');
    t.is((await t.throwsAsync<FleetcastError>(adapter.deprovisionDevice(id)))?.code, 'FC_ERR_IDENTITY_RESERVED');
  }
  t.is(endpoint.calls.length, before, 'no control-plane call for a reserved name');
  await adapter.provisionDevice(enrolEvent('dev-ordinary'));
  t.true(endpoint.calls.slice(before).some((call) => call.path === '/things/dev-ordinary'));
});
