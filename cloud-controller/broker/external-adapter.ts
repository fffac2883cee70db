import { existsSync, readFileSync } from 'node:fs';
import { createLogger } from '../../protocols/runtime/logger.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { EnrolEvent } from '../fleet/fleet.js';
import { assertDeviceIdentity, type BrokerAdapter, type DeviceEndpoint, type MqttConnectionOptions } from './adapter.js';
import type { ControllerIdentity } from './controller-identity.js';
import { removePasswordEntry, upsertPasswordEntry } from './mosquitto/password-file.js';

const log = createLogger('broker-external');

/** Settings for an MQTT broker the controller does not run (Mosquitto, EMQX, HiveMQ…). */
export interface ExternalMqttAdapterOptions {
  /** URL the controller connects to. */
  url: string;
  /** URL devices connect to, when it differs (e.g. a public hostname); defaults to `url`. */
  deviceUrl?: string;
  /** CA file of the broker's TLS certificate (omit for public CAs). */
  caFile?: string;
  controllerIdentity: ControllerIdentity;
  /**
   * Mosquitto files written by `fleetcast broker mosquitto-config`: enrolment adds the device
   * to `passwordFile`, revocation removes it, and SIGHUP to the pid in `pidFile` reloads them
   * (mosquitto.conf(5): "password_file … reloaded on SIGHUP"). Omit for brokers that manage
   * their own users.
   */
  mosquitto?: { passwordFile: string; pidFile: string };
}

/**
 * An external broker (DESIGN "Scale path": EMQX, HiveMQ, VerneMQ by configuration alone).
 * Confinement is the broker's ACL; for Mosquitto that is the generated `pattern` file.
 */
export class ExternalMqttAdapter implements BrokerAdapter {
  readonly kind = 'mqtt' as const;

  constructor(private readonly options: ExternalMqttAdapterOptions) {
    if (!/^mqtts?:\/\//.test(options.url)) throw new FleetcastError('FC_ERR_BROKER_CONFIG', `broker url must be mqtt:// or mqtts://: ${options.url}`);
  }

  /** Makes sure the controller user exists in a managed Mosquitto password file. */
  async start(): Promise<void> {
    const mosquitto = this.options.mosquitto;
    if (!mosquitto) return;
    upsertPasswordEntry(mosquitto.passwordFile, this.options.controllerIdentity.username, this.options.controllerIdentity.password);
    this.reload();
  }

  /** The broker is not ours to stop. */
  async stop(): Promise<void> {}

  controllerConnection(): MqttConnectionOptions {
    const { username, password } = this.options.controllerIdentity;
    const ca = this.caPem();
    return { url: this.options.url, clientId: username, username, password, ...(ca ? { ca } : {}) };
  }

  deviceEndpoint(): DeviceEndpoint {
    const ca = this.caPem();
    return { url: this.options.deviceUrl ?? this.options.url, ...(ca ? { caPem: ca } : {}) };
  }

  async provisionDevice(event: EnrolEvent): Promise<void> {
    assertDeviceIdentity(event.device.id, this.options.controllerIdentity.username);
    const mosquitto = this.options.mosquitto;
    if (!mosquitto) {
      log.warn({ deviceId: event.device.id }, 'external broker manages its own users; add this device there');
      return;
    }
    try {
      upsertPasswordEntry(mosquitto.passwordFile, event.device.id, event.secret);
    } catch (error) {
      throw new FleetcastError('FC_ERR_BROKER_PROVISIONING', (error as Error).message, { deviceId: event.device.id }, { cause: error });
    }
    this.reload();
  }

  async deprovisionDevice(deviceId: string): Promise<void> {
    assertDeviceIdentity(deviceId, this.options.controllerIdentity.username);
    const mosquitto = this.options.mosquitto;
    if (!mosquitto) {
      log.warn({ deviceId }, 'external broker manages its own users; remove this device there');
      return;
    }
    if (removePasswordEntry(mosquitto.passwordFile, deviceId)) this.reload();
  }

  private caPem(): string | undefined {
    return this.options.caFile ? readFileSync(this.options.caFile, 'utf8') : undefined;
  }

  /** SIGHUP makes Mosquitto re-read its password and ACL files; a broker not running yet reads them on start. */
  private reload(): void {
    const pidFile = this.options.mosquitto?.pidFile;
    if (!pidFile || !existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return;
    try {
      process.kill(pid, 'SIGHUP');
    } catch (error) {
      log.warn({ err: error, pid }, 'could not signal mosquitto to reload');
    }
  }
}
