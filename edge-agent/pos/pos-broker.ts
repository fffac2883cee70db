import { createServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client } from 'aedes';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { assertValidId } from '../../protocols/ids.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { AgentConfig } from '../config/schema.js';
import { posAcl } from './pos-acl.js';
import { PosCredentials } from './pos-auth.js';
import { Mqtt5Front } from './mqtt5/mqtt5-front.js';
import { routeByProtocolLevel } from './mqtt5/protocol-sniffer.js';
import type { ReplyRoute } from './mqtt5/reply-route.js';

/**
 * A POS publish the agent must answer, with the client that sent it; `route` is set for MQTT 5
 * clients (response topic + correlation data, issue #5).
 */
export type PosMessageHandler = (packet: AedesPublishPacket, clientId: string, route?: ReplyRoute) => void;

/** A connected POS client of either protocol side (aedes client or MQTT 5 session). */
export interface PosConnection {
  readonly id: string;
}

/** Which POS username each connected client authenticated with (for reply-topic checks). */
export class PosLogins {
  private readonly byClient = new Map<string, { client: PosConnection; username: string }>();

  set(client: PosConnection, username: string): void {
    this.byClient.set(client.id, { client, username });
  }

  /** Forgets a disconnected client, unless a newer connection already took over its id. */
  forget(client: PosConnection): void {
    if (this.byClient.get(client.id)?.client === client) this.byClient.delete(client.id);
  }

  /** The username `clientId` is connected under (the scoring queue's fair-share key, issue #9). */
  usernameOf(clientId: string): string | undefined {
    return this.byClient.get(clientId)?.username;
  }

  /** True when both clients are connected under the same username. */
  same(clientId: string, otherClientId: string): boolean {
    const username = this.byClient.get(clientId)?.username;
    return username !== undefined && username === this.byClient.get(otherClientId)?.username;
  }
}

/** Time a new POS connection gets to send its CONNECT (aedes' own default is 30 s). */
const CONNECT_TIMEOUT_MS = 30_000;
/** Room for topic and MQTT 5 properties on top of the payload limit in the packet-size limit. */
const PACKET_OVERHEAD_BYTES = 8 * 1024;

/** aedes' CONNACK return codes (MQTT 3.1.1 §3.2.2.3). */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/**
 * The store-LAN broker (issue #5 "Local POS broker"): aedes embedded on a configurable port,
 * plain TCP or TLS, with POS logins and ACL hooks. aedes 1.x speaks MQTT 3.1.1 (and 3.1) only,
 * so each new connection's CONNECT is sniffed: 3.1.1 goes to aedes (replies by the payload's
 * `replyTo`/`requestId`), MQTT 5 to the agent's own front (mqtt5/, replies by response topic +
 * correlation data), both on one message bus.
 */
export class PosBroker {
  readonly aedes: Aedes;
  readonly logins: PosLogins;
  private readonly server: Server;
  private readonly mqtt5: Mqtt5Front;
  private readonly config: AgentConfig['pos'];
  private readonly logger: Logger;

  private constructor(aedes: Aedes, logins: PosLogins, server: Server, mqtt5: Mqtt5Front, config: AgentConfig['pos'], logger: Logger) {
    this.aedes = aedes;
    this.logins = logins;
    this.server = server;
    this.mqtt5 = mqtt5;
    this.config = config;
    this.logger = logger;
  }

  /** Starts the broker and listens; `onMessage` receives every authorised POS publish. */
  static async start(config: AgentConfig['pos'], logger: Logger, onMessage: PosMessageHandler): Promise<PosBroker> {
    const credentials = new PosCredentials(config.users);
    const logins = new PosLogins();
    const aedes = await Aedes.createBroker({
      id: 'fleetcast-agent',
      authenticate(client: Client, username, password, done) {
        try {
          assertValidId(client.id, 'clientId');
        } catch {
          done(authError('client id must be a valid topic level', IDENTIFIER_REJECTED), false);
          return;
        }
        if (credentials.verify(username, password)) {
          logins.set(client, username!);
          done(null, true);
        } else done(authError('bad username or password', BAD_USERNAME_OR_PASSWORD), false);
      },
      authorizePublish(client, packet, callback) {
        // client === null: the agent's own publishes (replies, status).
        if (client === null || posAcl.mayPublish(packet.topic)) callback(null);
        else callback(new FleetcastError('FC_ERR_NOT_AUTHORIZED', `publish ${packet.topic}`));
      },
      authorizeSubscribe(client, subscription, callback) {
        if (posAcl.maySubscribe(client.id, subscription.topic)) callback(null, subscription);
        else {
          logger.warn({ clientId: client.id, topic: subscription.topic }, 'POS subscription refused');
          // null grants QoS 128 (failure) in the SUBACK instead of dropping the connection.
          callback(null, null);
        }
      },
    });
    aedes.on('publish', (packet, client) => {
      if (client) onMessage(packet, client.id);
    });
    aedes.on('clientDisconnect', (client) => logins.forget(client));
    aedes.on('clientError', (client, error) => logger.debug({ clientId: client.id, err: error.message }, 'POS client error'));
    const mqtt5 = new Mqtt5Front({ aedes, credentials, logins, onMessage, logger, maxPacketBytes: config.maxPayloadBytes + PACKET_OVERHEAD_BYTES, connectTimeoutMs: CONNECT_TIMEOUT_MS });
    const accept = (socket: Duplex): void => routeByProtocolLevel(socket, { legacy: (stream) => aedes.handle(stream), v5: (stream) => mqtt5.accept(stream) }, CONNECT_TIMEOUT_MS);
    const server = config.tls
      ? createTlsServer({ cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }, accept)
      : createServer(accept);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(new FleetcastError('FC_ERR_AGENT_LISTEN_FAILED', `${config.host}:${config.port}: ${error.message}`, { host: config.host, port: config.port }, { cause: error })));
      server.listen(config.port, config.host, () => resolve());
    });
    const broker = new PosBroker(aedes, logins, server, mqtt5, config, logger);
    logger.info({ host: config.host, port: broker.port(), tls: Boolean(config.tls) }, 'POS broker listening');
    return broker;
  }

  /** The port actually bound (differs from the config when it asked for 0). */
  port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : this.config.port;
  }

  /** Publishes from the agent itself (replies, retained status). */
  publish(topic: string, payload: string, options: { qos?: 0 | 1; retain?: boolean } = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      this.aedes.publish({ cmd: 'publish', topic, payload, qos: options.qos ?? 0, retain: options.retain ?? false, dup: false }, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Stops accepting clients, disconnects the rest and closes aedes. */
  async close(): Promise<void> {
    this.mqtt5.close();
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.logger.info('POS broker closed');
  }
}
