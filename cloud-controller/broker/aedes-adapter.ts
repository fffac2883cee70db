import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { createLogger } from '../../protocols/runtime/logger.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { RESERVED_IDENTITIES } from '../../protocols/reserved-ids.js';
import { DEFAULT_BROKER_LIMITS, type BrokerLimits } from '../../protocols/mqtt/broker-limits.js';
import { guardSocket, type GuardedStream } from '../../protocols/mqtt/guarded-socket.js';
import { LoginThrottle } from '../../protocols/mqtt/login-throttle.js';
import type { EnrolEvent } from '../fleet/fleet.js';
import { assertDeviceIdentity, type BrokerAdapter, type DeviceCredentialVerifier, type DeviceEndpoint, type MqttConnectionOptions } from './adapter.js';
import type { ControllerIdentity } from './controller-identity.js';
import { controllerMayAccess, deviceMayPublish, deviceMaySubscribe } from './device-acl.js';
import { ensureBrokerTls, type BrokerTlsMaterial } from './tls-material.js';

const log = createLogger('broker-aedes');

/** Settings of the embedded broker. */
export interface AedesAdapterOptions {
  /** Directory for broker material (TLS CA and server certificate). */
  brokerDir: string;
  /** Interface to listen on; loopback by default so nothing is exposed unless configured. */
  host?: string;
  /** Plain MQTT port; 0 picks a free port (tests). Omit to serve TLS only. */
  port?: number;
  /** MQTT over TLS; the certificate is generated under `<brokerDir>/tls` on first start. */
  tls?: { port: number; hostnames?: string[] };
  /** Checks device username/password (the fleet, scrypt-hashed secrets). */
  verifier: DeviceCredentialVerifier;
  controllerIdentity: ControllerIdentity;
  /** Packet size, connection cap, CONNECT deadline and login throttling (issue #9); defaults when omitted. */
  limits?: BrokerLimits;
}

/** Who an authenticated connection is. Unknown connections never get this far (deny by default). */
type Principal = { role: 'controller' } | { role: 'device'; deviceId: string };

/** MQTT 3.1.1 CONNACK return codes (§3.2.2.3); aedes declares them as a const enum. */
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function refusal(returnCode: number, reason: string): AuthenticateError {
  return Object.assign(new Error(reason), { returnCode }) as AuthenticateError;
}

function sameSecret(given: Buffer, expected: string): boolean {
  const expectedBytes = Buffer.from(expected, 'utf8');
  return given.length === expectedBytes.length && timingSafeEqual(given, expectedBytes);
}

/**
 * The default broker: aedes embedded in the controller (DESIGN "Scale path"). Devices log in
 * with `username = clientId = deviceId` and their secret; the controller with its own identity.
 * The hooks deny everything not explicitly allowed: a device publishes only its state/evt/up/
 * blob/req and subscribes only to its cmd/ack/blob/res. Requiring clientId = deviceId stops one
 * device from kicking another off by reusing its client id (MQTT 3.1.1 §3.1.4 takeover).
 * Every socket goes through the broker guard (protocols/mqtt/guarded-socket.ts: packet size
 * before buffering, CONNECT deadline, no Nagle) and failed logins are throttled per address;
 * scrypt runs on the thread pool (issue #9). Heavy CPU work must stay off this thread.
 */
export class AedesBrokerAdapter implements BrokerAdapter {
  readonly kind = 'aedes' as const;
  private broker: Aedes | undefined;
  private readonly servers: Server[] = [];
  private readonly principals = new WeakMap<Client, Principal>();
  private readonly liveDevices = new Map<string, Client>();
  private tlsMaterial: BrokerTlsMaterial | undefined;
  private plainPort: number | undefined;
  private tlsPort: number | undefined;
  private readonly limits: BrokerLimits;
  private readonly throttle: LoginThrottle;

  constructor(private readonly options: AedesAdapterOptions) {
    if (options.port === undefined && options.tls === undefined) {
      throw new FleetcastError('FC_ERR_BROKER_CONFIG', 'aedes needs a port, a tls port, or both');
    }
    this.limits = options.limits ?? DEFAULT_BROKER_LIMITS;
    this.throttle = new LoginThrottle(this.limits.maxFailedLogins, this.limits.failedLoginWindowMs);
  }

  async start(): Promise<void> {
    if (this.broker) return;
    const broker = await Aedes.createBroker({
      id: RESERVED_IDENTITIES.broker,
      authenticate: (client, username, password, done) => void this.authenticate(client, username, password).then((error) => done(error, error === null), (error: Error) => {
        log.error({ err: error }, 'device verification failed');
        done(refusal(SERVER_UNAVAILABLE, 'verification failed'), false);
      }),
      authorizePublish: (client, packet, callback) => {
        const principal = client ? this.principals.get(client) : undefined;
        // client === null is the broker itself ($SYS); every client publish needs a principal.
        if (client === null || (principal && this.mayPublish(principal, packet.topic))) return callback(null);
        log.warn({ clientId: client.id, topic: packet.topic }, 'publish denied');
        callback(new FleetcastError('FC_ERR_NOT_AUTHORIZED', `publish ${packet.topic}`));
      },
      authorizeSubscribe: (client, subscription, callback) => {
        const principal = this.principals.get(client);
        if (principal && this.maySubscribe(principal, subscription.topic)) return callback(null, subscription);
        log.warn({ clientId: client.id, topic: subscription.topic }, 'subscribe denied');
        // A null subscription makes aedes answer SUBACK 0x80 without dropping the connection.
        callback(null, null);
      },
    });
    broker.on('client', (client) => {
      const principal = this.principals.get(client);
      if (principal?.role === 'device') this.liveDevices.set(principal.deviceId, client);
    });
    broker.on('clientDisconnect', (client) => {
      const principal = this.principals.get(client);
      if (principal?.role === 'device' && this.liveDevices.get(principal.deviceId) === client) this.liveDevices.delete(principal.deviceId);
    });
    this.broker = broker;
    const host = this.options.host ?? '127.0.0.1';
    const accept = (socket: Socket): void => void broker.handle(guardSocket(socket, this.limits, log));
    try {
      if (this.options.port !== undefined) {
        this.plainPort = await this.listen(createTcpServer(accept), host, this.options.port);
      }
      if (this.options.tls) {
        this.tlsMaterial = ensureBrokerTls(join(this.options.brokerDir, 'tls'), this.options.tls.hostnames);
        const server = createTlsServer({ key: this.tlsMaterial.keyPem, cert: this.tlsMaterial.certPem }, accept);
        this.tlsPort = await this.listen(server, host, this.options.tls.port);
      }
    } catch (error) {
      await this.stop();
      throw new FleetcastError('FC_ERR_BROKER_START', (error as Error).message, { host }, { cause: error });
    }
    log.info({ host, port: this.plainPort, tlsPort: this.tlsPort }, 'embedded broker listening');
  }

