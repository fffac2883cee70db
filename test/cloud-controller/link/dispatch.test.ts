import '../broker/quiet-logs.js';
import test from 'ava';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import { deviceTopic } from '../../../protocols/topics.js';
import { eventually } from '../broker/mqtt-helpers.js';
import { birth, startLinkHarness, waitForCount } from './harness.js';

test('device link: malformed, stranger and spoofed messages get coded errors and never stop the link', async (t) => {
  const harness = await startLinkHarness();
  try {
    const { client, inbox } = await harness.device('dev-l1');
    const publish = (channel: 'state' | 'evt' | 'up' | 'blob/req', payload: string) => client.publishAsync(deviceTopic('dev-l1', channel), payload, { qos: 1 });
    await publish('up', '{not json');
    await publish('evt', JSON.stringify({ ...envelope({ role: 'device', id: 'dev-l1' }), type: 'self-destruct' }));
    await publish('evt', JSON.stringify({ ...envelope({ role: 'device', id: 'dev-l1' }), type: 'deployment', deploymentId: 'x' }));
    await publish('state', JSON.stringify({ ...birth('dev-l1', null), v: 99 }));
    await publish('state', JSON.stringify(birth('dev-other', null)));
    await publish('state', JSON.stringify({ ...birth('dev-l1', null), sender: { role: 'controller', id: 'dev-l1' } }));
    t.true(await eventually(async () => harness.inboundErrors.length >= 6));
    t.deepEqual(harness.inboundErrors.map((error) => error.code), [
      'FC_ERR_MALFORMED_JSON',
      'FC_ERR_UNKNOWN_MESSAGE_TYPE',
      'FC_ERR_INVALID_MESSAGE',
      'FC_ERR_UNSUPPORTED_VERSION',
      'FC_ERR_LINK_SENDER_MISMATCH',
      'FC_ERR_LINK_SENDER_MISMATCH',
    ]);
    t.false(harness.fixture.fleet.getDevice('dev-l1').online, 'no rejected birth was applied');

    // The link still serves: a valid birth is applied, a valid batch is acked.
    await publish('state', JSON.stringify(birth('dev-l1', null)));
    t.true(await eventually(async () => harness.fixture.fleet.getDevice('dev-l1').online));
    const ts = new Date().toISOString();
    await publish('up', JSON.stringify({ ...envelope({ role: 'device', id: 'dev-l1' }), type: 'batch', fromSeq: 1, toSeq: 1, records: [{ seq: 1, ts, kind: 'dropped', count: 1, fromSeq: 1, toSeq: 1 }] }));
    await waitForCount(inbox, 'dev-l1', 'ack', 1);
    t.is(harness.inboundErrors.length, 6);
  } finally {
    await harness.close();
  }
});

test('device link: a message from a device revoked meanwhile is refused with FC_ERR_DEVICE_REVOKED', async (t) => {
  const harness = await startLinkHarness();
  try {
    const { client } = await harness.device('dev-l2');
    // Revoked in the database directly (as another controller process would), so the broker session stays up.
    await client.publishAsync(deviceTopic('dev-l2', 'state'), JSON.stringify(birth('dev-l2', null)), { qos: 1 });
    t.true(await eventually(async () => harness.fixture.fleet.getDevice('dev-l2').online));
    harness.fixture.db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ?').run(new Date().toISOString(), 'dev-l2');
    await client.publishAsync(deviceTopic('dev-l2', 'evt'), JSON.stringify({ ...envelope({ role: 'device', id: 'dev-l2' }), type: 'command-result', commandId: 'c1', commandType: 'ping', ok: true }), { qos: 1 });
    t.true(await eventually(async () => harness.inboundErrors.length === 1));
    t.is(harness.inboundErrors[0].code, 'FC_ERR_DEVICE_REVOKED');
  } finally {
    await harness.close();
  }
});
