import '../broker/quiet-logs.js';
import test from 'ava';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import type { LinkConnectionEvent } from '../../../cloud-controller/link/device-link.js';
import { deviceTopic } from '../../../protocols/topics.js';
import { startLinkHarness, waitForCount } from './harness.js';

/**
 * Issue #9 finding 6: after one refused login mqtt.js stops retrying, so the controller went
 * deaf until restarted. The link now schedules its own reconnects after any failure: once the
 * broker accepts the credential again it comes back by itself.
 */
test('device link: a refused login followed by a fixed credential reconnects by itself and serves devices', async (t) => {
  const events: LinkConnectionEvent[] = [];
  let refusedTwice: () => void = () => undefined;
  const refusals = new Promise<void>((resolve) => (refusedTwice = resolve));
  const harness = await startLinkHarness({
    deferStart: true,
    refuseFirstLogin: true,
    reconnect: { minMs: 20, maxMs: 200, jitter: 0.2 },
    onConnectionEvent: (event) => {
      events.push(event);
      if (events.filter((e) => e.type === 'refused').length === 2) refusedTwice();
    },
  });
  try {
    // Two refusals prove the link kept retrying after mqtt.js gave up on the first.
    await refusals;
    t.false(harness.link.isConnected());
    harness.fixLogin();
    await harness.started;
    t.true(harness.link.isConnected());
    t.deepEqual(events.filter((e) => e.type === 'refused').slice(0, 2), [{ type: 'refused', reasonCode: 4 }, { type: 'refused', reasonCode: 4 }]);

    // It is subscribed again: a device's batch is ingested and acked.
    const { client, inbox } = await harness.device('dev-r1');
    const ts = new Date().toISOString();
    const batch = { ...envelope({ role: 'device', id: 'dev-r1' }), type: 'batch', incarnation: 'boot-r1-0001', fromSeq: 1, toSeq: 1, records: [{ seq: 1, ts, kind: 'dropped', count: 1, fromSeq: 1, toSeq: 1 }] };
    await client.publishAsync(deviceTopic('dev-r1', 'up'), JSON.stringify(batch), { qos: 1 });
    await waitForCount(inbox, 'dev-r1', 'ack', 1);
    t.is(harness.queries.listRecords({ deviceId: 'dev-r1' }).length, 1);
  } finally {
    await harness.close();
  }
});
