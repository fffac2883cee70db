import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { readFileSync } from 'node:fs';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { guardSocket } from '../../protocols/mqtt/guarded-socket.js';
import type { Logger } from '../../protocols/runtime/logger.js';
import type { AgentConfig } from '../config/schema.js';
import { PosCredentials } from './pos-auth.js';
import { PosLogins } from './backends/pos-logins.js';
import { AedesPosBackend } from './backends/aedes-backend.js';
import { MosquittoPosBackend } from './backends/mosquitto-backend.js';
import type { PosBackend, PosMessageHandler, PublishOptions } from './backends/pos-backend.js';

export type { PosInbound, PosMessageHandler, ReplyRoute } from './backends/pos-backend.js';

/** What the POS broker needs besides its config section. */
export interface PosBrokerOptions {
  logger: Logger;
  /** The agent's data directory (the Mosquitto backend writes its files below it). */
  dataDir: string;
  /** Receives every authorised POS publish. */
  onMessage: PosMessageHandler;
}

/**
 * The store-LAN broker (issue #5 "Local POS broker", issue #9): one listener on the configured
 * port, plain TCP or TLS, whose every socket goes through the broker guard (packet size before
 * buffering, CONNECT deadline, no Nagle, connection cap) and then to the configured backend —
 * embedded aedes (MQTT 3.1.1, default) or a supervised Mosquitto (MQTT 3.1.1 and 5). Both
 * admit logins through the same PosLogins (credentials, throttling, one login per client id).
 */
export class PosBroker {
  private constructor(
    readonly logins: PosLogins,
    readonly backend: PosBackend,
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    private readonly config: AgentConfig['pos'],
    private readonly logger: Logger,
  ) {}

  /** Starts the backend, then listens. */
  static async start(config: AgentConfig['pos'], options: PosBrokerOptions): Promise<PosBroker> {
    const { logger } = options;
    const logins = new PosLogins(new PosCredentials(config.users), config.limits);
    const backend: PosBackend = config.backend === 'mosquitto'
      ? await MosquittoPosBackend.start({ dataDir: options.dataDir, binary: config.mosquittoBinary, users: config.users, limits: config.limits, logins, logger, onMessage: options.onMessage })
      : await AedesPosBackend.start(logins, logger, options.onMessage);
    const sockets = new Set<Socket>();
    const accept = (socket: Socket): void => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      backend.accept(guardSocket(socket, config.limits, logger));
    };
    const server = config.tls
      ? createTlsServer({ cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) }, accept)
      : createServer(accept);
    server.maxConnections = config.limits.maxConnections;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error) => reject(new FleetcastError('FC_ERR_AGENT_LISTEN_FAILED', `${config.host}:${config.port}: ${error.message}`, { host: config.host, port: config.port }, { cause: error })));
        server.listen(config.port, config.host, () => resolve());
      });
    } catch (error) {
      await backend.close();
      throw error;
    }
    const broker = new PosBroker(logins, backend, server, sockets, config, logger);
    logger.info({ host: config.host, port: broker.port(), tls: Boolean(config.tls), backend: config.backend }, 'POS broker listening');
    return broker;
  }

  /** The port actually bound (differs from the config when it asked for 0). */
  port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : this.config.port;
  }

  /** Publishes from the agent itself (replies, retained status). */
  publish(topic: string, payload: string, options: PublishOptions = {}): Promise<void> {
    return this.backend.publish(topic, payload, options);
  }

  /** Sends a JSON reply at QoS 0; a failure is logged, never thrown (the request path must not throw). */
  reply(topic: string, message: unknown): void {
    this.publish(topic, JSON.stringify(message)).catch((error: Error) => this.logger.debug({ err: error.message, topic }, 'POS reply not sent'));
  }

  /** Stops accepting clients, disconnects the rest and stops the backend. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.backend.close();
    // Sockets still before their CONNECT belong to no backend client; do not wait for their deadline.
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.logger.info('POS broker closed');
  }
}
