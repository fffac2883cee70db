import './quiet-logs.js';
import test from 'ava';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AedesBrokerAdapter } from '../../../cloud-controller/broker/aedes-adapter.js';
import { loadOrCreateControllerIdentity } from '../../../cloud-controller/broker/controller-identity.js';
import { brokerLimitsSchema, type BrokerLimitsInput } from '../../../protocols/mqtt/broker-limits.js';
import { rssOf, sendOversizedConnect } from '../../helpers/oversized-connect.js';
import { createFleetFixture } from './fleet-fixture.js';
import { connectOnce, isRefused } from './mqtt-helpers.js';

// Issue #9 "Brokers with limits" on the controller's embedded aedes.

async function limitedBroker(t: { teardown(fn: () => Promise<void> | void): void }, limits: BrokerLimitsInput) {
  const fixture = createFleetFixture('fc-aedes-limits-');
  const brokerDir = join(fixture.dataDir, 'broker');
  const adapter = new AedesBrokerAdapter({ brokerDir, port: 0, verifier: fixture.fleet, controllerIdentity: loadOrCreateControllerIdentity(brokerDir), limits: brokerLimitsSchema.parse(limits) });
  await adapter.start();
  t.teardown(async () => {
    await adapter.stop();
    fixture.cleanup();
  });
  const port = adapter.boundPorts().port!;
  const secret = await fixture.enrol('dev-l');
  const device = { url: `mqtt://127.0.0.1:${port}`, clientId: 'dev-l', username: 'dev-l', password: secret };
  return { adapter, port, device };
}

/** Resolves when the socket closes; `bytes` is everything the broker sent before closing. */
function silentSocket(port: number): Promise<{ bytes: number }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let bytes = 0;
    socket.on('data', (chunk) => (bytes += chunk.length));
    socket.on('error', () => undefined);
    socket.once('close', () => resolve({ bytes }));
  });
}

test('a CONNECT announcing 268 MB is closed at its header: the broker process grows by less than 10 MB', async (t) => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./aedes-main.js', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, FLEETCAST_LOG_LEVEL: 'silent' } });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  t.teardown(() => {
    child.stdin.end();
    return exited.then(() => undefined);
  });
  const port = await new Promise<number>((resolve) => createInterface({ input: child.stdout }).once('line', (line) => resolve((JSON.parse(line) as { port: number }).port)));
  const before = await rssOf(child.pid!);
  const outcome = await sendOversizedConnect(port);
  const after = await rssOf(child.pid!);
  t.true(outcome.closedByBroker, `broker kept reading (${outcome.sentBytes} bytes sent)`);
  t.true(after - before < 10 * 1024 * 1024, `RSS grew by ${((after - before) / 1048576).toFixed(1)} MB`);
});

test('a socket that sends no CONNECT is closed after connectTimeoutMs; a real client still connects', async (t) => {
  const { port, device } = await limitedBroker(t, { connectTimeoutMs: 300 });
  const { bytes } = await silentSocket(port);
  t.is(bytes, 0, 'closed without a CONNACK');
  const client = await connectOnce(device);
  t.true(client.connected);
  await client.endAsync();
});

test('a packet over maxPacketBytes ends the connection; one under it is delivered', async (t) => {
  const { adapter, device } = await limitedBroker(t, { maxPacketBytes: 2_048 });
  const controller = await connectOnce(adapter.controllerConnection());
  await controller.subscribeAsync('fc/v1/d/+/evt', { qos: 1 });
  const heard: string[] = [];
  controller.on('message', (_topic, payload) => heard.push(payload.toString()));
  const client = await connectOnce(device);
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  await client.publishAsync('fc/v1/d/dev-l/evt', 'small', { qos: 1 });
  client.publish('fc/v1/d/dev-l/evt', Buffer.alloc(4_096, 0x61), { qos: 0 });
  await closed;
  t.deepEqual(heard, ['small']);
  client.end(true);
  await controller.endAsync();
});

test('failed logins are throttled per address: after maxFailedLogins even the right secret is refused', async (t) => {
  const { device } = await limitedBroker(t, { maxFailedLogins: 2 });
  t.false(await isRefused(device), 'the right secret connects before any failure');
  t.true(await isRefused({ ...device, password: 'wrong-1' }));
  t.true(await isRefused({ ...device, password: 'wrong-2' }));
  t.true(await isRefused(device), 'blocked address refused without a password check');
});

test('connections over maxConnections are closed on accept; the ones admitted keep working', async (t) => {
  const { port, device } = await limitedBroker(t, { maxConnections: 1 });
  const client = await connectOnce(device);
  const { bytes } = await silentSocket(port);
  t.is(bytes, 0);
  t.true(client.connected);
  await client.publishAsync('fc/v1/d/dev-l/evt', 'still-here', { qos: 1 });
  await client.endAsync();
});
