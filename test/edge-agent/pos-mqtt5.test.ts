import test from 'ava';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { connect as connectTcp, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { scoreResponseMessageSchema } from '../../protocols/messages/pos/score-response.js';
import { errorReplySchema } from '../../protocols/messages/error-reply.js';
import { posStatusSchema } from '../../protocols/messages/pos/status.js';
import { POS_USER, makeModelDir, startAgentProcess, writeAgentConfig, type AgentProcess } from './helpers/agent-fixture.js';
import { collect, connectMqtt, connectPos, scoreRequest, subscribeGranted, waitFor } from './helpers/pos-client.js';

// Issue #5: MQTT 5 POS clients (response topic + correlation data) next to 3.1.1 ones, against a
// real agent process with a real bundle — through the Mosquitto POS backend the agent configures
// and supervises (issue #9 "MQTT 5 through Mosquitto"; aedes 1.x speaks 3.1.1 only).

/** Largest packet the POS listener (and Mosquitto's max_packet_size) accepts in these tests. */
const MAX_PACKET = 4_096 + 8 * 1024;

const run = promisify(execFile);
let agent: AgentProcess;

test.before(async () => {
  const { root } = await makeModelDir('gbdt');
  const config = await writeAgentConfig(root, {
    pos: { host: '127.0.0.1', port: 0, backend: 'mosquitto', users: [POS_USER, { username: 'other-pos', password: 'other-secret-2' }], maxPayloadBytes: 4_096, limits: { maxPacketBytes: MAX_PACKET } },
  });
  agent = await startAgentProcess(config);
});

test.after.always(async () => {
  await agent?.stop();
});

/** One message as an MQTT 5 client saw it, properties included. */
interface Received {
  topic: string;
  message: Record<string, unknown>;
  packet: IPublishPacket;
}

function v5Options(clientId: string, extra: Partial<IClientOptions> = {}): IClientOptions {
  return { clientId, username: POS_USER.username, password: POS_USER.password, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 5_000, ...extra };
}

/** Connects a real mqtt.js MQTT 5 client; rejects with mqtt.js' error (its `code` is the CONNACK reason). */
function connectV5(clientId: string, extra: Partial<IClientOptions> = {}): Promise<MqttClient> {
  return connectMqtt(`mqtt://127.0.0.1:${agent.posPort}`, v5Options(clientId, extra));
}

function collectV5(client: MqttClient): Received[] {
  const received: Received[] = [];
  client.on('message', (topic, payload, packet) => received.push({ topic, message: JSON.parse(payload.toString('utf8')) as Record<string, unknown>, packet }));
  return received;
}

/** Subscribes and returns the SUBACK reason code of each filter. */
async function subscribeReasons(client: MqttClient, filters: string[]): Promise<number[]> {
  return subscribeGranted(client, filters);
}

const ROWS = [{ store: 's1', item: 'i1', date: '2026-11-27' }, { store: 's2', item: 'i2', date: '2026-11-28' }];

test.serial('MQTT 5: response topic + correlation data, no replyTo/requestId; same values as a concurrent 3.1.1 client', async (t) => {
  const v5 = await connectV5('till-v5');
  const v311 = await connectPos(agent.posPort, 'till-311');
  try {
    const v5Inbox = collectV5(v5);
    const v311Inbox = collect(v311);
    t.deepEqual(await subscribeReasons(v5, ['pos/v1/score/res/till-v5/answers']), [0]);
    t.deepEqual(await subscribeGranted(v311, ['pos/v1/score/res/till-311']), [0]);
    const correlationData = Buffer.from([0x00, 0xff, 0x10, 0x42]);
    const v5Request = scoreRequest(ROWS);
    t.false('replyTo' in v5Request || 'requestId' in v5Request);
    await Promise.all([
      v5.publishAsync('pos/v1/score/req', JSON.stringify(v5Request), { qos: 1, properties: { responseTopic: 'pos/v1/score/res/till-v5/answers', correlationData } }),
      v311.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest(ROWS, { requestId: 'legacy-1' }))),
    ]);
    await waitFor(() => v5Inbox.length > 0 && v311Inbox.length > 0, 10_000, 'both replies');
    const [answer] = v5Inbox;
    t.is(answer.topic, 'pos/v1/score/res/till-v5/answers');
    t.deepEqual(answer.packet.properties?.correlationData, correlationData);
    t.is(answer.packet.properties?.contentType, 'application/json');
    const v5Reply = scoreResponseMessageSchema.parse(answer.message);
    const v311Reply = scoreResponseMessageSchema.parse(v311Inbox[0].message);
    if (v5Reply.type !== 'score-result' || v311Reply.type !== 'score-result') return t.fail(`expected two score-results: ${JSON.stringify([v5Reply, v311Reply])}`);
    t.is(v5Reply.requestId, v5Request.id as string);
    t.is(v311Reply.requestId, 'legacy-1');
    t.deepEqual(v5Reply.model, { name: 'demand', version: 3 });
    t.deepEqual(v5Reply.predictions, v311Reply.predictions);
    t.is(v5Reply.predictions.length, 2);
    t.true(v5Reply.predictions.every((p) => Number.isFinite(p.value)));
  } finally {
    await v5.endAsync();
    await v311.endAsync();
  }
});

