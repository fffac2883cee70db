import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createLogger } from '../../protocols/runtime/logger.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { assertValidId } from '../../protocols/ids.js';
import { assertNotReserved } from '../../protocols/reserved-ids.js';
import type { StateMessage } from '../../protocols/messages/state.js';
import type { DeploymentEvent } from '../../protocols/messages/evt.js';
import type { ControllerDb } from '../storage/db.js';
import { createFleetTables } from './tables.js';
import { deviceEnrolmentSchema, deviceReportedSchema, type Device, type DeviceEnrolment } from './schema.js';
import { openingHoursSchema, type OpeningHours } from './opening-hours.js';
import { generateDeviceSecret, hashDeviceSecret, UNMATCHABLE_HASH, verifyDeviceSecret, verifyDeviceSecretAsync } from './credentials.js';
import { matchesSelector, parseSelector, type TargetSelector } from './selector.js';
import { issueCode } from '../../protocols/errors/issue-code.js';

const log = createLogger('fleet');

/** Handed to enrol listeners: the only moment the plaintext secret exists outside the operator's hands. */
export interface EnrolEvent {
  device: Device;
  /** Plaintext secret, so that a broker adapter can provision its own credential form (Mosquitto password file, AWS IoT thing). */
  secret: string;
}

/** Result of `enrolDevice`: the device and its secret, to be shown once. */
export interface Enrolled {
  device: Device;
  secret: string;
}

type EnrolListener = (event: EnrolEvent) => void | Promise<void>;
type RevokeListener = (device: Device) => void | Promise<void>;

interface DeviceRow {
  id: string;
  store: string;
  region: string;
  timezone: string;
  tags: string;
  profile: string;
  secret_hash: string;
  enrolled_at: string;
  revoked_at: string | null;
  online: number;
  last_seen_at: string | null;
  last_state_ts: string | null;
  offline_reason: 'lost' | 'shutdown' | null;
  reported: string | null;
  opening_hours: string;
}

const EMPTY_REPORTED = deviceReportedSchema.parse({
  agentVersion: null, hardwareProfile: null, activeModel: null, shadowModel: null, retainedModels: [], updateState: null, deploymentId: null, health: null,
});

function toDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    store: row.store,
    region: row.region,
    timezone: row.timezone,
    tags: JSON.parse(row.tags) as string[],
    profile: row.profile,
    openingHours: storedOpeningHours(row),
    enrolledAt: row.enrolled_at,
    revokedAt: row.revoked_at,
    online: row.online === 1,
    lastSeenAt: row.last_seen_at,
    offlineReason: row.offline_reason,
    reported: row.reported ? deviceReportedSchema.parse(JSON.parse(row.reported)) : EMPTY_REPORTED,
  };
}

/** Stored hours are validated again on read: a bad row logs and counts as "no hours" instead of failing a restart. */
function storedOpeningHours(row: DeviceRow): OpeningHours {
  let parsed: unknown;
  try {
    parsed = JSON.parse(row.opening_hours);
  } catch {
    parsed = undefined;
  }
  const hours = openingHoursSchema.safeParse(parsed);
  if (hours.success) return hours.data;
  log.warn({ deviceId: row.id }, 'stored opening hours are invalid; treated as none');
  return [];
}

/**
 * Fleet inventory and device credentials (issue #6 "Fleet"). The broker engineer's adapters
 * call `verifyDeviceCredentials` / `isRevoked` on connect and subscribe with `onEnrol` /
 * `onRevoke` to provision or de-provision; the device link feeds `recordDeviceState`.
 */
export class Fleet {
  private readonly enrolListeners: EnrolListener[] = [];
  /**
   * deviceId → HMAC of the last secret that passed scrypt. scrypt costs tens of milliseconds on
   * the broker's thread, so a fleet reconnecting at once after a controller restart would stall
   * it; a keyed HMAC (key never leaves this process) lets repeat logins skip it. Revocation is
   * still read from the database on every check.
   */
  private readonly verifiedSecrets = new Map<string, Buffer>();
  private readonly cacheKey = randomBytes(32);
  private readonly revokeListeners: RevokeListener[] = [];

  constructor(private readonly db: ControllerDb, private readonly now: () => Date = () => new Date()) {
    createFleetTables(db);
  }

  /** Registers a listener called after each enrolment commits (errors are logged, never undo the enrolment). */
  onEnrol(listener: EnrolListener): () => void {
    this.enrolListeners.push(listener);
    return () => this.enrolListeners.splice(this.enrolListeners.indexOf(listener), 1);
  }

  /** Registers a listener called after each revocation commits. */
  onRevoke(listener: RevokeListener): () => void {
    this.revokeListeners.push(listener);
    return () => this.revokeListeners.splice(this.revokeListeners.indexOf(listener), 1);
  }

