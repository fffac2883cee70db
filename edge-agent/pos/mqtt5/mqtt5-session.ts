import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import mqttPacket, { type IConnectPacket, type IPublishPacket, type ISubscribePacket, type IUnsubscribePacket, type Packet } from 'mqtt-packet';
import type { AedesPublishPacket } from 'aedes';
import { assertValidId } from '../../../protocols/ids.js';
import { posAcl } from '../pos-acl.js';
import type { Mqtt5FrontDeps } from './mqtt5-front.js';
import type { ReplyRoute } from './reply-route.js';
import { reasonCodes } from './reason-codes.js';

/** Callbacks into the front that owns the session. */
export interface SessionOwner {
  /** Called once the client authenticated; the front drops an older session with that id. */
  claim(clientId: string): void;
  /** Called once when the connection is gone (`clientId` null when CONNECT never succeeded). */
  closed(clientId: string | null): void;
}

type Deliver = (packet: AedesPublishPacket, done: () => void) => void;

/** Pending outbound bytes past which a client that does not read is dropped. */
const MAX_WRITE_BACKLOG_BYTES = 1024 * 1024;
/** Time a DISCONNECT gets to flush before the socket is destroyed. */
const DISCONNECT_GRACE_MS = 1_000;
const V5 = { protocolVersion: 5 };

/**
 * One MQTT 5 POS connection (issue #5): CONNECT with the POS logins, SUBSCRIBE under the same
 * ACL as 3.1.1 clients (refusals get reason 0x87), QoS 0/1 publishes to the agent's handlers with
 * a reply route built from `responseTopic` + `correlationData`, ping, keepalive and packet-size
 * limits. Deliveries are QoS 0 (subscriptions are granted QoS 0), so no outbound state is kept;
 * sessions are never persisted (CONNACK overrides Session Expiry Interval with 0).
 */
export class Mqtt5Session {
  private readonly socket: Duplex;
  private readonly deps: Mqtt5FrontDeps;
  private readonly owner: SessionOwner;
  private readonly parser = mqttPacket.parser(V5);
  private readonly subscriptions = new Map<string, { deliver: Deliver; identifier: number | undefined }>();
  private clientId: string | null = null;
  private clientMaxPacketBytes = Number.POSITIVE_INFINITY;
  private keepaliveMs = 0;
  private timer: NodeJS.Timeout | null = null;
  private ended = false;
  private cleaned = false;

  constructor(socket: Duplex, deps: Mqtt5FrontDeps, owner: SessionOwner) {
    this.socket = socket;
    this.deps = deps;
    this.owner = owner;
  }

  /** Starts reading; the CONNECT must arrive within `connectTimeoutMs`. */
  start(): void {
    this.armTimer(this.deps.connectTimeoutMs);
    this.parser.on('packet', (packet: Packet) => this.onPacket(packet));
    this.parser.on('error', () => this.disconnect(reasonCodes.malformedPacket));
    this.socket.on('data', (chunk: Buffer) => {
      if (this.ended) return;
      // parse() returns the bytes still buffered for an unfinished packet: bound them (§3.1.2.11.4).
      if (this.parser.parse(chunk) > this.deps.maxPacketBytes) this.disconnect(reasonCodes.packetTooLarge);
    });
    this.socket.on('error', (error: Error) => this.deps.logger.debug({ clientId: this.clientId, err: error.message }, 'MQTT 5 POS socket error'));
    this.socket.on('close', () => this.cleanUp());
    this.socket.resume();
  }

  /** Sends DISCONNECT with `reasonCode` (only after CONNACK, §3.14) and closes the connection. */
  disconnect(reasonCode: number): void {
    if (this.ended) return;
    if (this.clientId !== null) this.send({ cmd: 'disconnect', reasonCode });
    this.close();
  }

  private close(): void {
    if (this.ended) return;
    this.ended = true;
    this.socket.end();
    setTimeout(() => this.socket.destroy(), DISCONNECT_GRACE_MS).unref();
    this.cleanUp();
  }