test.serial('MQTT 5: a reply aimed at a 3.1.1 sibling of the same login reaches it (one bus for both protocols)', async (t) => {
  const v311 = await connectPos(agent.posPort, 'till-sib-sub');
  const v5 = await connectV5('till-sib-pub');
  try {
    const inbox = collect(v311);
    t.deepEqual(await subscribeGranted(v311, ['pos/v1/score/res/till-sib-sub']), [0]);
    await v5.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest(ROWS.slice(0, 1))), { qos: 1, properties: { responseTopic: 'pos/v1/score/res/till-sib-sub', correlationData: Buffer.from('c1') } });
    await waitFor(() => inbox.length > 0, 10_000, 'sibling reply');
    t.is(scoreResponseMessageSchema.parse(inbox[0].message).type, 'score-result');
  } finally {
    await v5.endAsync();
    await v311.endAsync();
  }
});

test.serial('MQTT 5: wrong password or unknown user is refused with CONNACK 0x86', async (t) => {
  const wrongPassword = await t.throwsAsync(connectV5('till-bad-pw', { password: 'nope' }));
  t.is((wrongPassword as Error & { code?: number }).code, 0x86);
  const unknownUser = await t.throwsAsync(connectV5('till-bad-user', { username: 'nobody', password: POS_USER.password }));
  t.is((unknownUser as Error & { code?: number }).code, 0x86);
  const badId = await t.throwsAsync(connectV5('till/../x'));
  t.is((badId as Error & { code?: number }).code, 0x85);
});

test.serial('MQTT 5 ACL: other reply topics and wildcards never deliver; refused publishes get PUBACK 0x87', async (t) => {
  const v5 = await connectV5('till-acl');
  const other = await connectV5('someone-else', { username: 'other-pos', password: 'other-secret-2' });
  try {
    const snooped = collectV5(v5);
    const otherInbox = collectV5(other);
    // Mosquitto 2.0 grants a forbidden filter (or answers 0x87) and filters every delivery through the ACL.
    const codes = await subscribeReasons(v5, ['pos/v1/score/res/someone-else', '#', 'pos/v1/score/res/+', 'pos/v1/score/res/till-acl/#', 'pos/v1/status']);
    t.deepEqual(codes.slice(3), [0, 0]);
    t.true(codes.slice(0, 3).every((code) => code === 0 || code === 0x87), JSON.stringify(codes));
    const refused = await t.throwsAsync(v5.publishAsync('pos/v1/score/res/someone-else', 'spoof', { qos: 1 }));
    t.is((refused as Error & { code?: number }).code, 0x87);
    // The other login's own reply arrives there, and nowhere else.
    t.deepEqual(await subscribeReasons(other, ['pos/v1/score/res/someone-else']), [0]);
    await other.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest(ROWS.slice(0, 1))), { qos: 1, properties: { responseTopic: 'pos/v1/score/res/someone-else', correlationData: Buffer.from('mine') } });
    await waitFor(() => otherInbox.some((r) => r.topic === 'pos/v1/score/res/someone-else'), 10_000, 'the other login\'s reply');
    // A request of till-acl after it proves deliveries to till-acl are flowing.
    await v5.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest(ROWS.slice(0, 1))), { qos: 1, properties: { responseTopic: 'pos/v1/score/res/till-acl/x', correlationData: Buffer.from('own') } });
    await waitFor(() => snooped.some((r) => r.topic === 'pos/v1/score/res/till-acl/x'), 10_000, 'own reply');
    t.false(snooped.some((r) => r.topic === 'pos/v1/score/res/someone-else' && r.packet.properties?.correlationData?.toString() === 'mine'), 'another login\'s reply never reaches till-acl');
    t.false(otherInbox.some((r) => r.topic === 'pos/v1/score/res/someone-else' && JSON.stringify(r.message).includes('spoof')));
  } finally {
    await v5.endAsync();
    await other.endAsync();
  }
});

