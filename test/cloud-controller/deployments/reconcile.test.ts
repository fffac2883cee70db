import '../broker/quiet-logs.js';
import test from 'ava';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import type { DeploymentEvent } from '../../../protocols/messages/evt.js';
import { deviceTopic } from '../../../protocols/topics.js';
import { collect, connectOnce, eventually } from '../broker/mqtt-helpers.js';
import { birth, messagesOn, startLinkHarness, waitForCount } from '../link/harness.js';
import { trustedKeysFromPems } from '../../../protocols/bundle/keys.js';
import { keySetSignedBy, type SigningKeysCommand } from '../../../protocols/messages/cmd/signing-keys.js';
import { loadOrCreateControllerKey } from '../../../cloud-controller/deployments/controller-key.js';
import { makeSigningKey } from '../../helpers/bundle-fixtures.js';

const model = { name: 'demand', version: 7 };
const bundle = { sha256: 'a'.repeat(64), size: 1234 };

interface DeployCmd {
  type: string;
  deploymentId: string;
  model: { name: string; version: number };
  bundle: { sha256: string; size: number };
}

test('desired state: online devices get the deploy now, an offline one on its next birth; idempotent by deploymentId; status from evt', async (t) => {
  const harness = await startLinkHarness();
  try {
    const online = await Promise.all(['dev-d1', 'dev-d2'].map((id) => harness.device(id)));
    for (const [index, device] of online.entries()) {
      const id = `dev-d${index + 1}`;
      await device.client.publishAsync(deviceTopic(id, 'state'), JSON.stringify(birth(id, null)), { qos: 1, retain: true });
    }
    t.true(await eventually(async () => harness.fixture.fleet.getDevice('dev-d2').online));
    const secret3 = await harness.fixture.enrol('dev-d3');

    const deployments = harness.link.deployments;
    const result = await deployments.deploy({ deploymentId: 'dep-1', model, bundle, deviceIds: ['dev-d1', 'dev-d2', 'dev-d3'] });
    t.deepEqual(result, { deploymentId: 'dep-1', assigned: ['dev-d1', 'dev-d2', 'dev-d3'], unchanged: [], sent: ['dev-d1', 'dev-d2'] });
    for (const [index, device] of online.entries()) {
      const id = `dev-d${index + 1}`;
      await waitForCount(device.inbox, id, 'cmd', 1);
      const [command] = messagesOn<DeployCmd>(device.inbox, id, 'cmd');
      t.deepEqual([command.type, command.deploymentId, command.model, command.bundle], ['deploy', 'dep-1', model, bundle]);
    }

    // Same request again: nothing new is assigned or sent.
    const again = await deployments.deploy({ deploymentId: 'dep-1', model, bundle, deviceIds: ['dev-d1', 'dev-d2', 'dev-d3'] });
    t.deepEqual(again, { deploymentId: 'dep-1', assigned: [], unchanged: ['dev-d1', 'dev-d2', 'dev-d3'], sent: [] });
    const conflict = await t.throwsAsync(deployments.deploy({ deploymentId: 'dep-1', model: { name: 'demand', version: 8 }, bundle, deviceIds: ['dev-d1'] }));
    t.is((conflict as { code?: string }).code, 'FC_ERR_DEPLOYMENT_CONFLICT');

    t.is(deployments.deviceStatus('dev-d3')?.status, 'pending');

    // Status follows the devices' evt transitions.
    const event = (id: string, from: DeploymentEvent['from'], to: DeploymentEvent['to'], errorCode?: string): DeploymentEvent => ({
      ...envelope({ role: 'device', id }), type: 'deployment', deploymentId: 'dep-1', model, from, to, ...(errorCode ? { errorCode } : {}),
    });
    await online[0].client.publishAsync(deviceTopic('dev-d1', 'evt'), JSON.stringify(event('dev-d1', 'activating', 'committed')), { qos: 1 });
    await online[1].client.publishAsync(deviceTopic('dev-d2', 'evt'), JSON.stringify(event('dev-d2', 'verifying', 'failed', 'FC_ERR_BUNDLE_SIGNATURE')), { qos: 1 });
    t.true(await eventually(async () => deployments.deviceStatus('dev-d2')?.status === 'failed'));
    t.true(await eventually(async () => deployments.deviceStatus('dev-d1')?.status === 'committed'));
    t.is(deployments.deviceStatus('dev-d2')?.errorCode, 'FC_ERR_BUNDLE_SIGNATURE');

    // Device 1 restarts already serving the model: no resend. Device 3, offline during the deploy, comes online: resend.
    await online[0].client.publishAsync(deviceTopic('dev-d1', 'state'), JSON.stringify(birth('dev-d1', model, { state: 'committed', deploymentId: 'dep-1' })), { qos: 1, retain: true });
    const device3 = await connectOnce({ url: harness.adapter.deviceEndpoint().url, clientId: 'dev-d3', username: 'dev-d3', password: secret3 });
    const inbox3 = collect(device3);
    await device3.subscribeAsync(deviceTopic('dev-d3', 'cmd'), { qos: 1 });
    await device3.publishAsync(deviceTopic('dev-d3', 'state'), JSON.stringify(birth('dev-d3', null)), { qos: 1, retain: true });
    await waitForCount(inbox3, 'dev-d3', 'cmd', 1);
    t.deepEqual(messagesOn<DeployCmd>(inbox3, 'dev-d3', 'cmd').map((c) => [c.deploymentId, c.model]), [['dep-1', model]]);
    // Positive control instead of a sleep (issue #9): a ping sent now through the same link reaches
    // dev-d1 after any resend its birth could have caused, so once it is there the count is final.
    await harness.link.publish('dev-d1', 'cmd', { ...envelope({ role: 'controller', id: 'controller' }), type: 'ping' });
    await waitForCount(online[0].inbox, 'dev-d1', 'cmd', 2);
    t.deepEqual(messagesOn<DeployCmd>(online[0].inbox, 'dev-d1', 'cmd').map((c) => c.type), ['deploy', 'ping'], 'in-sync device was not sent the command again');
    t.deepEqual(deployments.status('dep-1').map((row) => [row.deviceId, row.status, row.sentCount]), [
      ['dev-d1', 'committed', 1],
      ['dev-d2', 'failed', 1],
      ['dev-d3', 'sent', 1],
    ]);
    await device3.endAsync(true);
  } finally {
    await harness.close();
  }
});

