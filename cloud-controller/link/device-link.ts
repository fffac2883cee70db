import mqtt, { type MqttClient } from 'mqtt';
import { createLogger } from '../../protocols/runtime/logger.js';
import { FleetcastError, toFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { allDevicesFilter, deviceTopic, type DeviceChannel } from '../../protocols/topics.js';
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
}

/**
 * The controller's MQTT session with the fleet (issue #6 part B). It reconnects on its own and
 * resubscribes; messages are handled one at a time per arrival, each failure is logged with its
 * code and never stops the link.
 */
export class DeviceLink {
  private client: MqttClient | undefined;
  private context: LinkContext | undefined;
  readonly deployments: Deployments;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly options: DeviceLinkOptions) {
    this.deployments = options.deployments(this.publish);
  }

  /** Connects, subscribes and starts handling messages. */
  async start(): Promise<void> {
    const { connection } = this.options;
    const client = await mqtt.connectAsync(connection.url, {
      clientId: connection.clientId,
      username: connection.username,
      password: connection.password,
      ca: connection.ca,
      cert: connection.cert,
      key: connection.key,
      clean: true,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
    });
    this.client = client;
    this.context = {
      fleet: this.options.fleet,
      deployments: this.deployments,
      telemetry: this.options.telemetry,
      blobs: this.options.blobs,
      publish: this.publish,
      sender: this.options.sender,
      log,
    };
    client.on('message', (topic, payload) => this.track(this.handle(topic, payload)));
    client.on('error', (error) => log.warn({ err: error }, 'broker connection error'));
    // mqtt.js re-subscribes after a reconnect (resubscribe defaults to true).
    await client.subscribeAsync(INBOUND_CHANNELS.map(allDevicesFilter), { qos: 1 });
    log.info({ url: connection.url }, 'device link up');
  }

  /** Waits for in-flight handlers, then disconnects. */
  async stop(): Promise<void> {
    await Promise.all([...this.inflight]);
    await this.client?.endAsync();
    this.client = undefined;
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