test.serial('MQTT 5: malformed payloads and refused response topics get coded error replies with the correlation data', async (t) => {
  const v5 = await connectV5('till-v5-bad');
  try {
    const inbox = collectV5(v5);
    t.deepEqual(await subscribeReasons(v5, ['pos/v1/score/res/till-v5-bad/#', 'pos/v1/score/res/till-v5-bad']), [0, 0]);
    const responseTopic = 'pos/v1/score/res/till-v5-bad/r';
    const cases: Array<[string | Buffer, Buffer, string | undefined, string]> = [
      ['{"v":1,', Buffer.from('malformed'), responseTopic, 'FC_ERR_MALFORMED_JSON'],
      [Buffer.from([0xff, 0x00, 0xfe]), Buffer.from('binary'), responseTopic, 'FC_ERR_MALFORMED_JSON'],
      [JSON.stringify({ ...scoreRequest(ROWS), v: 9 }), Buffer.from('version'), responseTopic, 'FC_ERR_UNSUPPORTED_VERSION'],
      [JSON.stringify(scoreRequest([{ store: 's1', item: 'i1' }])), Buffer.from('invalid'), responseTopic, 'FC_ERR_INVALID_MESSAGE'],
      [JSON.stringify(scoreRequest(ROWS)), Buffer.from('foreign'), 'pos/v1/score/res/someone-else', 'FC_ERR_NOT_AUTHORIZED'],
    ];
    for (const [payload, correlationData, topic] of cases) {
      await v5.publishAsync('pos/v1/score/req', payload, { qos: 1, properties: { correlationData, ...(topic ? { responseTopic: topic } : {}) } });
    }
    await waitFor(() => inbox.length >= cases.length, 10_000, 'error replies');
    for (const [, correlationData, topic, code] of cases) {
      const reply = inbox.find((r) => r.packet.properties?.correlationData?.equals(correlationData));
      if (!reply) return t.fail(`no reply carrying correlation data ${correlationData.toString()}`);
      // A refused response topic is answered on the client's own default reply topic.
      t.is(reply.topic, topic === responseTopic ? responseTopic : 'pos/v1/score/res/till-v5-bad');
      t.is(errorReplySchema.parse(reply.message).code, code);
    }
    // Still serving after the bad input.
    await v5.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest(ROWS)), { qos: 1, properties: { responseTopic, correlationData: Buffer.from('good') } });
    await waitFor(() => inbox.some((r) => r.packet.properties?.correlationData?.toString() === 'good'), 10_000, 'good reply');
    t.is(scoreResponseMessageSchema.parse(inbox.find((r) => r.packet.properties?.correlationData?.toString() === 'good')!.message).type, 'score-result');
  } finally {
    await v5.endAsync();
  }
});

test.serial('MQTT 5 subscriber to pos/v1/status gets the retained status on subscribe', async (t) => {
  const v5 = await connectV5('till-v5-status');
  try {
    const inbox = collectV5(v5);
    t.deepEqual(await subscribeReasons(v5, ['pos/v1/status']), [0]);
    await waitFor(() => inbox.some((r) => r.topic === 'pos/v1/status'), 5_000, 'retained status');
    const received = inbox.find((r) => r.topic === 'pos/v1/status')!;
    t.true(received.packet.retain);
    const status = posStatusSchema.parse(received.message);
    t.deepEqual(status.servingModel, { name: 'demand', version: 3 });
    t.is(status.health.status, 'healthy');
  } finally {
    await v5.endAsync();
  }
});

