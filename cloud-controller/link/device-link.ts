import mqtt, { type MqttClient } from 'mqtt';
import { createLogger } from '../../protocols/runtime/logger.js';
import { FleetcastError, toFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { allDevicesFilter, deviceTopic, type DeviceChannel } from '../../protocols/topics.js';
import { backoffDelayMs, type BackoffPolicy } from '../../protocols/runtime/backoff.js';
import type { Sender } from '../../protocols/envelope.js';
import type { MqttConnectionOptions } from '../broker/adapter.js';
import type { Deployments } from '../deployments/desired-state.js';
import type { TelemetryIngest } from '../telemetry/ingest.js';
import type { BlobServer } from '../distribution/blob-server.js';
import type { DevicePublisher, LinkContext, LinkFleet, OutboundMessages } from './context.js';
import { dispatchInbound } from './dispatch.js';

const log = createLogger('device-link');

/** Channels the controller listens to on every device (issue #6: state/evt/up/blob-req). */
export const INBOUND_CHANNELS: DeviceChannel[] = ['state', 'evt', 'up', 'blob/req'];

/** The parts the link wires together. */
export interface DeviceLinkOptions {
  connection: MqttConnectionOptions;
  fleet: LinkFleet;
  telemetry: TelemetryIngest;
  blobs: BlobServer;
  /** Receives the link's publisher once (deployments send commands through it). */
  deployments: (publish: DevicePublisher) => Deployments;
  sender: Sender;
  /** Called with every coded error of an inbound message (tests and metrics observe them). */
  onInboundError?: (error: FleetcastError, topic: string) => void;
  /** Delay between reconnect attempts after any failure (default 0.5 s doubling to 30 s, ±20 %). */
  reconnect?: BackoffPolicy;
  /** Observes the session: every (re)connect and subscribe, every refused login (tests, metrics). */
  onConnectionEvent?: (event: LinkConnectionEvent) => void;
}

/** What `onConnectionEvent` reports; `refused` carries the CONNACK return code (4: bad credentials, 5: not authorized). */
export type LinkConnectionEvent = { type: 'connected' } | { type: 'refused'; reasonCode: number };

const DEFAULT_RECONNECT: BackoffPolicy = { minMs: 500, maxMs: 30_000, jitter: 0.2 };

/**
 * The controller's MQTT session with the fleet (issue #6 part B). Reconnects are scheduled
 * here, with capped exponential backoff and jitter, after ANY failure: a lost connection, a
 * timeout, and also a refused login, after which mqtt.js would stop retrying on its own
 * (issue #9 finding 6) — so fixing the credential brings the link back without a restart.
 * Every connect subscribes again (clean session). Messages are handled one at a time per
 * arrival, each failure is logged with its code and never stops the link.
 */
export class DeviceLink {
  private client: MqttClient | undefined;
  private context: LinkContext | undefined;
  readonly deployments: Deployments;
  private readonly inflight = new Set<Promise<void>>();
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(private readonly options: DeviceLinkOptions) {
    this.deployments = options.deployments(this.publish);
  }

  /** Connects, subscribes and starts handling messages; resolves at the first successful connect. */
  async start(): Promise<void> {
    const { connection } = this.options;
    this.context = {
      fleet: this.options.fleet,
      deployments: this.deployments,
      telemetry: this.options.telemetry,
      blobs: this.options.blobs,
      publish: this.publish,
      sender: this.options.sender,
      log,
    };
    const client = mqtt.connect(connection.url, {
      clientId: connection.clientId,
      username: connection.username,
      password: connection.password,
      ca: connection.ca,
      cert: connection.cert,
      key: connection.key,
      clean: true,
      // Reconnects are ours (see the class comment); subscriptions are renewed on every connect.
      reconnectPeriod: 0,
      resubscribe: false,
      connectTimeout: 10_000,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.track(this.handle(topic, payload)));
    client.on('error', (error) => {
      const reasonCode = (error as { code?: unknown }).code;
      log.warn({ err: error.message, reasonCode }, 'broker connection error; reconnecting with backoff');
      if (typeof reasonCode === 'number') this.options.onConnectionEvent?.({ type: 'refused', reasonCode });
    });
    client.on('close', () => this.scheduleReconnect());
    const connected = new Promise<void>((resolve) => client.on('connect', () => void this.onConnect(client).then(resolve)));
    await connected;
    log.info({ url: connection.url }, 'device link up');
  }

  /** Waits for in-flight handlers, then disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    await Promise.all([...this.inflight]);
    await this.client?.endAsync();
    this.client = undefined;
  }

  /** True while the link holds a broker session. */
  isConnected(): boolean {
    return this.client?.connected ?? false;
  }

  private async onConnect(client: MqttClient): Promise<void> {
    try {
      await client.subscribeAsync(INBOUND_CHANNELS.map(allDevicesFilter), { qos: 1 });
    } catch (error) {
      // The connection dropped while subscribing; `close` schedules the next attempt.
      log.warn({ err: (error as Error).message }, 'subscribe failed');
      return;
    }
    if (this.attempt > 0) log.info({ attempts: this.attempt }, 'device link reconnected');
    this.attempt = 0;
    this.options.onConnectionEvent?.({ type: 'connected' });
  }

  private scheduleReconnect(): void {
    if (this.stopping || this.reconnectTimer) return;
    const delay = backoffDelayMs(this.options.reconnect ?? DEFAULT_RECONNECT, this.attempt);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopping) this.client?.reconnect();
    }, delay);
  }

  /** Publishes one message on a device's controller→device channel (QoS 1). */
  readonly publish: DevicePublisher = async <C extends keyof OutboundMessages>(deviceId: string, channel: C, message: OutboundMessages[C]) => {
    const client = this.client;
    if (!client?.connected) throw new FleetcastError('FC_ERR_LINK_NOT_CONNECTED', deviceId);
    await client.publishAsync(deviceTopic(deviceId, channel), JSON.stringify(message), { qos: 1 });
  };

  private async handle(topic: string, payload: Buffer): Promise<void> {
    if (!this.context) return;
    try {
      await dispatchInbound(this.context, topic, payload);
    } catch (error) {
      const coded = toFleetcastError(error);
      log.warn({ code: coded.code, topic, err: coded.message }, 'inbound message rejected');
      this.options.onInboundError?.(coded, topic);
    }
  }

  private track(work: Promise<void>): void {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  }
}
