import { randomUUID } from 'node:crypto';
import { createLogger } from '../../protocols/runtime/logger.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { envelope } from '../../protocols/messages/envelope-factory.js';
import type { StoreHistorySource } from '../../protocols/features/store-history-file.js';
import type { Sender } from '../../protocols/envelope.js';
import { DEVICE_SIDE_FAILURES, type DeployCommand } from '../../protocols/messages/cmd/deploy.js';
import type { Command } from '../../protocols/messages/cmd/index.js';
import { authorizeDowngrade } from '../../protocols/messages/cmd/downgrade-authorization.js';
import type { BirthState } from '../../protocols/messages/state.js';
import type { CommandResultEvent, DeploymentEvent } from '../../protocols/messages/evt.js';
import type { UpdateState } from '../../protocols/update-states.js';
import type { ControllerDb } from '../storage/db.js';
import { createDeploymentTables } from './tables.js';
import { issueCode } from '../../protocols/errors/issue-code.js';
import type { ControllerSigningKey } from './controller-key.js';
import { SigningKeyDistribution } from './signing-keys.js';
import {
  deploymentRequestSchema,
  type DeploymentResult,
  type DeploymentSummary,
  type DesiredStatus,
  type DeviceDeploymentStatus,
} from './schema.js';

const log = createLogger('deployments');

/** What desired-state reconciliation needs from the rest of the controller. */
export interface DeploymentsOptions {
  db: ControllerDb;
  /** Sends a command to a device (the device link's publisher, QoS 1). */
  sendCommand: (deviceId: string, command: Command) => Promise<void>;
  /** Whether a device is online now (fleet inventory from retained birth / last will). */
  isOnline: (deviceId: string) => boolean;
  /** Enrolled, unrevoked devices online now (key distribution reaches them at once, the rest on their birth). */
  onlineDeviceIds?: () => string[];
  /**
   * The controller's own key (issue #11): signs downgrade authorizations and signing-key sets.
   * Without it no downgrade is ever authorized and no keys are distributed.
   */
  signer?: ControllerSigningKey;
  /** HTTP URL of a bundle when range downloads are offered (`registerBundleRoutes`); omit for MQTT-only. */
  bundleUrl?: (sha256: string) => string | undefined;
  /** The store history a device's deploy command carries, when the controller holds one (issue #10). */
  historyFor?: (deviceId: string) => StoreHistorySource | undefined;
  sender: Sender;
  now?: () => Date;
}

interface DesiredRow {
  device_id: string;
  deployment_id: string;
  status: DesiredStatus;
  update_state: UpdateState | null;
  error_code: string | null;
  detail: string | null;
  sent_count: number;
  last_sent_at: string | null;
  updated_at: string;
  model_name: string;
  model_version: number;
  sha256: string;
  size: number;
  rollout_id: string | null;
  wave: number | null;
  downgrade_authorized: number;
}

/** Update states in which the agent is still working on a deployment and will resume by itself after a restart. */
const WORKING_STATES: ReadonlySet<UpdateState> = new Set(['downloading', 'verifying', 'staging', 'activating']);

function statusFor(to: UpdateState): DesiredStatus {
  if (to === 'committed') return 'committed';
  if (to === 'failed' || to === 'rolling_back') return 'failed';
  return 'in_progress';
}

/**
 * Desired-state deployments (issue #6 part B). The controller records, per device, which
 * deployment it should run; `deploy` sends the command to devices online now, and a device
 * that (re)connects with a birth whose active model differs is sent it again, so a device
 * offline during the rollout catches up without relying on broker session persistence.
 * Status follows the device's `evt` deployment transitions.
 */
export class Deployments {
  private readonly now: () => Date;
  /** The fleet's signing keys, distributed like desired state (null without a controller key). */
  readonly keys: SigningKeyDistribution | null;
  private readonly changeListeners: Array<() => void> = [];

  constructor(private readonly options: DeploymentsOptions) {
    createDeploymentTables(options.db);
    this.now = options.now ?? (() => new Date());
    this.keys = options.signer ? new SigningKeyDistribution(options.db, options.signer, options.sender, this.now) : null;
  }