/** A raw MQTT 5 connection (mqtt-packet over TCP) for what mqtt.js will not send. */
async function rawV5(clientId: string, keepalive = 0): Promise<{ socket: Socket; packets: Packet[]; closed: Promise<void> }> {
  const socket = connectTcp(agent.posPort, '127.0.0.1');
  const parser = mqttPacket.parser({ protocolVersion: 5 });
  const packets: Packet[] = [];
  parser.on('packet', (packet: Packet) => packets.push(packet));
  socket.on('data', (chunk: Buffer) => parser.parse(chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(mqttPacket.generate({ cmd: 'connect', protocolVersion: 5, protocolId: 'MQTT', clientId, clean: true, keepalive, username: POS_USER.username, password: Buffer.from(POS_USER.password) }, { protocolVersion: 5 }));
  await waitFor(() => packets.length > 0, 5_000, 'CONNACK');
  return { socket, packets, closed };
}

test.serial('MQTT 5 limits: CONNACK advertises them; an over-size packet closes the connection, QoS 2 gets DISCONNECT 0x9B', async (t) => {
  const big = await rawV5('till-raw-big');
  const connack = big.packets[0];
  if (connack.cmd !== 'connack') return t.fail(`expected CONNACK, got ${connack.cmd}`);
  t.is(connack.reasonCode, 0);
  t.is(connack.properties?.maximumQoS, 1);
  t.is(connack.properties?.maximumPacketSize, MAX_PACKET);
  // The agent's listener closes the socket at the packet's fixed header, before reading its body (issue #9).
  big.socket.write(mqttPacket.generate({ cmd: 'publish', topic: 'pos/v1/score/req', payload: Buffer.alloc(20_000, 0x20), qos: 0, retain: false, dup: false }, { protocolVersion: 5 }));
  await big.closed;
  t.false(big.packets.some((p) => p.cmd === 'publish'));

  const qos2 = await rawV5('till-raw-qos2');
  qos2.socket.write(mqttPacket.generate({ cmd: 'publish', topic: 'pos/v1/score/req', payload: '{}', qos: 2, messageId: 1, retain: false, dup: false }, { protocolVersion: 5 }));
  await qos2.closed;
  const refused = qos2.packets.find((p) => p.cmd === 'disconnect');
  t.is(refused?.cmd === 'disconnect' ? refused.reasonCode : undefined, 0x9b);
});

test.serial('MQTT 5 keepalive: a silent client is dropped; one sending PINGREQ is kept', async (t) => {
  const silent = await rawV5('till-raw-silent', 1);
  const pinging = await rawV5('till-raw-ping', 1);
  const ping = setInterval(() => pinging.socket.write(mqttPacket.generate({ cmd: 'pingreq' }, { protocolVersion: 5 })), 400);
  try {
    await silent.closed;
    t.false(pinging.socket.destroyed);
    await waitFor(() => pinging.packets.some((p) => p.cmd === 'pingresp'), 5_000, 'PINGRESP');
  } finally {
    clearInterval(ping);
    pinging.socket.destroy();
  }
});

test.serial('a CONNECT split into 1-byte TCP writes is still admitted, in either protocol version', async (t) => {
  for (const protocolVersion of [4, 5] as const) {
    const socket = connectTcp(agent.posPort, '127.0.0.1');
    socket.setNoDelay(true);
    const parser = mqttPacket.parser({ protocolVersion });
    const packets: Packet[] = [];
    parser.on('packet', (packet: Packet) => packets.push(packet));
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const bytes = mqttPacket.generate({ cmd: 'connect', protocolVersion, protocolId: 'MQTT', clientId: `till-split-${protocolVersion}`, clean: true, keepalive: 0, username: POS_USER.username, password: Buffer.from(POS_USER.password) }, { protocolVersion });
    for (const byte of bytes) {
      socket.write(Buffer.from([byte]));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await waitFor(() => packets.length > 0, 5_000, `CONNACK for protocol ${protocolVersion}`);
    const connack = packets[0];
    if (connack.cmd !== 'connack') return t.fail(`expected CONNACK, got ${connack.cmd}`);
    // A 3.1.1 CONNACK carries returnCode and no properties; an MQTT 5 one carries both.
    t.is(protocolVersion === 5 ? connack.reasonCode : connack.returnCode, 0);
    t.is(connack.properties?.maximumQoS, protocolVersion === 5 ? 1 : undefined);
    socket.destroy();
  }
});

test.serial('MQTT 5 over TLS: the listener decrypts and pipes to Mosquitto; a clean shutdown closes the client and exits 0', async (t) => {
  const { root } = await makeModelDir('gbdt');
  const certFile = join(root, 'pos.crt');
  const keyFile = join(root, 'pos.key');
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile]);
  const tlsAgent = await startAgentProcess(await writeAgentConfig(root, { pos: { host: '127.0.0.1', port: 0, backend: 'mosquitto', users: [POS_USER], tls: { certFile, keyFile } } }));
  t.teardown(() => void tlsAgent.stop());
  const client = mqtt.connect(`mqtts://127.0.0.1:${tlsAgent.posPort}`, { ...v5Options('till-tls-v5'), ca: await readFile(certFile) });
  await new Promise((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  const inbox = collectV5(client);
  t.deepEqual(await subscribeReasons(client, ['pos/v1/score/res/till-tls-v5']), [0]);
  await client.publishAsync('pos/v1/score/req', JSON.stringify(scoreRequest(ROWS.slice(0, 1))), { qos: 1, properties: { responseTopic: 'pos/v1/score/res/till-tls-v5', correlationData: Buffer.from('tls') } });
  await waitFor(() => inbox.length === 1, 5_000, 'TLS MQTT 5 reply');
  t.is(inbox[0].packet.properties?.correlationData?.toString(), 'tls');
  t.like(inbox[0].message, { type: 'score-result', model: { name: 'demand', version: 3 } });
  // Shutting down with an MQTT 5 client still connected: Mosquitto 2.0 closes the connection (it
  // sends no DISCONNECT 0x8B), the agent stops Mosquitto and exits 0.
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  t.is(await tlsAgent.stop(), 0);
  await closed;
  t.false(client.connected);
  client.end(true);
});
