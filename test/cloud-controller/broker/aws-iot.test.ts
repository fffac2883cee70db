import './quiet-logs.js';
import test from 'ava';
import { join } from 'node:path';
import { AwsIotAdapter } from '../../../cloud-controller/broker/aws-iot/aws-iot-adapter.js';
import { AWS_IOT_LIMITS, assertAwsIotPayload, assertAwsIotTopic } from '../../../cloud-controller/broker/aws-iot/limits.js';
import { attachFleetProvisioning } from '../../../cloud-controller/broker/adapter.js';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import type { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { BLOB_MAX_CHUNK_BYTES, type BlobChunk } from '../../../protocols/messages/blob.js';
import { MAX_ID_LENGTH } from '../../../protocols/ids.js';
import { deviceChannelNames, deviceTopic } from '../../../protocols/topics.js';
import { createFleetFixture } from './fleet-fixture.js';
import { startFakeIotEndpoint } from './aws-iot-endpoint.js';

test('AWS IoT adapter: provisioning request shapes (contract test against a local control-plane endpoint, not AWS)', async (t) => {
  const endpoint = await startFakeIotEndpoint();
  const fixture = createFleetFixture('fc-aws-');
  const adapter = new AwsIotAdapter({
    region: 'eu-west-1',
    brokerDir: join(fixture.dataDir, 'broker'),
    endpoint: endpoint.url,
    // Placeholder values: the local endpoint does not check SigV4 signatures.
    credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-only' },
  });
  try {
    await adapter.start();
    t.is(adapter.deviceEndpoint().url, 'mqtts://abc123-ats.iot.eu-west-1.amazonaws.com:8883');
    t.deepEqual(endpoint.calls[0], { method: 'GET', path: '/endpoint', query: { endpointType: 'iot:Data-ATS' }, principal: undefined, body: undefined });
    const controller = adapter.controllerConnection();
    t.is(controller.clientId, 'fleetcast-controller');
    t.true(controller.cert?.includes('BEGIN CERTIFICATE'));

    const devicePolicy = JSON.parse(endpoint.policies.get('fleetcast-device') ?? '{}') as { Statement: Array<{ Action: string; Resource: string | string[] }> };
    const byAction = Object.fromEntries(devicePolicy.Statement.map((s) => [s.Action, s.Resource]));
    t.is(byAction['iot:Connect'], 'arn:aws:iot:*:*:client/${iot:Connection.Thing.ThingName}');
    t.deepEqual(byAction['iot:Publish'], ['state', 'evt', 'up', 'blob/req'].map((c) => `arn:aws:iot:*:*:topic/fc/v1/d/\${iot:Connection.Thing.ThingName}/${c}`));
    t.deepEqual(byAction['iot:Subscribe'], ['cmd', 'ack', 'blob/res'].map((c) => `arn:aws:iot:*:*:topicfilter/fc/v1/d/\${iot:Connection.Thing.ThingName}/${c}`));
    t.deepEqual(byAction['iot:Receive'], ['cmd', 'ack', 'blob/res'].map((c) => `arn:aws:iot:*:*:topic/fc/v1/d/\${iot:Connection.Thing.ThingName}/${c}`));

    const detach = attachFleetProvisioning(adapter, fixture.fleet);
    const before = endpoint.calls.length;
    await fixture.enrol('store-17-pos');
    const provisioning = endpoint.calls.slice(before);
    t.deepEqual(provisioning.map((c) => `${c.method} ${c.path}`), [
      'POST /things/store-17-pos',
      'POST /keys-and-certificate',
      'PUT /target-policies/fleetcast-device',
      'PUT /things/store-17-pos/principals',
      'PUT /thing-groups/addThingToThingGroup',
    ]);
    t.deepEqual(provisioning[0].body, { attributePayload: { attributes: { store: 'store-store-17-pos', region: 'eu-west', profile: 'generic-x86' } } });
    t.deepEqual(provisioning[1].query, { setAsActive: 'true' });
    const certificateArn = `arn:aws:iot:eu-west-1:123456789012:cert/${'cert2'.padEnd(64, '0')}`;
    t.deepEqual(provisioning[2].body, { target: certificateArn });
    t.is(provisioning[3].principal, certificateArn);
    t.deepEqual(provisioning[4].body, { thingGroupName: 'fleetcast-fleet', thingName: 'store-17-pos' });
    t.true(adapter.deviceCertificate('store-17-pos')?.privateKey.includes('PRIVATE KEY'));

    const beforeRevoke = endpoint.calls.length;
    await fixture.fleet.revokeDevice('store-17-pos');
    t.deepEqual(endpoint.calls.slice(beforeRevoke).map((c) => `${c.method} ${c.path} ${c.principal ?? JSON.stringify(c.query)}`), [
      'GET /things/store-17-pos/principals {}',
      `DELETE /things/store-17-pos/principals ${certificateArn}`,
      `PUT /certificates/${'cert2'.padEnd(64, '0')} {"newStatus":"INACTIVE"}`,
    ]);
    detach();

    // Restarting reuses the policies and the controller certificate: no second controller thing.
    const beforeRestart = endpoint.calls.length;
    await adapter.start();
    t.false(endpoint.calls.slice(beforeRestart).some((c) => c.path === '/things/fleetcast-controller'));
  } finally {
    await adapter.stop();
    await endpoint.close();
    fixture.cleanup();
  }
});

test('AWS IoT limits: every fleetcast topic and the largest blob chunk fit; oversize is FC_ERR_AWS_IOT_LIMIT', (t) => {
  const longest = 'd'.repeat(MAX_ID_LENGTH);
  for (const channel of deviceChannelNames) t.notThrows(() => assertAwsIotTopic(deviceTopic(longest, channel)));
  const chunk: BlobChunk = {
    ...envelope({ role: 'controller', id: 'c'.repeat(MAX_ID_LENGTH) }),
    type: 'blob-chunk',
    transferId: 't'.repeat(128),
    sha256: 'a'.repeat(64),
    offset: 123_456_789,
    total: 987_654_321,
    data: Buffer.alloc(BLOB_MAX_CHUNK_BYTES, 0xff).toString('base64'),
    chunkSha256: 'b'.repeat(64),
  };
  const payload = JSON.stringify(chunk);
  t.true(Buffer.byteLength(payload) < AWS_IOT_LIMITS.payloadBytes);
  t.notThrows(() => assertAwsIotPayload(payload));
  t.is(t.throws<FleetcastError>(() => assertAwsIotPayload(Buffer.alloc(AWS_IOT_LIMITS.payloadBytes + 1)))?.code, 'FC_ERR_AWS_IOT_LIMIT');
  t.is(t.throws<FleetcastError>(() => assertAwsIotTopic('a/b/c/d/e/f/g/h/i'))?.code, 'FC_ERR_AWS_IOT_LIMIT');
  t.is(t.throws<FleetcastError>(() => assertAwsIotTopic('x'.repeat(257)))?.code, 'FC_ERR_AWS_IOT_LIMIT');
});
