import { FleetcastError } from './errors/fleetcast-error.js';

/**
 * MQTT identities fleetcast's own processes use (issue #9 finding 3: a device enrolled as
 * `fleetcast-controller` overwrote the controller's Mosquitto password line and became
 * superuser). None of them may be enrolled as a device or used by a POS client.
 */
export const RESERVED_IDENTITIES = {
  /** The controller's client id and username on every cloud-link broker (and its AWS IoT thing). */
  controller: 'fleetcast-controller',
  /** The id the controller's embedded aedes publishes under. */
  broker: 'fleetcast-broker',
  /** The id the agent's embedded POS aedes publishes under. */
  agent: 'fleetcast-agent',
  /** The agent's own client on a Mosquitto POS broker (subscribes to requests, sends replies). */
  posAgentClient: 'fleetcast-pos-agent',
} as const;

const reserved = new Set<string>(Object.values(RESERVED_IDENTITIES).map((id) => id.toLowerCase()));

/** True for a reserved identity, compared case-insensitively so look-alike spellings are refused too. */
export function isReservedIdentity(id: string, extra: readonly string[] = []): boolean {
  const lower = id.toLowerCase();
  return reserved.has(lower) || extra.some((other) => other.toLowerCase() === lower);
}

/** Throws FC_ERR_IDENTITY_RESERVED when `id` is reserved (or one of `extra`, e.g. a configured controller name). */
export function assertNotReserved(id: string, what: string, extra: readonly string[] = []): string {
  if (isReservedIdentity(id, extra)) throw new FleetcastError('FC_ERR_IDENTITY_RESERVED', `${what} ${JSON.stringify(id)} is reserved`, { what, id });
  return id;
}
