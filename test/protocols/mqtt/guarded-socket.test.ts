import test from 'ava';
import { connect, createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import mqttPacket from 'mqtt-packet';
import { guardSocket, type GuardedStream } from '../../../protocols/mqtt/guarded-socket.js';
import { createLogger } from '../../../protocols/runtime/logger.js';

// Issue #9 "Brokers with limits", issue #15: the guard works on the socket in place.

const logger = createLogger('guard-test', { level: 'silent' });
const connectPacket = mqttPacket.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'c', clean: true, keepalive: 0 });
const publish = (bytes: number): Buffer => mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(bytes, 1), qos: 0, retain: false, dup: false });

/** A server whose guarded sockets are read the way aedes reads them ('readable' + read()). */
async function guardedServer(t: { teardown(fn: () => void): void }, connectTimeoutMs = 10_000) {
  const accepted: Array<{ stream: GuardedStream; received: number[]; onRead: () => void }> = [];
  const waiting: Array<(entry: (typeof accepted)[number]) => void> = [];
  const server = createServer((socket: Socket) => {
    const stream = guardSocket(socket, { maxPacketBytes: 2_048, connectTimeoutMs }, logger);
    const entry = { stream, received: [] as number[], onRead: () => undefined as void };
    stream.on('readable', () => {
      for (let chunk = stream.read() as Buffer | null; chunk !== null; chunk = stream.read() as Buffer | null) entry.received.push(chunk.length);
      entry.onRead();
    });
    const waiter = waiting.shift();
    if (waiter) waiter(entry);
    else accepted.push(entry);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const client = async () => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const entry = accepted.length > 0 ? accepted.shift()! : await new Promise<(typeof accepted)[number]>((resolve) => waiting.push(resolve));
    return { socket, entry, total: () => entry.received.reduce((sum, n) => sum + n, 0) };
  };
  return { client };
}

function readUntil(entry: { onRead: () => void }, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    entry.onRead = () => {
      if (done()) resolve();
    };
  });
}

test('the socket itself is returned; packets under the limit pass unchanged', async (t) => {
  const { client } = await guardedServer(t);
  const { socket, entry, total } = await client();
  const expected = connectPacket.length + publish(1_000).length;
  const arrived = readUntil(entry, () => total() === expected);
  socket.write(Buffer.concat([connectPacket, publish(1_000)]));
  await arrived;
  t.is(total(), expected);
  t.is(entry.stream.remoteAddress, '127.0.0.1');
  socket.destroy();
});

test('a packet announcing more than maxPacketBytes is refused at its header: none of its bytes reach the reader', async (t) => {
  const { client } = await guardedServer(t);
  const { socket, entry, total } = await client();
  const good = connectPacket.length + publish(100).length;
  // Positive control first: the valid packets arrive, so a missing later byte means refusal, not delay.
  const arrived = readUntil(entry, () => total() === good);
  socket.write(Buffer.concat([connectPacket, publish(100)]));
  await arrived;
  const closed = once(entry.stream, 'close');
  socket.write(Buffer.concat([Buffer.from([0x30, 0x80, 0x80, 0x10]), Buffer.alloc(4_000, 7)]));
  await closed;
  t.is(total(), good);
  t.is(entry.stream.remoteAddress, '127.0.0.1', 'the address outlives the socket');
});

test('a socket that completes no CONNECT within connectTimeoutMs is closed; a complete CONNECT stops the deadline', async (t) => {
  const { client } = await guardedServer(t, 1_000);
  const live = await client();
  const connected = readUntil(live.entry, () => live.total() === connectPacket.length);
  live.socket.write(connectPacket);
  await connected;
  // Opened after the live one: once its deadline has closed it, the live socket's has passed too.
  const silent = await client();
  await once(silent.entry.stream, 'close');
  t.is(silent.total(), 0);
  const later = readUntil(live.entry, () => live.total() === connectPacket.length + publish(1).length);
  live.socket.write(publish(1));
  await later;
  t.false(live.entry.stream.destroyed);
  live.socket.destroy();
});