  /** Enrols a device and issues its secret; only the scrypt hash is stored, so the secret is shown once. */
  async enrolDevice(input: unknown): Promise<Enrolled> {
    const parsed = deviceEnrolmentSchema.safeParse(input);
    if (!parsed.success) throw new FleetcastError(issueCode(parsed.error.issues[0], 'FC_ERR_INVALID_REQUEST'), parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
    const enrolment: DeviceEnrolment = parsed.data;
    // The controller's and brokers' own logins are not device names (issue #9 finding 3).
    assertNotReserved(enrolment.id, 'deviceId');
    if (this.findRow(enrolment.id)) throw new FleetcastError('FC_ERR_DEVICE_EXISTS', enrolment.id, { deviceId: enrolment.id });
    const secret = generateDeviceSecret();
    this.db
      .prepare('INSERT INTO devices (id, store, region, timezone, tags, profile, secret_hash, enrolled_at, opening_hours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(enrolment.id, enrolment.store, enrolment.region, enrolment.timezone, JSON.stringify([...new Set(enrolment.tags)].sort()), enrolment.profile, hashDeviceSecret(secret), this.now().toISOString(),
        JSON.stringify(enrolment.openingHours));
    const device = this.getDevice(enrolment.id);
    for (const listener of this.enrolListeners) {
      try {
        await listener({ device, secret });
      } catch (error) {
        log.error({ err: error, deviceId: device.id }, 'enrol listener failed');
      }
    }
    return { device, secret };
  }

  /** Revokes a device's credentials; the broker refuses it from then on. Idempotent. */
  async revokeDevice(deviceId: string): Promise<Device> {
    const row = this.requireRow(deviceId);
    if (!row.revoked_at) this.db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ?').run(this.now().toISOString(), deviceId);
    this.verifiedSecrets.delete(deviceId);
    const device = this.getDevice(deviceId);
    if (!row.revoked_at) {
      for (const listener of this.revokeListeners) {
        try {
          await listener(device);
        } catch (error) {
          log.error({ err: error, deviceId }, 'revoke listener failed');
        }
      }
    }
    return device;
  }

  /**
   * True only for an enrolled, unrevoked device whose secret matches (scrypt, timing-safe).
   * Unknown devices are checked against a dummy hash so the answer takes the same time.
   */
  verifyDeviceCredentials(deviceId: string, secret: string): boolean {
    const row = this.findRow(deviceId);
    if (!row || row.revoked_at !== null) {
      verifyDeviceSecret(secret, UNMATCHABLE_HASH);
      return false;
    }
    if (this.isCached(deviceId, secret)) return true;
    if (!verifyDeviceSecret(secret, row.secret_hash)) return false;
    this.cache(deviceId, secret);
    return true;
  }

  /**
   * `verifyDeviceCredentials` with scrypt on the thread pool, for brokers (issue #9: scrypt ran
   * synchronously on the broker thread for every failed login). Revocation is read again after
   * the hash, so a device revoked meanwhile is refused.
   */
  async verifyDeviceCredentialsAsync(deviceId: string, secret: string): Promise<boolean> {
    const row = this.findRow(deviceId);
    if (!row || row.revoked_at !== null) {
      await verifyDeviceSecretAsync(secret, UNMATCHABLE_HASH);
      return false;
    }
    if (this.isCached(deviceId, secret)) return true;
    if (!(await verifyDeviceSecretAsync(secret, row.secret_hash))) return false;
    if (this.findRow(deviceId)?.revoked_at !== null) return false;
    this.cache(deviceId, secret);
    return true;
  }

  private fingerprint(deviceId: string, secret: string): Buffer {
    return createHmac('sha256', this.cacheKey).update(deviceId).update('\u0000').update(secret).digest();
  }

  private isCached(deviceId: string, secret: string): boolean {
    const cached = this.verifiedSecrets.get(deviceId);
    return cached !== undefined && timingSafeEqual(cached, this.fingerprint(deviceId, secret));
  }

  private cache(deviceId: string, secret: string): void {
    this.verifiedSecrets.set(deviceId, this.fingerprint(deviceId, secret));
  }

  /** True when the device is enrolled and revoked (unknown devices are not "revoked"; they fail verification). */
  isRevoked(deviceId: string): boolean {
    const row = this.findRow(deviceId);
    return row !== undefined && row.revoked_at !== null;
  }

  /** Whether the id is enrolled (revoked or not). */
  isEnrolled(deviceId: string): boolean {
    return this.findRow(deviceId) !== undefined;
  }

  /**
   * Updates inventory from a retained `state` message (birth or last will). Messages older than
   * the last one applied are ignored, since a retained birth can be redelivered after a newer will.
   */
  recordDeviceState(deviceId: string, message: StateMessage): Device {
    const seenAt = this.now().toISOString();
    if (!this.newerState(deviceId, message.ts)) return this.getDevice(deviceId);
    if (message.type === 'birth') {
      const reported = deviceReportedSchema.parse({
        agentVersion: message.agentVersion,
        hardwareProfile: message.hardwareProfile,
        activeModel: message.activeModel,
        shadowModel: message.shadowModel,
        retainedModels: message.retainedModels,
        updateState: message.update.state,
        deploymentId: message.update.deploymentId,
        health: message.health,
      });
      this.db
        .prepare('UPDATE devices SET online = 1, offline_reason = NULL, last_seen_at = ?, last_state_ts = ?, reported = ? WHERE id = ?')
        .run(seenAt, message.ts, JSON.stringify(reported), deviceId);
    } else {
      this.db.prepare('UPDATE devices SET online = 0, offline_reason = ?, last_state_ts = ? WHERE id = ?').run(message.reason, message.ts, deviceId);
    }
    return this.getDevice(deviceId);
  }

  /**
   * Follows a deployment transition at once (issue #11: the inventory showed the first
   * deployment's state until the agent reconnected): update state and deployment always; on
   * `committed` (or an operator rollback ending `idle`) the model serving and the retained list;
   * `no_model` leaves the health reasons once a model serves. Events older than the last applied
   * state are ignored like stale births, and a later birth replaces everything with the device's own view.
   */
  recordDeploymentEvent(deviceId: string, event: DeploymentEvent): Device {
    const seenAt = this.now().toISOString();
    const row = this.newerState(deviceId, event.ts);
    if (!row) return this.getDevice(deviceId);
    const reported = toDevice(row).reported;
    const serving = event.to === 'committed' || (event.to === 'idle' && event.from === 'rolling_back') ? event.model : reported.activeModel;
    const retained = serving && !reported.retainedModels.some((ref) => ref.name === serving.name && ref.version === serving.version) ? [serving, ...reported.retainedModels].slice(0, 20) : reported.retainedModels;
    const reasons = serving ? (reported.health?.reasons ?? []).filter((reason) => reason !== 'no_model') : reported.health?.reasons ?? [];
    const next = deviceReportedSchema.parse({
      ...reported,
      activeModel: serving,
      retainedModels: retained,
      updateState: event.to,
      deploymentId: event.deploymentId,
      health: reported.health ? { status: reasons.length === 0 ? 'healthy' : 'degraded', reasons } : null,
    });
    this.db.prepare('UPDATE devices SET last_seen_at = ?, last_state_ts = ?, reported = ? WHERE id = ?').run(seenAt, event.ts, JSON.stringify(next), deviceId);
    return this.getDevice(deviceId);
  }

  /** Sets the opening hours of every device of a store (issue #13); validated before anything is stored. Returns the devices changed. */
  setStoreHours(store: string, input: unknown): Device[] {
    assertValidId(store, 'store');
    const parsed = openingHoursSchema.safeParse(input);
    if (!parsed.success) throw new FleetcastError(issueCode(parsed.error.issues[0], 'FC_ERR_INVALID_REQUEST'), parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
    this.db.prepare('UPDATE devices SET opening_hours = ? WHERE store = ?').run(JSON.stringify(parsed.data), store);
    return this.listDevices().filter((device) => device.store === store);
  }

  /** Marks any inbound message as a sign of life (last seen), without changing online state. */
  recordSeen(deviceId: string): void {
    this.db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?').run(this.now().toISOString(), deviceId);
  }

  /** One device, or FC_ERR_DEVICE_NOT_FOUND. */
  getDevice(deviceId: string): Device {
    return toDevice(this.requireRow(deviceId));
  }

  /** All devices, optionally only those matching a selector (string like `tag:pilot,region:eu-west` or parsed). */
  listDevices(selector?: string | TargetSelector): Device[] {
    const rows = this.db.prepare('SELECT * FROM devices ORDER BY id').all() as DeviceRow[];
    const devices = rows.map(toDevice);
    if (selector === undefined) return devices;
    const parsed = typeof selector === 'string' ? parseSelector(selector) : selector;
    return devices.filter((device) => matchesSelector(device, parsed));
  }

  /** Ids of unrevoked devices matching a selector — the target set of a deployment. */
  selectDeviceIds(selector: string | TargetSelector): string[] {
    return this.listDevices(selector).filter((device) => device.revokedAt === null).map((device) => device.id);
  }

  /** The device's row when `ts` is not older than the last applied state; else only marks it seen and returns null. */
  private newerState(deviceId: string, ts: string): DeviceRow | null {
    const row = this.requireRow(deviceId);
    if (row.last_state_ts && Date.parse(ts) < Date.parse(row.last_state_ts)) {
      this.recordSeen(deviceId);
      return null;
    }
    return row;
  }

  private findRow(deviceId: string): DeviceRow | undefined {
    return this.db.prepare('SELECT * FROM devices WHERE id = ?').get(deviceId) as DeviceRow | undefined;
  }

  private requireRow(deviceId: string): DeviceRow {
    assertValidId(deviceId, 'deviceId');
    const row = this.findRow(deviceId);
    if (!row) throw new FleetcastError('FC_ERR_DEVICE_NOT_FOUND', deviceId, { deviceId });
    return row;
  }
}