test('a deployment failed on an untrusted signer is re-sent under the same id when the device acks the new key set, and again on a birth that reports it failed', async (t) => {
  const harness = await startLinkHarness();
  try {
    const device = await harness.device('dev-k1');
    await device.client.publishAsync(deviceTopic('dev-k1', 'state'), JSON.stringify(birth('dev-k1', null)), { qos: 1, retain: true });
    t.true(await eventually(async () => harness.fixture.fleet.getDevice('dev-k1').online));
    const deployments = harness.link.deployments;
    await deployments.deploy({ deploymentId: 'dep-k', model, bundle, deviceIds: ['dev-k1'] });
    await waitForCount(device.inbox, 'dev-k1', 'cmd', 1);
    const failed: DeploymentEvent = { ...envelope({ role: 'device', id: 'dev-k1' }), type: 'deployment', deploymentId: 'dep-k', model, from: 'verifying', to: 'failed', errorCode: 'FC_ERR_BUNDLE_UNTRUSTED_SIGNER' };
    await device.client.publishAsync(deviceTopic('dev-k1', 'evt'), JSON.stringify(failed), { qos: 1 });
    t.true(await eventually(async () => deployments.deviceStatus('dev-k1')?.status === 'failed'));

    const signer = makeSigningKey();
    deployments.keys?.trust(signer.publicKeyPem);
    t.deepEqual(await deployments.distributeKeys(), ['dev-k1']);
    await waitForCount(device.inbox, 'dev-k1', 'cmd', 2);
    const keysCommand = messagesOn<SigningKeysCommand>(device.inbox, 'dev-k1', 'cmd')[1];
    t.is(keysCommand.type, 'signing-keys');
    t.deepEqual(keysCommand.keySet.trusted.map((key) => key.keyId), [signer.keyId]);
    const controllerKey = trustedKeysFromPems([loadOrCreateControllerKey(harness.fixture.dataDir).publicKeyPem]);
    t.true(keySetSignedBy(keysCommand.keySet, keysCommand.signature, controllerKey));

    const acked = { ...envelope({ role: 'device', id: 'dev-k1' }), type: 'command-result', commandId: keysCommand.id, commandType: 'signing-keys', ok: true };
    await device.client.publishAsync(deviceTopic('dev-k1', 'evt'), JSON.stringify(acked), { qos: 1 });
    await waitForCount(device.inbox, 'dev-k1', 'cmd', 3);
    t.like(messagesOn<DeployCmd>(device.inbox, 'dev-k1', 'cmd')[2], { type: 'deploy', deploymentId: 'dep-k' });

    // Failed again (say the disk): a birth reporting that failure re-sends it once more; the key set is not re-sent (acked).
    await device.client.publishAsync(deviceTopic('dev-k1', 'evt'), JSON.stringify({ ...failed, ...envelope({ role: 'device', id: 'dev-k1' }), errorCode: 'FC_ERR_UPDATE_STORE_IO' }), { qos: 1 });
    t.true(await eventually(async () => deployments.deviceStatus('dev-k1')?.errorCode === 'FC_ERR_UPDATE_STORE_IO'));
    await device.client.publishAsync(deviceTopic('dev-k1', 'state'), JSON.stringify(birth('dev-k1', null, { state: 'failed', deploymentId: 'dep-k' })), { qos: 1, retain: true });
    await waitForCount(device.inbox, 'dev-k1', 'cmd', 4);
    t.deepEqual(messagesOn<DeployCmd>(device.inbox, 'dev-k1', 'cmd').map((command) => command.type), ['deploy', 'signing-keys', 'deploy', 'deploy']);
    t.is(deployments.list().length, 1, 'still the one deployment');
  } finally {
    await harness.close();
  }
});