  async stop(): Promise<void> {
    const broker = this.broker;
    this.broker = undefined;
    // Close the broker first: it ends client connections, which server.close() would wait for.
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    await Promise.all(this.servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    this.liveDevices.clear();
  }

  controllerConnection(): MqttConnectionOptions {
    const { username, password } = this.options.controllerIdentity;
    return { ...this.connectionBase(), clientId: username, username, password };
  }

  deviceEndpoint(): DeviceEndpoint {
    const base = this.connectionBase();
    return base.ca ? { url: base.url, caPem: base.ca } : { url: base.url };
  }

  /** Nothing to write: the broker asks the fleet's verifier on each connect. */
  async provisionDevice(event: EnrolEvent): Promise<void> {
    assertDeviceIdentity(event.device.id, this.options.controllerIdentity.username);
    log.info({ deviceId: event.device.id }, 'device may connect');
  }

  /** Revocation takes effect at the next connect; a live session is closed right away. */
  async deprovisionDevice(deviceId: string): Promise<void> {
    assertDeviceIdentity(deviceId, this.options.controllerIdentity.username);
    const client = this.liveDevices.get(deviceId);
    if (client) {
      log.info({ deviceId }, 'closing session of revoked device');
      client.close();
    }
  }

  /** Ports actually bound (useful when configured with port 0). */
  boundPorts(): { port?: number; tlsPort?: number } {
    return { port: this.plainPort, tlsPort: this.tlsPort };
  }

  private connectionBase(): { url: string; ca?: string } {
    const host = this.options.host === '0.0.0.0' || this.options.host === undefined ? '127.0.0.1' : this.options.host;
    if (this.tlsPort !== undefined && this.tlsMaterial) {
      // The certificate names `localhost` and the configured hostnames, not necessarily the bind address.
      const tlsHost = this.options.tls?.hostnames?.[0] ?? 'localhost';
      return { url: `mqtts://${tlsHost}:${this.tlsPort}`, ca: this.tlsMaterial.caPem };
    }
    if (this.plainPort !== undefined) return { url: `mqtt://${host}:${this.plainPort}` };
    throw new FleetcastError('FC_ERR_BROKER_START', 'embedded broker is not started');
  }

  private listen(server: Server, host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.maxConnections = this.limits.maxConnections;
      server.listen(port, host, () => {
        server.off('error', reject);
        this.servers.push(server);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  /** Resolves null when the client may connect, else the CONNACK refusal. */
  private async authenticate(client: Client, username: Readonly<string | undefined>, password: Readonly<Buffer | undefined>): Promise<AuthenticateError | null> {
    if (!username || !password) return refusal(NOT_AUTHORIZED, 'anonymous connections are refused');
    const address = (client.conn as GuardedStream).remoteAddress;
    if (this.throttle.blocked(address)) {
      log.warn({ address }, 'login refused: too many failed logins from this address');
      return refusal(NOT_AUTHORIZED, 'too many failed logins');
    }
    const refused = await this.check(client, username, password);
    if (refused) this.throttle.failed(address);
    else this.throttle.succeeded(address);
    return refused;
  }

  private async check(client: Client, username: string, password: Buffer): Promise<AuthenticateError | null> {
    const identity = this.options.controllerIdentity;
    if (username === identity.username) {
      if (!sameSecret(password, identity.password)) return refusal(BAD_USERNAME_OR_PASSWORD, 'bad controller password');
      this.principals.set(client, { role: 'controller' });
      return null;
    }
    if (!(await this.options.verifier.verifyDeviceCredentialsAsync(username, password.toString('utf8')))) {
      log.warn({ username, clientId: client.id }, 'device refused');
      return refusal(BAD_USERNAME_OR_PASSWORD, 'unknown or revoked device');
    }
    if (client.id !== username) return refusal(NOT_AUTHORIZED, 'clientId must equal the device id');
    this.principals.set(client, { role: 'device', deviceId: username });
    return null;
  }

  private mayPublish(principal: Principal, topic: string): boolean {
    return principal.role === 'controller' ? controllerMayAccess(topic) : deviceMayPublish(principal.deviceId, topic);
  }

  private maySubscribe(principal: Principal, filter: string): boolean {
    return principal.role === 'controller' ? controllerMayAccess(filter) : deviceMaySubscribe(principal.deviceId, filter);
  }
}