  private cleanUp(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const [filter, { deliver }] of this.subscriptions) this.deps.aedes.unsubscribe(filter, deliver, () => undefined);
    this.subscriptions.clear();
    const clientId = this.clientId;
    if (clientId !== null) this.deps.logins.forget(this);
    this.clientId = null;
    this.owner.closed(clientId);
  }

  /** The id under which the client is logged in (PosLogins key). */
  get id(): string {
    return this.clientId ?? '';
  }

  private armTimer(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = ms > 0 ? setTimeout(() => (this.clientId === null ? this.close() : this.disconnect(reasonCodes.keepAliveTimeout)), ms) : null;
  }

  private onPacket(packet: Packet): void {
    if (this.ended) return;
    // A packet that arrived whole in one read never showed up as a buffered backlog.
    if ((packet.length ?? 0) > this.deps.maxPacketBytes) return this.disconnect(reasonCodes.packetTooLarge);
    if (this.clientId === null) {
      // Anything before a successful CONNECT is a protocol error; there is no CONNACK yet to refer to.
      if (packet.cmd === 'connect') this.onConnect(packet);
      else this.close();
      return;
    }
    // Keep Alive: 1.5 times the client's interval since the last control packet (§3.1.2.10).
    this.armTimer(this.keepaliveMs);
    switch (packet.cmd) {
      case 'publish': return this.onPublish(packet);
      case 'subscribe': return this.onSubscribe(packet);
      case 'unsubscribe': return this.onUnsubscribe(packet);
      case 'pingreq': return this.send({ cmd: 'pingresp' });
      case 'disconnect': return this.close();
      case 'puback': return; // only QoS 0 goes out, but an ack is harmless
      default: return this.disconnect(reasonCodes.protocolError);
    }
  }

  private onConnect(packet: IConnectPacket): void {
    const refuse = (reasonCode: number, why: string): void => {
      this.deps.logger.warn({ clientId: packet.clientId, reasonCode }, `MQTT 5 POS connection refused: ${why}`);
      this.write({ cmd: 'connack', sessionPresent: false, reasonCode });
      this.close();
    };
    const properties = packet.properties ?? {};
    if (properties.authenticationMethod !== undefined) return refuse(reasonCodes.badAuthenticationMethod, 'enhanced authentication is not offered');
    // Checked before the id so that an unauthenticated peer learns nothing else (issue #5 ACL).
    if (!this.deps.credentials.verify(packet.username, packet.password)) return refuse(reasonCodes.badUserNameOrPassword, 'bad username or password');
    // POS connections carry no will: the ACL gives POS logins nothing a will could usefully say.
    if (packet.will) return refuse(reasonCodes.notAuthorized, 'wills are not accepted');
    const assigned = packet.clientId === '' ? `pos-${randomUUID()}` : undefined;
    const clientId = assigned ?? packet.clientId;
    try {
      assertValidId(clientId, 'clientId');
    } catch {
      return refuse(reasonCodes.clientIdentifierNotValid, 'client id must be a valid topic level');
    }
    this.owner.claim(clientId);
    this.clientId = clientId;
    this.deps.logins.set(this, packet.username ?? '');
    this.clientMaxPacketBytes = properties.maximumPacketSize ?? Number.POSITIVE_INFINITY;
    this.keepaliveMs = (packet.keepalive ?? 0) * 1_500;
    this.armTimer(this.keepaliveMs);
    this.send({
      cmd: 'connack',
      sessionPresent: false,
      reasonCode: reasonCodes.success,
      properties: {
        ...(properties.sessionExpiryInterval ? { sessionExpiryInterval: 0 } : {}),
        ...(assigned ? { assignedClientIdentifier: assigned } : {}),
        maximumQoS: 1,
        retainAvailable: false,
        maximumPacketSize: this.deps.maxPacketBytes,
        wildcardSubscriptionAvailable: true,
        sharedSubscriptionAvailable: false,
      },
    });
    this.deps.logger.debug({ clientId }, 'MQTT 5 POS client connected');
  }

  private onPublish(packet: IPublishPacket): void {
    if (packet.qos === 2) return this.disconnect(reasonCodes.qosNotSupported);
    if (packet.retain) return this.disconnect(reasonCodes.retainNotSupported);
    if (packet.properties?.topicAlias !== undefined) return this.disconnect(reasonCodes.topicAliasInvalid);
    const clientId = this.id;
    const allowed = posAcl.mayPublish(packet.topic);
    if (packet.qos === 1) this.send({ cmd: 'puback', messageId: packet.messageId, reasonCode: allowed ? reasonCodes.success : reasonCodes.notAuthorized });
    if (!allowed) {
      this.deps.logger.warn({ clientId, topic: packet.topic }, 'MQTT 5 POS publish refused');
      return;
    }
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const correlationData = packet.properties?.correlationData;
    const route: ReplyRoute = {
      responseTopic: packet.properties?.responseTopic,
      reply: (topic, message) => {
        this.deps.aedes.publish({
          cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(message)), qos: 0, retain: false, dup: false,
          properties: { contentType: 'application/json', payloadFormatIndicator: true, ...(correlationData ? { correlationData } : {}) },
        }, () => undefined);
      },
    };
    const inbound = { cmd: 'publish', topic: packet.topic, payload, qos: packet.qos, retain: false, dup: false, brokerId: this.deps.aedes.id, brokerCounter: 0 } as AedesPublishPacket;
    this.deps.onMessage(inbound, clientId, route);
  }

  private onSubscribe(packet: ISubscribePacket): void {
    const clientId = this.id;
    const identifier = typeof packet.properties?.subscriptionIdentifier === 'number' ? packet.properties.subscriptionIdentifier : undefined;
    const granted: number[] = [];
    const fresh: Array<{ filter: string; deliver: Deliver }> = [];
    const retainedFor: string[] = [];
    for (const subscription of packet.subscriptions) {
      const filter = subscription.topic;
      if (filter.startsWith('$share/')) {
        granted.push(reasonCodes.sharedSubscriptionsNotSupported);
        continue;
      }
      if (!posAcl.maySubscribe(clientId, filter)) {
        this.deps.logger.warn({ clientId, topic: filter }, 'POS subscription refused');
        granted.push(reasonCodes.notAuthorized);
        continue;
      }
      granted.push(reasonCodes.grantedQos0);
      const existing = this.subscriptions.get(filter);
      const retainHandling = subscription.rh ?? 0;
      // Retain Handling 0: retained messages on every subscribe; 1: only on a new one (§3.8.3.1).
      if (retainHandling === 0 || (retainHandling === 1 && !existing)) retainedFor.push(filter);
      if (existing) {
        existing.identifier = identifier;
        continue;
      }
      const entry = { deliver: ((message, done) => {
        this.deliver(message, entry.identifier, false);
        done();
      }) as Deliver, identifier };
      this.subscriptions.set(filter, entry);
      fresh.push({ filter, deliver: entry.deliver });
    }
    let pending = fresh.length + 1;
    const subscribed = (): void => {
      pending -= 1;
      if (pending > 0 || this.ended) return;
      this.send({ cmd: 'suback', messageId: packet.messageId, granted });
      this.sendRetained(retainedFor, identifier);
    };
    for (const { filter, deliver } of fresh) this.deps.aedes.subscribe(filter, deliver, subscribed);
    subscribed();
  }

  /** Retained messages matching `filters` from aedes' store (pos/v1/status, issue #5). */
  private sendRetained(filters: string[], identifier: number | undefined): void {
    if (filters.length === 0) return;
    const stream = retainedStore(this.deps.aedes).createRetainedStreamCombi(filters);
    stream.on('data', (message: AedesPublishPacket) => this.deliver(message, identifier, true));
    stream.on('error', (error: Error) => this.deps.logger.warn({ err: error.message }, 'retained messages not read'));
  }

  private onUnsubscribe(packet: IUnsubscribePacket): void {
    const granted = packet.unsubscriptions.map((filter) => {
      const existing = this.subscriptions.get(filter);
      if (!existing) return reasonCodes.noSubscriptionExisted;
      this.subscriptions.delete(filter);
      this.deps.aedes.unsubscribe(filter, existing.deliver, () => undefined);
      return reasonCodes.success;
    });
    this.send({ cmd: 'unsuback', messageId: packet.messageId, granted });
  }

  /** Forwards a bus message; only the application properties travel (§3.3.2.3). */
  private deliver(message: AedesPublishPacket, identifier: number | undefined, retained: boolean): void {
    const { correlationData, responseTopic, contentType, payloadFormatIndicator, userProperties } = message.properties ?? {};
    const properties = Object.fromEntries(Object.entries({ correlationData, responseTopic, contentType, payloadFormatIndicator, userProperties, subscriptionIdentifier: identifier }).filter(([, value]) => value !== undefined));
    this.send({ cmd: 'publish', topic: message.topic, payload: message.payload, qos: 0, retain: retained, dup: false, properties });
  }

  private send(packet: Packet): void {
    if (this.ended) return;
    this.write(packet);
  }

  private write(packet: Packet): void {
    const bytes = mqttPacket.generate(packet, V5);
    // The client's Maximum Packet Size binds the server: too-large packets are dropped (§3.1.2.11.4).
    if (bytes.length > this.clientMaxPacketBytes) {
      this.deps.logger.debug({ clientId: this.clientId, bytes: bytes.length }, 'packet over the client maximum dropped');
      return;
    }
    this.socket.write(bytes);
    if (this.socket.writableLength > MAX_WRITE_BACKLOG_BYTES) {
      this.deps.logger.warn({ clientId: this.clientId }, 'MQTT 5 POS client does not read; dropped');
      this.socket.destroy();
    }
  }
}

/** aedes' persistence (typed `any` by aedes); only the retained-message stream is used. */
interface RetainedStore {
  createRetainedStreamCombi(patterns: string[]): NodeJS.ReadableStream;
}

function retainedStore(aedes: Mqtt5FrontDeps['aedes']): RetainedStore {
  return (aedes as unknown as { persistence: RetainedStore }).persistence;
}