  /**
   * Records the desired version for each device and sends the command to those online.
   * Idempotent by deploymentId: a repeated request leaves assigned devices alone; the same id
   * with another model is FC_ERR_DEPLOYMENT_CONFLICT.
   */
  async deploy(input: unknown): Promise<DeploymentResult> {
    const parsed = deploymentRequestSchema.safeParse(input);
    if (!parsed.success) throw new FleetcastError(issueCode(parsed.error.issues[0], 'FC_ERR_INVALID_REQUEST'), parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const request = parsed.data;
    const deploymentId = request.deploymentId ?? `dep-${randomUUID()}`;
    const nowIso = this.now().toISOString();
    const db = this.options.db;
    const { assigned, unchanged } = db.transaction(() => {
      const existing = db.prepare('SELECT model_name, model_version, sha256 FROM deployments WHERE deployment_id = ?').get(deploymentId) as
        | { model_name: string; model_version: number; sha256: string }
        | undefined;
      if (existing && (existing.model_name !== request.model.name || existing.model_version !== request.model.version || existing.sha256 !== request.bundle.sha256)) {
        throw new FleetcastError('FC_ERR_DEPLOYMENT_CONFLICT', deploymentId, { deploymentId });
      }
      if (!existing) {
        db.prepare('INSERT INTO deployments (deployment_id, model_name, model_version, sha256, size, rollout_id, wave, created_at, kind, downgrade_authorized, actor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
          deploymentId, request.model.name, request.model.version, request.bundle.sha256, request.bundle.size, request.rollout?.id ?? null, request.rollout?.wave ?? null, nowIso,
          request.kind, request.authorizeDowngrade ? 1 : 0, request.actor ?? null,
        );
      }
      const newlyAssigned: string[] = [];
      const alreadyAssigned: string[] = [];
      for (const deviceId of [...new Set(request.deviceIds)]) {
        const current = db.prepare('SELECT deployment_id FROM desired_models WHERE device_id = ?').get(deviceId) as { deployment_id: string } | undefined;
        if (current?.deployment_id === deploymentId) {
          alreadyAssigned.push(deviceId);
          continue;
        }
        db.prepare(
          `INSERT INTO desired_models (device_id, deployment_id, status, update_state, error_code, detail, sent_count, last_sent_at, updated_at)
           VALUES (?, ?, 'pending', NULL, NULL, NULL, 0, NULL, ?)
           ON CONFLICT (device_id) DO UPDATE SET deployment_id = excluded.deployment_id, status = 'pending', update_state = NULL,
             error_code = NULL, detail = NULL, sent_count = 0, last_sent_at = NULL, updated_at = excluded.updated_at`,
        ).run(deviceId, deploymentId, nowIso);
        newlyAssigned.push(deviceId);
      }
      return { assigned: newlyAssigned, unchanged: alreadyAssigned };
    })();
    const sent: string[] = [];
    for (const deviceId of assigned) {
      if (this.options.isOnline(deviceId) && (await this.send(deviceId))) sent.push(deviceId);
    }
    return { deploymentId, assigned, unchanged, sent };
  }

  /** Called after a device's deployment status changed from its `evt` or birth (rollouts tick on it, issue #13). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  /**
   * Reconciles on a birth: the device first gets the fleet's signing keys if it lacks the current
   * set; then, when it reports an active model other than its desired one and is not working on
   * that deployment, the command is (re-)sent — also after a failure the device can fix itself
   * (untrusted signer, disk, agent version: issue #11), since a birth is how it reports a change.
   */
  async onBirth(deviceId: string, birth: BirthState): Promise<'none' | 'in_sync' | 'working' | 'failed' | 'sent'> {
    await this.sendKeys(deviceId);
    const row = this.row(deviceId);
    if (!row) return 'none';
    const active = birth.activeModel;
    if (active && active.name === row.model_name && active.version === row.model_version) {
      this.setStatus(deviceId, row.deployment_id, 'committed', 'committed', null, null);
      this.changed();
      return 'in_sync';
    }
    if (birth.update.deploymentId === row.deployment_id && WORKING_STATES.has(birth.update.state)) {
      this.setStatus(deviceId, row.deployment_id, 'in_progress', birth.update.state, null, null);
      return 'working';
    }
    const failedHere = birth.update.deploymentId === row.deployment_id && (birth.update.state === 'failed' || birth.update.state === 'rolling_back');
    if (failedHere) this.setStatus(deviceId, row.deployment_id, 'failed', birth.update.state, row.error_code, row.detail);
    if ((failedHere || row.status === 'failed') && !isDeviceSide(row.error_code)) return 'failed';
    return (await this.send(deviceId)) ? 'sent' : 'none';
  }

  /**
   * A device's `command-result`: when it acknowledges a newer signing-key set, a deployment it
   * failed on a device-side reason is sent again under the same deployment id (issue #11).
   */
  async onCommandResult(deviceId: string, result: CommandResultEvent): Promise<'retried' | 'none'> {
    if (result.commandType !== 'signing-keys' || !this.keys?.onResult(deviceId, result.commandId, result.ok)) return 'none';
    const row = this.row(deviceId);
    if (!row || row.status !== 'failed' || !isDeviceSide(row.error_code)) return 'none';
    log.info({ deviceId, deploymentId: row.deployment_id, errorCode: row.error_code }, 'device reported new signing keys; retrying its failed deployment');
    return (await this.send(deviceId)) ? 'retried' : 'none';
  }

  /** Sends the current signing-key set to every online device that lacks it; returns who was sent it. */
  async distributeKeys(): Promise<string[]> {
    const sent: string[] = [];
    for (const deviceId of this.options.onlineDeviceIds?.() ?? []) if (await this.sendKeys(deviceId)) sent.push(deviceId);
    return sent;
  }

  /** All deployments, newest first, with per-status device counts. */
  list(limit = 100): DeploymentSummary[] {
    const rows = this.options.db.prepare('SELECT * FROM deployments ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as Array<{
      deployment_id: string; kind: 'deploy' | 'rollback'; model_name: string; model_version: number; downgrade_authorized: number; actor: string | null; created_at: string;
    }>;
    return rows.map((row) => {
      const counts: Partial<Record<DesiredStatus, number>> = {};
      for (const device of this.status(row.deployment_id)) counts[device.status] = (counts[device.status] ?? 0) + 1;
      return {
        deploymentId: row.deployment_id, kind: row.kind, model: { name: row.model_name, version: row.model_version }, downgradeAuthorized: row.downgrade_authorized === 1,
        actor: row.actor, createdAt: row.created_at, devices: Object.values(counts).reduce((sum, n) => sum + n, 0), counts,
      };
    });
  }

  /** Whether a deployment id exists. */
  exists(deploymentId: string): boolean {
    return this.options.db.prepare('SELECT 1 FROM deployments WHERE deployment_id = ?').get(deploymentId) !== undefined;
  }

  private async sendKeys(deviceId: string): Promise<boolean> {
    const command = this.keys?.pendingCommand(deviceId);
    if (!command) return false;
    try {
      await this.options.sendCommand(deviceId, command);
      return true;
    } catch (error) {
      log.warn({ err: error, deviceId }, 'signing keys not sent; will retry on the next birth');
      return false;
    }
  }

  /** Applies a deployment transition from `evt`; events of superseded deployments are only logged. */
  onEvent(deviceId: string, event: DeploymentEvent): DeviceDeploymentStatus | undefined {
    const row = this.row(deviceId);
    if (!row || row.deployment_id !== event.deploymentId) {
      log.info({ deviceId, deploymentId: event.deploymentId, to: event.to }, 'event for a deployment that is not the desired one');
      return undefined;
    }
    this.setStatus(deviceId, row.deployment_id, statusFor(event.to), event.to, event.errorCode ?? null, event.detail ?? null);
    this.changed();
    return this.deviceStatus(deviceId);
  }

  /** Per-device status of a deployment (devices since reassigned to a newer deployment are not listed). */
  status(deploymentId: string): DeviceDeploymentStatus[] {
    const rows = this.options.db
      .prepare(`${SELECT_DESIRED} WHERE d.deployment_id = ? ORDER BY d.device_id`)
      .all(deploymentId) as DesiredRow[];
    return rows.map(toStatus);
  }

  /** The desired deployment of one device, if any. */
  deviceStatus(deviceId: string): DeviceDeploymentStatus | undefined {
    const row = this.row(deviceId);
    return row ? toStatus(row) : undefined;
  }

  private row(deviceId: string): DesiredRow | undefined {
    return this.options.db.prepare(`${SELECT_DESIRED} WHERE d.device_id = ?`).get(deviceId) as DesiredRow | undefined;
  }

  private setStatus(deviceId: string, deploymentId: string, status: DesiredStatus, updateState: UpdateState | null, errorCode: string | null, detail: string | null): void {
    this.options.db
      .prepare('UPDATE desired_models SET status = ?, update_state = ?, error_code = ?, detail = ?, updated_at = ? WHERE device_id = ? AND deployment_id = ?')
      .run(status, updateState, errorCode, detail, this.now().toISOString(), deviceId, deploymentId);
  }

  /** Publishes the deploy command; a publish failure leaves the row pending for the next birth. */
  private async send(deviceId: string): Promise<boolean> {
    const row = this.row(deviceId);
    if (!row) return false;
    const url = this.options.bundleUrl?.(row.sha256);
    const history = this.options.historyFor?.(deviceId);
    const command: DeployCommand = {
      ...envelope(this.options.sender, this.now()),
      type: 'deploy',
      deploymentId: row.deployment_id,
      model: { name: row.model_name, version: row.model_version },
      bundle: { sha256: row.sha256, size: row.size, ...(url ? { url } : {}) },
      ...(row.rollout_id !== null && row.wave !== null ? { rollout: { id: row.rollout_id, wave: row.wave } } : {}),
      ...(history ? { history } : {}),
      ...(row.downgrade_authorized === 1 && this.options.signer
        ? { downgradeAuthorization: authorizeDowngrade({ deviceId, deploymentId: row.deployment_id, model: { name: row.model_name, version: row.model_version }, sha256: row.sha256 }, this.options.signer.privateKey) }
        : {}),
    };
    try {
      await this.options.sendCommand(deviceId, command);
    } catch (error) {
      log.warn({ err: error, deviceId, deploymentId: row.deployment_id }, 'deploy command not sent; will retry on the next birth');
      return false;
    }
    const nowIso = this.now().toISOString();
    this.options.db
      .prepare(`UPDATE desired_models SET status = CASE WHEN status IN ('pending', 'failed') THEN 'sent' ELSE status END, sent_count = sent_count + 1, last_sent_at = ?, updated_at = ? WHERE device_id = ? AND deployment_id = ?`)
      .run(nowIso, nowIso, deviceId, row.deployment_id);
    return true;
  }
}

/** Failures the device can fix itself, after which the same deployment is sent again. */
function isDeviceSide(code: string | null): boolean {
  return code !== null && DEVICE_SIDE_FAILURES.has(code);
}

const SELECT_DESIRED = `SELECT d.*, p.model_name, p.model_version, p.sha256, p.size, p.rollout_id, p.wave, p.downgrade_authorized
  FROM desired_models d JOIN deployments p ON p.deployment_id = d.deployment_id`;

function toStatus(row: DesiredRow): DeviceDeploymentStatus {
  return {
    deviceId: row.device_id,
    deploymentId: row.deployment_id,
    model: { name: row.model_name, version: row.model_version },
    status: row.status,
    updateState: row.update_state,
    errorCode: row.error_code,
    detail: row.detail,
    sentCount: row.sent_count,
    lastSentAt: row.last_sent_at,
    updatedAt: row.updated_at,
  };
}
