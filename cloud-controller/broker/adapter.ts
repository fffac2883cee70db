import type { EnrolEvent } from '../fleet/fleet.js';
import { assertNotReserved } from '../../protocols/reserved-ids.js';

/** Which backend carries the cloud link (DESIGN "Scale path": chosen by configuration alone). */
export type BrokerKind = 'aedes' | 'mqtt' | 'aws-iot';

/**
 * How an MQTT client (the controller itself, or a device being told where to connect) reaches
 * the broker. Password auth for aedes/Mosquitto; client certificates for AWS IoT Core.
 */
export interface MqttConnectionOptions {
  /** `mqtt://host:port` or `mqtts://host:port`. */
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  /** PEM of the CA that signed the broker certificate (private CA of the embedded broker). */
  ca?: string;
  /** Client certificate and key in PEM (AWS IoT X.509 authentication). */
  cert?: string;
  key?: string;
}

/** Where devices connect; handed out with a device's enrolment (issue #6). */
export interface DeviceEndpoint {
  url: string;
  /** CA PEM the device must trust, when the broker uses a private CA. */
  caPem?: string;
}

/**
 * The small surface every broker backend offers the controller (issue #6 part B). Device
 * confinement to `fc/v1/d/{itsId}/…` is each backend's job: aedes hooks, Mosquitto ACL
 * `pattern` lines, AWS IoT policy variables. See docs/brokers.md.
 */
export interface BrokerAdapter {
  readonly kind: BrokerKind;
  /** Starts the embedded broker or prepares the external one (controller user, policy, endpoint). */
  start(): Promise<void>;
  /** Stops what `start` started; safe to call twice. */
  stop(): Promise<void>;
  /** The controller's own MQTT identity on this broker (the device link connects with it). */
  controllerConnection(): MqttConnectionOptions;
  /** Where devices connect. */
  deviceEndpoint(): DeviceEndpoint;
  /** Called after a device enrols, while its plaintext secret still exists. */
  provisionDevice(event: EnrolEvent): Promise<void>;
  /** Called after a device is revoked: refuse it from now on and cut a live session if possible. */
  deprovisionDevice(deviceId: string): Promise<void>;
}

/** What adapters need from the fleet to authenticate devices (`Fleet` satisfies it). */
export interface DeviceCredentialVerifier {
  /** Synchronous check (scrypt on the calling thread). */
  verifyDeviceCredentials(deviceId: string, secret: string): boolean;
  /** Resolves true for an enrolled, unrevoked device whose secret matches; hashing runs off the event loop. */
  verifyDeviceCredentialsAsync(deviceId: string, secret: string): Promise<boolean>;
}

/**
 * Every backend calls this before provisioning or de-provisioning: fleetcast's own identities
 * (and this backend's configured controller name) are never device accounts, so enrolling or
 * revoking such a "device" cannot overwrite or delete the controller's login (issue #9 finding 3).
 */
export function assertDeviceIdentity(deviceId: string, controllerName: string): void {
  assertNotReserved(deviceId, 'deviceId', [controllerName]);
}

/** The fleet's enrol/revoke notifications (`Fleet` satisfies it). */
export interface FleetProvisioningEvents {
  onEnrol(listener: (event: EnrolEvent) => void | Promise<void>): () => void;
  onRevoke(listener: (device: { id: string }) => void | Promise<void>): () => void;
}

/**
 * Wires the fleet's enrol/revoke listeners to an adapter so that provisioning follows the
 * inventory without the fleet knowing which broker runs. Returns the unsubscribe function.
 */
export function attachFleetProvisioning(adapter: BrokerAdapter, fleet: FleetProvisioningEvents): () => void {
  const offEnrol = fleet.onEnrol((event) => adapter.provisionDevice(event));
  const offRevoke = fleet.onRevoke((device) => adapter.deprovisionDevice(device.id));
  return () => {
    offEnrol();
    offRevoke();
  };
}
