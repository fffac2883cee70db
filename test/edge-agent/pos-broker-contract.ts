import type { TestFn } from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IClientOptions, MqttClient } from 'mqtt';
import { createLogger } from '../../protocols/runtime/logger.js';
import { agentConfigSchema, type AgentConfig } from '../../edge-agent/config/schema.js';
import { PosBroker, type PosInbound } from '../../edge-agent/pos/pos-broker.js';
import { POS_USER } from './helpers/agent-fixture.js';
import { connectMqtt, subscribeGranted, waitFor } from './helpers/pos-client.js';

const OTHER_USER = { username: 'other-pos', password: 'other-secret-2' };
const MAX_PACKET = 4_096;

/** A POS broker in this process whose handler echoes every request to the requester. */
export interface BrokerFixture {
  broker: PosBroker;
  /** Every publish the handler saw. */
  seen: PosInbound[];
  connect(clientId: string, version: 4 | 5, login?: { username: string; password: string }, extra?: Partial<IClientOptions>): Promise<MqttClient>;
  close(): Promise<void>;
}

export async function startPosBroker(backend: AgentConfig['pos']['backend']): Promise<BrokerFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), `fc-pos-${backend}-`));
  const config = agentConfigSchema.shape.pos.parse({ host: '127.0.0.1', port: 0, backend, users: [POS_USER, OTHER_USER], limits: { maxPacketBytes: MAX_PACKET } });
  const seen: PosInbound[] = [];
  let broker: PosBroker | null = null;
  broker = await PosBroker.start(config, { logger: createLogger('pos-contract', { level: 'silent' }), dataDir, onMessage: (message) => {
    seen.push(message);
    const echo = { echo: message.payload.toString('utf8'), clientId: message.clientId, username: message.username };
    if (message.route) message.route.reply(message.route.responseTopic ?? `pos/v1/score/res/${message.clientId}`, echo);
    else broker!.reply(`pos/v1/score/res/${message.clientId}`, echo);
  } });
  const started = broker;
  return {
    broker: started,
    seen,
    connect: (clientId, version, login = POS_USER, extra = {}) => connectMqtt(`mqtt://127.0.0.1:${started.port()}`, { clientId, ...login, protocolVersion: version, ...extra }),
    async close() {
      await started.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function inbox(client: MqttClient): Array<{ topic: string; body: Record<string, unknown>; correlation?: string }> {
  const received: Array<{ topic: string; body: Record<string, unknown>; correlation?: string }> = [];
  client.on('message', (topic, payload, packet) => received.push({ topic, body: JSON.parse(payload.toString('utf8')) as Record<string, unknown>, correlation: packet.properties?.correlationData?.toString() }));
  return received;
}

const refusalCode = (error: unknown): number | undefined => (error as { code?: number }).code;

/**
 * The ONE POS broker contract (issue #9 "One POS broker contract test runs against both"):
 * logins refused and accepted, ACL confinement, request/reply with the publisher's client id and
 * username, packets over the limit closing the connection, and a client id belonging to one
 * login whatever the protocol version. Every "not delivered" is followed by a delivered
 * control message.
 */
export function posBrokerContract(test: TestFn, backend: AgentConfig['pos']['backend'], versions: Array<4 | 5>): void {
  let fixture: BrokerFixture;
  test.before(async () => {
    fixture = await startPosBroker(backend);
  });
  test.after.always(async () => fixture?.close());

  for (const version of versions) {
    const v = `${backend} (MQTT ${version === 5 ? '5' : '3.1.1'})`;

    test.serial(`${v}: wrong password, unknown user and a reserved client id are refused; a configured login connects`, async (t) => {
      const badPassword = await t.throwsAsync(fixture.connect(`bad-pw-${version}`, version, { username: POS_USER.username, password: 'wrong-password' }));
      t.is(refusalCode(badPassword), version === 5 ? 0x86 : 4);
      const unknown = await t.throwsAsync(fixture.connect(`bad-user-${version}`, version, { username: 'nobody', password: POS_USER.password }));
      t.is(refusalCode(unknown), version === 5 ? 0x86 : 4);
      const reserved = await t.throwsAsync(fixture.connect('fleetcast-pos-agent', version));
      t.is(refusalCode(reserved), version === 5 ? 0x87 : 5);
      const good = await fixture.connect(`good-${version}`, version);
      t.true(good.connected);
      await good.endAsync();
    });

    test.serial(`${v}: request/reply carries the publisher's client id and username; replies reach only the requester`, async (t) => {
      const till = await fixture.connect(`till-rr-${version}`, version, OTHER_USER);
      const received = inbox(till);
      t.deepEqual(await subscribeGranted(till, [`pos/v1/score/res/till-rr-${version}`]), [0]);
      const options = version === 5 ? { qos: 1 as const, properties: { responseTopic: `pos/v1/score/res/till-rr-${version}`, correlationData: Buffer.from('corr-1') } } : { qos: 1 as const };
      await till.publishAsync('pos/v1/score/req', 'hello', options);
      await waitFor(() => received.length === 1, 10_000, 'echo');
      t.like(received[0].body, { echo: 'hello', clientId: `till-rr-${version}`, username: OTHER_USER.username });
      if (version === 5) t.is(received[0].correlation, 'corr-1');
      const inbound = fixture.seen.find((m) => m.clientId === `till-rr-${version}`);
      t.is(inbound?.topic, 'pos/v1/score/req', 'the handler sees the topic the till used');
      await till.endAsync();
    });

    test.serial(`${v}: ACL — another till's replies cannot be read, forged replies do not arrive`, async (t) => {
      const victim = await fixture.connect(`victim-${version}`, version);
      const attacker = await fixture.connect(`attacker-${version}`, version, OTHER_USER);
      attacker.on('error', () => undefined);
      const victimInbox = inbox(victim);
      const attackerInbox = inbox(attacker);
      t.deepEqual(await subscribeGranted(victim, [`pos/v1/score/res/victim-${version}`, 'pos/v1/status']), [0, 0]);
      const foreign = await subscribeGranted(attacker, [`pos/v1/score/res/victim-${version}`, 'pos/v1/score/res/#', '#', 'pos/v1/score/req']);
      // aedes refuses with SUBACK 0x80; Mosquitto 2.0 may grant and filter every delivery instead.
      t.true(foreign.every((code) => code >= 0x80 || backend === 'mosquitto'), `SUBACK ${JSON.stringify(foreign)}`);
      await attacker.publishAsync(`pos/v1/score/res/victim-${version}`, JSON.stringify({ forged: true }), { qos: 0 }).catch(() => undefined);
      await victim.publishAsync('pos/v1/score/req', 'victim-request', version === 5 ? { qos: 1, properties: { responseTopic: `pos/v1/score/res/victim-${version}` } } : { qos: 1 });
      await waitFor(() => victimInbox.some((m) => m.body.echo === 'victim-request'), 10_000, 'victim reply');
      t.false(victimInbox.some((m) => m.body.forged === true), 'forged reply never delivered');
      t.false(attackerInbox.some((m) => m.body.echo === 'victim-request'), 'attacker never reads the victim reply');
      await victim.endAsync();
      attacker.end(true);
    });

    test.serial(`${v}: a packet over the size limit ends the connection and never reaches the handler`, async (t) => {
      const till = await fixture.connect(`till-big-${version}`, version);
      const received = inbox(till);
      await subscribeGranted(till, [`pos/v1/score/res/till-big-${version}`]);
      const closed = new Promise<void>((resolve) => till.once('close', () => resolve()));
      till.on('error', () => undefined);
      await till.publishAsync('pos/v1/score/req', 'small-first', { qos: 1 });
      await waitFor(() => received.length === 1, 10_000, 'reply to the small request');
      till.publish('pos/v1/score/req', Buffer.alloc(MAX_PACKET * 2, 0x61), { qos: 0 });
      await closed;
      t.false(fixture.seen.some((m) => m.payload.length > MAX_PACKET), 'oversized payload never delivered');
      till.end(true);
    });

    // aedes refuses MQTT 5 at CONNECT altogether; the intruder is tried in both versions everywhere.
    for (const intruderVersion of [4, 5] as const) {
      test.serial(`${v}: a second login reusing the till's client id over MQTT ${intruderVersion === 5 ? '5' : '3.1.1'} is refused; the till keeps its replies`, async (t) => {
        const clientId = `till-own-${version}-${intruderVersion}`;
        const till = await fixture.connect(clientId, version);
        const received = inbox(till);
        till.on('close', () => received.push({ topic: 'closed', body: {} }));
        await subscribeGranted(till, [`pos/v1/score/res/${clientId}`]);
        const intruder = await t.throwsAsync(fixture.connect(clientId, intruderVersion, OTHER_USER));
        if (versions.includes(intruderVersion)) t.is(refusalCode(intruder), intruderVersion === 5 ? 0x87 : 5);
        else t.truthy(intruder, `${backend} refuses MQTT ${intruderVersion} at CONNECT`);
        await till.publishAsync('pos/v1/score/req', 'after-intruder', version === 5 ? { qos: 1, properties: { responseTopic: `pos/v1/score/res/${clientId}` } } : { qos: 1 });
        await waitFor(() => received.some((m) => m.body.echo === 'after-intruder'), 10_000, 'till reply after the intrusion');
        t.false(received.some((m) => m.topic === 'closed'), 'the till was never disconnected');
        t.true(till.connected);
        await till.endAsync();
      });
    }
  }
}
