import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { RESERVED_IDENTITIES } from '../../../protocols/reserved-ids.js';
import type { GuardedStream } from '../../../protocols/mqtt/guarded-socket.js';
import type { Logger } from '../../../protocols/runtime/logger.js';
import { posAcl } from '../pos-acl.js';
import { connackCode } from './connack.js';
import type { PosLogins } from './pos-logins.js';
import type { PosBackend, PosMessageHandler, PublishOptions } from './pos-backend.js';

/**
 * The default POS backend (issue #5 "Local POS broker", issue #9): aedes embedded in the agent,
 * MQTT 3.1.1 and 3.1 (aedes 1.x refuses MQTT 5 at CONNECT; MQTT 5 tills use the Mosquitto
 * backend). Needs nothing installed. Replies follow the payload's `replyTo`/`requestId`.
 */
export class AedesPosBackend implements PosBackend {
  private constructor(private readonly aedes: Aedes) {}

  static async start(logins: PosLogins, logger: Logger, onMessage: PosMessageHandler): Promise<AedesPosBackend> {
    const aedes = await Aedes.createBroker({
      id: RESERVED_IDENTITIES.agent,
      authenticate(client: Client, username, password, done) {
        const conn = client.conn as GuardedStream;
        const refusal = logins.admit({ clientId: client.id, username, password, address: conn.remoteAddress, connection: client });
        if (refusal === null) {
          // Released when this very connection ends, whatever aedes reports for a takeover.
          conn.once('close', () => logins.forget(client.id, client));
          return done(null, true);
        }
        logger.warn({ clientId: client.id, refusal }, 'POS connection refused');
        done(Object.assign(new Error(refusal), { returnCode: connackCode(refusal, 4) }) as AuthenticateError, false);
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
      if (!client) return;
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      onMessage({ topic: packet.topic, payload, clientId: client.id, username: logins.username(client.id) ?? '' });
    });
    aedes.on('clientError', (client, error) => logger.debug({ clientId: client.id, err: error.message }, 'POS client error'));
    return new AedesPosBackend(aedes);
  }

  accept(stream: GuardedStream): void {
    this.aedes.handle(stream);
  }

  publish(topic: string, payload: string, options: PublishOptions = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      this.aedes.publish({ cmd: 'publish', topic, payload, qos: options.qos ?? 0, retain: options.retain ?? false, dup: false }, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.aedes.close(() => resolve()));
  }
}
