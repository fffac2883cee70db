import { randomBytes } from 'node:crypto';
import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { RESERVED_IDENTITIES } from '../../../protocols/reserved-ids.js';
import type { BrokerLimits } from '../../../protocols/mqtt/broker-limits.js';
import type { GuardedStream } from '../../../protocols/mqtt/guarded-socket.js';
import type { Logger } from '../../../protocols/runtime/logger.js';
import { parseInboundTopic, writePosMosquittoFiles } from './mosquitto-files.js';
import { pipeToMosquitto } from './mosquitto-pipe.js';
import { MosquittoSupervisor } from './mosquitto-supervisor.js';
import type { PosLogins } from './pos-logins.js';
import type { PosBackend, PosMessageHandler, PublishOptions, ReplyRoute } from './pos-backend.js';

/** What the Mosquitto backend needs to start. */
export interface MosquittoBackendOptions {
  /** The agent's data directory; files go to `<dataDir>/pos-mosquitto/`. */
  dataDir: string;
  /** Path of the `mosquitto` 2.x binary. */
  binary: string;
  users: ReadonlyArray<{ username: string; password: string }>;
  limits: BrokerLimits;
  logins: PosLogins;
  logger: Logger;
  onMessage: PosMessageHandler;
}

/**
 * The POS backend for MQTT 5 tills (issue #9 "MQTT 5 through Mosquitto"): a Mosquitto 2 the
 * agent configures (generated listener, `$7$` password file, `pattern` ACL, `max_packet_size`)
 * and supervises (restarted if it dies). The agent itself is a reserved client of it: it
 * subscribes to the inbound request topics and answers on the response topic with the
 * request's correlation data, or on the payload's `replyTo` for 3.1.1 tills.
 */
export class MosquittoPosBackend implements PosBackend {
  /** Last retained publish per topic, re-sent after a Mosquitto restart (it keeps no persistence). */
  private readonly retained = new Map<string, string>();
  /** True while the agent's own client is subscribed; POS connections are accepted only then. */
  private ready = false;

  private constructor(
    private readonly supervisor: MosquittoSupervisor,
    private readonly client: MqttClient,
    private readonly socketPath: string,
    private readonly options: MosquittoBackendOptions,
  ) {}

  static async start(options: MosquittoBackendOptions): Promise<MosquittoPosBackend> {
    const agentClient = { username: RESERVED_IDENTITIES.posAgentClient, password: randomBytes(24).toString('base64url') };
    const files = writePosMosquittoFiles({ dataDir: options.dataDir, users: options.users, agentClient, maxPacketBytes: options.limits.maxPacketBytes, maxConnections: options.limits.maxConnections });
    const supervisor = new MosquittoSupervisor(options.binary, files.config, files.pidFile, options.logger);
    supervisor.reapOrphan();
    await supervisor.start();
    const client = mqtt.connect({
      protocol: 'mqtt', unixSocket: true, path: files.socket, protocolVersion: 5,
      clientId: agentClient.username, username: agentClient.username, password: agentClient.password,
      clean: true, reconnectPeriod: 200, connectTimeout: 5_000,
    });
    const backend = new MosquittoPosBackend(supervisor, client, files.socket, options);
    await backend.listen();
    return backend;
  }

  /** Test hook: the Mosquitto process id. */
  brokerPid(): number | undefined {
    return this.supervisor.pid();
  }

  accept(stream: GuardedStream): void {
    // While Mosquitto restarts and the agent resubscribes, a till's request would reach nobody:
    // refuse the connection so the till retries instead of waiting for a reply that cannot come.
    if (!this.ready) {
      stream.destroy();
      return;
    }
    pipeToMosquitto(stream, { socketPath: this.socketPath, logins: this.options.logins, logger: this.options.logger });
  }

  async publish(topic: string, payload: string, options: PublishOptions = {}): Promise<void> {
    if (options.retain) this.retained.set(topic, payload);
    await this.client.publishAsync(topic, payload, { qos: options.qos ?? 0, retain: options.retain ?? false });
  }

  async close(): Promise<void> {
    await this.supervisor.stop();
    await this.client.endAsync(true);
  }

  /** Subscribes on every (re)connect and resolves after the first SUBACK. */
  private listen(): Promise<void> {
    const { client, options } = this;
    client.on('message', (topic, payload, packet) => this.deliver(topic, payload, packet));
    client.on('error', (error) => options.logger.warn({ err: error.message }, 'POS Mosquitto client error'));
    client.on('close', () => (this.ready = false));
    return new Promise((resolve, reject) => {
      let first = true;
      client.on('connect', () => {
        client.subscribeAsync('pos/v1/in/#', { qos: 0 }).then(async () => {
          for (const [topic, payload] of first ? [] : this.retained) await this.publish(topic, payload, { qos: 1, retain: true });
          this.ready = true;
          if (first) resolve();
          first = false;
        }).catch((error: Error) => {
          if (first) reject(error);
          else options.logger.warn({ err: error.message }, 'POS Mosquitto client not resubscribed');
        });
      });
    });
  }

  private deliver(topic: string, payload: Buffer, packet: IPublishPacket): void {
    const inbound = parseInboundTopic(topic);
    if (!inbound) return;
    const username = this.options.logins.username(inbound.clientId);
    // The till left before its request was read: nobody to answer, and no login to account it to.
    if (username === undefined) return;
    const { responseTopic, correlationData } = packet.properties ?? {};
    const route: ReplyRoute | undefined = responseTopic !== undefined || correlationData !== undefined
      ? { responseTopic, reply: (replyTopic, message) => this.reply(replyTopic, message, correlationData) }
      : undefined;
    this.options.onMessage({ topic: inbound.topic, payload, clientId: inbound.clientId, username, ...(route ? { route } : {}) });
  }

  private reply(topic: string, message: unknown, correlationData: Buffer | undefined): void {
    this.client.publish(topic, JSON.stringify(message), { qos: 0, properties: { contentType: 'application/json', payloadFormatIndicator: true, ...(correlationData ? { correlationData } : {}) } });
  }
}
