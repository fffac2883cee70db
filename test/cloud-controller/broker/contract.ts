import type { TestFn } from 'ava';
import type { BrokerAdapter, MqttConnectionOptions } from '../../../cloud-controller/broker/adapter.js';
import { deviceTopic } from '../../../protocols/topics.js';
import { collect, connectOnce, eventually, handled, isRefused, subscribeCodes, waitFor } from './mqtt-helpers.js';

/** What a backend under contract gives the shared test. */
export interface BrokerUnderTest {
  adapter: BrokerAdapter;
  /** Enrols a device through the real fleet (provisioning hooks attached) and returns its secret. */
  enrol(deviceId: string): Promise<string>;
  /** Revokes through the real fleet. */
  revoke(deviceId: string): Promise<void>;
  teardown(): Promise<void>;
}

function deviceOptions(adapter: BrokerAdapter, deviceId: string, secret: string, clientId = deviceId): MqttConnectionOptions {
  const endpoint = adapter.deviceEndpoint();
  return { url: endpoint.url, ca: endpoint.caPem, clientId, username: deviceId, password: secret };
}

/**
 * The ONE broker contract (issue #6 part B) every backend must pass: devices confined to their
 * own subtree in the right direction, unknown/revoked/anonymous identities refused, no command
 * publishing by anyone but the controller. Each assertion that something is NOT delivered is
 * paired with a later message that IS delivered, so silence is not mistaken for denial.
 */
