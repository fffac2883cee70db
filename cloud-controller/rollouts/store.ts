import { z } from 'zod';
import { createLogger } from '../../protocols/runtime/logger.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { modelRefSchema, timestampSchema } from '../../protocols/envelope.js';
import { idSchema } from '../../protocols/ids.js';
import type { ControllerDb } from '../storage/db.js';
import { rolloutSpecSchema } from './spec.js';
import { nextState, rolloutEventSchema, rolloutStateSchema, type RolloutEvent, type RolloutState } from './states.js';

const log = createLogger('rollouts');

/** One rollout as stored and as `GET /v1/rollouts/{id}` shows it. */
export const rolloutSchema = z.object({
  rolloutId: idSchema,
  model: modelRefSchema,
  bundle: z.object({ sha256: z.string(), size: z.number().int().positive() }),
  selector: z.string(),
  spec: rolloutSpecSchema,
  state: rolloutStateSchema,
  pausedFrom: rolloutStateSchema.nullable(),
  /** Index of the current wave. */
  wave: z.number().int().nonnegative(),
  waveStartedAt: timestampSchema,
  bakeUntil: timestampSchema.nullable(),
  /** The version most of the target served when the rollout was created (the WAPE gate's comparison). */
  champion: modelRefSchema.nullable(),
  createdBy: z.string(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export type Rollout = z.infer<typeof rolloutSchema>;

/** A device the rollout sent the version to, with what it ran before (the rollback target). */
export const rolloutDeviceSchema = z.object({
  deviceId: idSchema,
  wave: z.number().int().nonnegative(),
  previous: modelRefSchema.nullable(),
  status: z.enum(['assigned', 'rolling_back', 'rolled_back', 'no_previous']),
  assignedAt: timestampSchema,
  /** Retries after transient install failures (each under its own deployment id). */
  attempts: z.number().int().nonnegative(),
});
export type RolloutDevice = z.infer<typeof rolloutDeviceSchema>;

/** One recorded decision: a transition, or a device held back, with the evidence it used. */
export const rolloutDecisionSchema = z.object({
  id: z.number().int().positive(),
  at: timestampSchema,
  wave: z.number().int().nonnegative(),
  from: rolloutStateSchema.nullable(),
  event: z.union([rolloutEventSchema, z.enum(['created', 'deferred', 'assigned', 'retried'])]),
  to: rolloutStateSchema.nullable(),
  actor: z.string(),
  reason: z.string(),
  evidence: z.unknown(),
});
export type RolloutDecision = z.infer<typeof rolloutDecisionSchema>;

interface RolloutRow {
  rollout_id: string; model_name: string; model_version: number; sha256: string; size: number; selector: string; spec: string; state: string; paused_from: string | null;
  wave: number; wave_started_at: string; bake_until: string | null; champion: string | null; created_by: string; created_at: string; updated_at: string;
}

function createTables(db: ControllerDb): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS rollouts (
      rollout_id TEXT PRIMARY KEY, model_name TEXT NOT NULL, model_version INTEGER NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,
      selector TEXT NOT NULL, spec TEXT NOT NULL, state TEXT NOT NULL, paused_from TEXT, wave INTEGER NOT NULL, wave_started_at TEXT NOT NULL,
      bake_until TEXT, champion TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS rollout_devices (
      rollout_id TEXT NOT NULL REFERENCES rollouts (rollout_id), device_id TEXT NOT NULL, wave INTEGER NOT NULL,
      previous TEXT, status TEXT NOT NULL, assigned_at TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (rollout_id, device_id)
    );
    CREATE TABLE IF NOT EXISTS rollout_decisions (
      id INTEGER PRIMARY KEY AUTOINCREMENT, rollout_id TEXT NOT NULL REFERENCES rollouts (rollout_id), at TEXT NOT NULL, wave INTEGER NOT NULL,
      from_state TEXT, event TEXT NOT NULL, to_state TEXT, actor TEXT NOT NULL, reason TEXT NOT NULL, evidence TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS rollout_decisions_by_rollout ON rollout_decisions (rollout_id, id);
  `);
}

/** Fields a transition may change besides the state. */
export interface TransitionPatch {
  wave?: number;
  waveStartedAt?: string;
  bakeUntil?: string | null;
}

/**
 * SQLite persistence of rollouts (issue #13): each transition writes the new state and its
 * decision record in one transaction, before the engine runs the new state's step.
 */
export class RolloutStore {
  constructor(private readonly db: ControllerDb, private readonly now: () => Date) {
    createTables(db);
  }

  insert(rollout: Rollout, reason: string, evidence: unknown): void {
    this.db.transaction(() => {
      this.db.prepare(`INSERT INTO rollouts VALUES (@rolloutId, @modelName, @modelVersion, @sha256, @size, @selector, @spec, @state, NULL, @wave, @waveStartedAt, NULL, @champion, @createdBy, @createdAt, @createdAt)`).run({
        rolloutId: rollout.rolloutId, modelName: rollout.model.name, modelVersion: rollout.model.version, sha256: rollout.bundle.sha256, size: rollout.bundle.size, selector: rollout.selector,
        spec: JSON.stringify(rollout.spec), state: rollout.state, wave: rollout.wave, waveStartedAt: rollout.waveStartedAt, champion: rollout.champion ? JSON.stringify(rollout.champion) : null,
        createdBy: rollout.createdBy, createdAt: rollout.createdAt,
      });
      this.record(rollout.rolloutId, rollout.wave, null, 'created', rollout.state, rollout.createdBy, reason, evidence);
    })();
  }

  exists(rolloutId: string): boolean {
    return this.db.prepare('SELECT 1 FROM rollouts WHERE rollout_id = ?').get(rolloutId) !== undefined;
  }

  /** One rollout, or FC_ERR_ROLLOUT_NOT_FOUND. */
  get(rolloutId: string): Rollout {
    const row = this.db.prepare('SELECT * FROM rollouts WHERE rollout_id = ?').get(rolloutId) as RolloutRow | undefined;
    const rollout = row ? toRollout(row) : null;
    if (!rollout) throw new FleetcastError('FC_ERR_ROLLOUT_NOT_FOUND', rolloutId, { rolloutId });
    return rollout;
  }

  /** Rollouts newest first; a stored row that no longer parses is logged and skipped so it never stops a restart. */
  list(limit = 100): Rollout[] {
    const rows = this.db.prepare('SELECT * FROM rollouts ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit) as RolloutRow[];
    return rows.map(toRollout).filter((rollout): rollout is Rollout => rollout !== null);
  }

  /** Rollouts the engine still drives. */
  active(): Rollout[] {
    const rows = this.db.prepare("SELECT * FROM rollouts WHERE state NOT IN ('aborted', 'completed') ORDER BY created_at").all() as RolloutRow[];
    return rows.map(toRollout).filter((rollout): rollout is Rollout => rollout !== null);
  }

  /**
   * Applies `event` through the transition table and records the decision in the same
   * transaction; the state read inside the transaction is the one checked, so two callers
   * (a tick and an operator) cannot both move the same state.
   */
  transition(rolloutId: string, expected: RolloutState, event: RolloutEvent, actor: string, reason: string, evidence: unknown, patch: TransitionPatch = {}): Rollout {
    return this.db.transaction(() => {
      const current = this.get(rolloutId);
      if (current.state !== expected) throw new FleetcastError('FC_ERR_ROLLOUT_INVALID_TRANSITION', `${event}: rollout is ${current.state}, not ${expected}`, { state: current.state, event });
      const to = nextState(current.state, event, current.pausedFrom);
      const pausedFrom = to === 'paused' ? current.state : null;
      const wave = patch.wave ?? current.wave;
      this.db.prepare('UPDATE rollouts SET state = ?, paused_from = ?, wave = ?, wave_started_at = ?, bake_until = ?, updated_at = ? WHERE rollout_id = ?').run(
        to, pausedFrom, wave, patch.waveStartedAt ?? current.waveStartedAt, patch.bakeUntil === undefined ? current.bakeUntil : patch.bakeUntil, this.now().toISOString(), rolloutId,
      );
      this.record(rolloutId, wave, current.state, event, to, actor, reason, evidence);
      return this.get(rolloutId);
    })();
  }

  /** Records that a device is about to be sent the version — before the command goes out. */
  assign(rolloutId: string, deviceId: string, wave: number, previous: { name: string; version: number } | null): void {
    const at = this.now().toISOString();
    this.db.transaction(() => {
      const inserted = this.db.prepare("INSERT OR IGNORE INTO rollout_devices (rollout_id, device_id, wave, previous, status, assigned_at) VALUES (?, ?, ?, ?, 'assigned', ?)").run(rolloutId, deviceId, wave, previous ? JSON.stringify(previous) : null, at);
      if (inserted.changes > 0) this.record(rolloutId, wave, null, 'assigned', null, 'controller', `${deviceId} joins wave ${wave}`, { deviceId, previous });
    })();
  }

  /** Records a retry of a device's install before it is sent (the new attempt's deployment id derives from the count). */
  retry(rolloutId: string, deviceId: string, wave: number, errorCode: string): void {
    this.db.transaction(() => {
      this.db.prepare('UPDATE rollout_devices SET attempts = attempts + 1 WHERE rollout_id = ? AND device_id = ?').run(rolloutId, deviceId);
      this.record(rolloutId, wave, null, 'retried', null, 'controller', `${deviceId}: install failed with ${errorCode}; retried`, { deviceId, errorCode });
    })();
  }

  setDeviceStatus(rolloutId: string, deviceId: string, status: RolloutDevice['status']): void {
    this.db.prepare('UPDATE rollout_devices SET status = ? WHERE rollout_id = ? AND device_id = ?').run(status, rolloutId, deviceId);
  }

  devices(rolloutId: string): RolloutDevice[] {
    const rows = this.db.prepare('SELECT * FROM rollout_devices WHERE rollout_id = ? ORDER BY wave, device_id').all(rolloutId) as Array<{
      device_id: string; wave: number; previous: string | null; status: RolloutDevice['status']; assigned_at: string; attempts: number;
    }>;
    return rows.map((row) => ({
      deviceId: row.device_id, wave: row.wave, previous: row.previous ? (JSON.parse(row.previous) as RolloutDevice['previous']) : null, status: row.status, assignedAt: row.assigned_at, attempts: row.attempts,
    }));
  }

  /** Records a decision that changes no state (a device held back by its opening hours), once per device and wave. */
  recordOnce(rolloutId: string, wave: number, event: 'deferred', key: string, reason: string, evidence: unknown): void {
    const seen = this.db.prepare("SELECT 1 FROM rollout_decisions WHERE rollout_id = ? AND wave = ? AND event = ? AND json_extract(evidence, '$.deviceId') = ?").get(rolloutId, wave, event, key);
    if (!seen) this.record(rolloutId, wave, null, event, null, 'controller', reason, evidence);
  }

  decisions(rolloutId: string, limit = 1_000): RolloutDecision[] {
    const rows = this.db.prepare('SELECT * FROM rollout_decisions WHERE rollout_id = ? ORDER BY id LIMIT ?').all(rolloutId, limit) as Array<{
      id: number; at: string; wave: number; from_state: RolloutState | null; event: RolloutDecision['event']; to_state: RolloutState | null; actor: string; reason: string; evidence: string;
    }>;
    return rows.map((row) => ({ id: row.id, at: row.at, wave: row.wave, from: row.from_state, event: row.event, to: row.to_state, actor: row.actor, reason: row.reason, evidence: JSON.parse(row.evidence) as unknown }));
  }

  private record(rolloutId: string, wave: number, from: RolloutState | null, event: RolloutDecision['event'], to: RolloutState | null, actor: string, reason: string, evidence: unknown): void {
    this.db.prepare('INSERT INTO rollout_decisions (rollout_id, at, wave, from_state, event, to_state, actor, reason, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(rolloutId, this.now().toISOString(), wave, from, event, to, actor, reason.slice(0, 1_000), JSON.stringify(evidence ?? null));
  }
}

function toRollout(row: RolloutRow): Rollout | null {
  const parsed = rolloutSchema.safeParse({
    rolloutId: row.rollout_id, model: { name: row.model_name, version: row.model_version }, bundle: { sha256: row.sha256, size: row.size }, selector: row.selector,
    spec: safeJson(row.spec), state: row.state, pausedFrom: row.paused_from, wave: row.wave, waveStartedAt: row.wave_started_at, bakeUntil: row.bake_until,
    champion: row.champion ? safeJson(row.champion) : null, createdBy: row.created_by, createdAt: row.created_at, updatedAt: row.updated_at,
  });
  if (parsed.success) return parsed.data;
  log.error({ rolloutId: row.rollout_id, issue: parsed.error.issues[0] }, 'stored rollout does not parse; skipped');
  return null;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

