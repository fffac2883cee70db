import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import { deviceTopic, parseDeviceTopic, type DeviceChannel } from '../../protocols/topics.js';
import { envelope } from '../../protocols/messages/envelope-factory.js';
import type { BirthState, OfflineState } from '../../protocols/messages/state.js';
import type { Sender } from '../../protocols/envelope.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { AgentConfig } from '../config/schema.js';
import type { UplinkHandler, UplinkPort } from '../ports.js';
import { backoffDelayMs } from '../../protocols/runtime/backoff.js';

/** Channels the agent listens on; the rest of its subtree it only writes. */
const INBOUND_CHANNELS: DeviceChannel[] = ['cmd', 'ack', 'blob/res'];

/** Callbacks the uplink needs from the daemon. */
export interface UplinkHooks {
  /** The birth message for this (re)connect: active model, update state, health. */
  birth(): BirthState;
  /** Runs after every successful (re)connect and birth (outbox flush, reconciliation). */
  onOnline(): void;
  /** Runs when the connection is lost. */
  onOffline(): void;
}

/**
 * The device's MQTT link to the controller's broker (issue #5 "Uplink"): persistent session
 * (clean: false, clientId = deviceId) so QoS 1 commands queued while the store was offline are
 * delivered on return; retained birth on `state` at every (re)connect, a retained last will
 * marking the device offline; reconnects scheduled here with capped exponential backoff and
 * jitter (mqtt.js `reconnectPeriod: 0`, then `client.reconnect()`).
 */
export class Uplink implements UplinkPort {
  private readonly client: MqttClient;
  private readonly config: NonNullable<AgentConfig['uplink']>;
  private readonly deviceId: string;
  private readonly sender: Sender;
  private readonly hooks: UplinkHooks;
  private readonly logger: Logger;
  private readonly handlers = new Map<DeviceChannel, Set<UplinkHandler>>();
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private closing = false;
  private online = false;

  constructor(deviceId: string, config: NonNullable<AgentConfig['uplink']>, hooks: UplinkHooks, logger: Logger) {
    this.deviceId = deviceId;
    this.config = config;
    this.hooks = hooks;
    this.logger = logger;
    this.sender = { role: 'device', id: deviceId };
    const will: OfflineState = { ...envelope(this.sender), type: 'offline', online: false, reason: 'lost' };
    this.client = mqtt.connect(config.url, {
      clientId: deviceId,
      username: deviceId,
      password: config.password,
      clean: false,
      protocolVersion: 4,
      keepalive: config.keepaliveSec,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      ca: config.caFile ? readFileSync(config.caFile) : undefined,
      will: { topic: deviceTopic(deviceId, 'state'), payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: true },
    });
    this.client.on('connect', (connack) => void this.onConnect(connack.sessionPresent));
    this.client.on('close', () => this.onClose());
    this.client.on('error', (error) => this.logger.warn({ err: error.message }, 'uplink error'));
    this.client.on('message', (topic, payload) => this.onMessage(topic, payload));
  }

  /** True while connected to the controller's broker. */
  isOnline(): boolean {
    return this.online;
  }

  publish(channel: DeviceChannel, message: unknown, options: { retain?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.publish(deviceTopic(this.deviceId, channel), JSON.stringify(message), { qos: 1, retain: options.retain ?? false }, (error) => (error ? reject(error) : resolve()));
    });
  }

  subscribe(channel: DeviceChannel, handler: UplinkHandler): () => void {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Publishes the birth again (retained) when the inventory it reports changed while connected (issue #13: the shadow model). */
  async refreshBirth(): Promise<void> {
    if (this.online) await this.publish('state', this.hooks.birth(), { retain: true });
  }

  /** Clean shutdown: retained `offline` (reason shutdown) replaces the birth, then disconnect. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.online) {
      const offline: OfflineState = { ...envelope(this.sender), type: 'offline', online: false, reason: 'shutdown' };
      // The bound must not outlive the publish: an uncleared 2 s timer held the process up after a clean stop (issue #11).
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([this.publish('state', offline, { retain: true }).catch(() => undefined), new Promise((resolve) => (bound = setTimeout(resolve, 2_000)))]);
      clearTimeout(bound);
    }
    await new Promise<void>((resolve) => this.client.end(false, {}, () => resolve()));
  }

  private async onConnect(sessionPresent: boolean): Promise<void> {
    this.attempt = 0;
    this.online = true;
    this.logger.info({ sessionPresent }, 'uplink connected');
    // Subscribing again is idempotent and covers a broker that lost the session.
    this.client.subscribe(INBOUND_CHANNELS.map((channel) => deviceTopic(this.deviceId, channel)), { qos: 1 });
    try {
      await this.publish('state', this.hooks.birth(), { retain: true });
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'birth not published');
    }
    this.hooks.onOnline();
  }

  private onClose(): void {
    const wasOnline = this.online;
    this.online = false;
    if (wasOnline) {
      this.logger.warn('uplink lost');
      this.hooks.onOffline();
    }
    if (this.closing || this.reconnectTimer) return;
    const delay = backoffDelayMs(this.config.reconnect, this.attempt);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      // `reconnect()` without stores starts empty ones, orphaning every QoS 1 publish still in
      // flight (its callback never fires: the lost-event bug of issue #9); keeping them makes
      // mqtt.js send those publishes again on the new connection.
      if (!this.closing) this.client.reconnect({ incomingStore: this.client.incomingStore, outgoingStore: this.client.outgoingStore });
    }, delay);
  }

  private onMessage(topic: string, payload: Buffer): void {
    let channel: DeviceChannel;
    try {
      const parsed = parseDeviceTopic(topic);
      if (parsed.deviceId !== this.deviceId) return;
      channel = parsed.channel;
    } catch {
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(payload.toString('utf8'));
    } catch {
      message = undefined;
    }
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(message, payload);
      } catch (error) {
        this.logger.error({ err: (error as Error).message, channel }, 'uplink handler failed');
      }
    }
  }
}