export function brokerContract(test: TestFn, backend: string, setup: () => Promise<BrokerUnderTest>): void {
  test.serial(`${backend}: broker contract`, async (t) => {
    const broker = await setup();
    try {
      const { adapter } = broker;
      const secretA = await broker.enrol('dev-a');
      const secretB = await broker.enrol('dev-b');
      const optionsA = deviceOptions(adapter, 'dev-a', secretA);
      const optionsB = deviceOptions(adapter, 'dev-b', secretB);
      t.true(await eventually(async () => !(await isRefused(optionsA))), 'enrolled device A can connect');
      t.true(await eventually(async () => !(await isRefused(optionsB))), 'enrolled device B can connect');

      const controller = await connectOnce(adapter.controllerConnection());
      const controllerInbox = collect(controller);
      await controller.subscribeAsync(['fc/v1/d/+/state', 'fc/v1/d/+/evt'], { qos: 1 });

      const deviceA = await connectOnce(optionsA);
      const deviceB = await connectOnce(optionsB);
      const inboxA = collect(deviceA);
      const inboxB = collect(deviceB);

      // Own subtree, right direction: allowed.
      const ownSub = await deviceA.subscribeAsync(deviceTopic('dev-a', 'cmd'), { qos: 1 });
      t.is(ownSub[0].qos, 1, 'device may subscribe to its own cmd');
      await deviceB.subscribeAsync(deviceTopic('dev-b', 'cmd'), { qos: 1 });
      await deviceA.publishAsync(deviceTopic('dev-a', 'state'), 'a-own-state', { qos: 1 });
      await waitFor(controllerInbox, 'a-own-state');

      // A subscribes to B's commands and to a wildcard over everyone's: refused (SUBACK 0x80) or at least never delivered.
      const foreignCodes = await subscribeCodes(deviceA, [deviceTopic('dev-b', 'cmd'), 'fc/v1/d/+/cmd', '#']);
      // aedes answers SUBACK 0x80; Mosquitto 2.0 grants 3.1.1 subscriptions but filters every
      // delivery through the ACL. Either way nothing of B's may reach A, which is checked below.
      if (adapter.kind === 'aedes') t.deepEqual(foreignCodes, [128, 128, 128], 'aedes refuses foreign subscriptions');
      else t.true(foreignCodes.every((code) => code === 128 || code === 1), `SUBACK codes ${JSON.stringify(foreignCodes)}`);
      await deviceB.publishAsync(deviceTopic('dev-b', 'state'), 'b-own-state', { qos: 1 });
      await waitFor(controllerInbox, 'b-own-state');
      await controller.publishAsync(deviceTopic('dev-b', 'cmd'), 'cmd-for-b', { qos: 1 });
      await controller.publishAsync(deviceTopic('dev-a', 'cmd'), 'cmd-for-a', { qos: 1 });
      await waitFor(inboxB, 'cmd-for-b');
      await waitFor(inboxA, 'cmd-for-a');
      t.deepEqual(inboxA.map((m) => m.payload), ['cmd-for-a'], 'device A received only its own command');

      // A publishes as B (state, evt) and publishes commands: none reaches the controller, which
      // hears every device's state/evt/cmd. One fresh connection per attempt, because a broker
      // may drop the offending connection (aedes) or only the message (Mosquitto).
      await controller.subscribeAsync('fc/v1/d/+/cmd', { qos: 1 });
      const forbidden: Array<[string, string]> = [
        [deviceTopic('dev-b', 'state'), 'a-spoofs-b-state'],
        [deviceTopic('dev-b', 'evt'), 'a-spoofs-b-evt'],
        [deviceTopic('dev-a', 'cmd'), 'a-commands-itself'],
        [deviceTopic('dev-b', 'cmd'), 'a-commands-b'],
        ['pos/v1/score/req', 'a-outside-the-tree'],
      ];
      for (const [topic, payload] of forbidden) {
        const spoofer = await connectOnce(optionsA);
        spoofer.on('error', () => {});
        await handled(spoofer, topic, payload);
        spoofer.end(true);
      }
      await deviceB.publishAsync(deviceTopic('dev-b', 'evt'), 'b-own-evt', { qos: 1 });
      await waitFor(controllerInbox, 'b-own-evt');
      const heard = controllerInbox.map((m) => m.payload);
      t.deepEqual(heard, ['a-own-state', 'b-own-state', 'b-own-evt'], 'no spoofed or device-issued command reached the controller');
      t.false(inboxB.some((m) => m.payload.startsWith('a-')), 'device B received nothing from device A');

      t.true(deviceB.connected, 'device B connected before the takeover attempt');
      // Reusing B's client id with A's credentials must not take over B's session.
      const takeover = await connectOnce(deviceOptions(adapter, 'dev-a', secretA, 'dev-b')).catch(() => undefined);
      // The broker kicks a session while it handles the new CONNECT, before its CONNACK; a round
      // trip from B after that CONNACK proves B's session survived (issue #9: no sleep).
      await deviceB.publishAsync(deviceTopic('dev-b', 'state'), 'b-after-takeover', { qos: 1 });
      await waitFor(controllerInbox, 'b-after-takeover');
      t.true(deviceB.connected, 'device B keeps its session');
      await takeover?.endAsync();

      // Unknown, wrong-secret, anonymous (POS-style) and revoked identities are refused.
      const endpoint = adapter.deviceEndpoint();
      t.true(await isRefused(deviceOptions(adapter, 'dev-unknown', secretA)), 'unknown device refused');
      t.true(await isRefused(deviceOptions(adapter, 'dev-a', `${secretA}x`)), 'wrong secret refused');
      t.true(await isRefused({ url: endpoint.url, ca: endpoint.caPem, clientId: 'pos-terminal-1' }), 'anonymous POS-style client refused');
      t.true(await isRefused({ url: endpoint.url, ca: endpoint.caPem, clientId: 'pos-terminal-1', username: 'pos-terminal-1', password: 'pos' }), 'POS identity refused');
      const controllerOptions = adapter.controllerConnection();
      t.true(await isRefused({ ...controllerOptions, clientId: 'impostor', password: `${controllerOptions.password ?? ''}x` }), 'controller impostor refused');

      await broker.revoke('dev-b');
      t.true(await eventually(() => isRefused(optionsB)), 'revoked device refused');
      t.false(await isRefused(optionsA), 'other devices are unaffected by a revocation');
      // Checked again after A's full login round trip, not after a fixed wait (issue #9).
      t.true(await isRefused(optionsB), 'revoked device stays refused');

      await Promise.all([deviceA.endAsync(true), deviceB.endAsync(true), controller.endAsync(true)]);
    } finally {
      await broker.teardown();
    }
  });
}
