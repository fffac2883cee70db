import type Database from 'better-sqlite3';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { deploymentEventSchema, type DeploymentEvent } from '../../protocols/messages/evt.js';
import { deploymentRecordSchema, type DeploymentRecord } from './deployment-record.js';
import { updateStateSchema, type UpdateState } from './states.js';
import { pathPartProblem } from '../../protocols/paths.js';

/** What `load()` found: a valid state, nothing yet, or a row that cannot be trusted. */
export type LoadedUpdateState =
  | { kind: 'empty' }
  | { kind: 'valid'; state: UpdateState; deployment: DeploymentRecord | null }
  | { kind: 'corrupt'; state: UpdateState | null; deploymentId: string | null; reason: string };

/** How a deployment ended, recorded with its last transition. */
export interface FinishedDeployment {
  outcome: 'committed' | 'failed' | 'rolled_back';
  model: { name: string; version: number };
  errorCode: string | null;
}

/** A deployment event waiting in the SQLite queue for the uplink. */
export interface QueuedEvent {
  seq: number;
  event: DeploymentEvent;
}

/**
 * The update state in the agent's SQLite file: one row with the state and the deployment in
 * flight, the queue of `evt` messages not yet published, and a history of finished
 * deployments (deploy commands are idempotent by `deploymentId`). A transition writes the new
 * state and its event in ONE transaction, committed with synchronous=FULL before the side
 * effect of the new state starts (DESIGN "persisted in SQLite before each side effect").
 */
export class UpdateStateStore {
  private readonly db: Database.Database;

  constructor(db: Database.Database) {
    this.db = db;
    // Per connection; the agent's opener sets it too, but the crash guarantees rest on it.
    db.pragma('synchronous = FULL');
    db.exec(`
      CREATE TABLE IF NOT EXISTS update_state (
        slot INTEGER PRIMARY KEY CHECK (slot = 1),
        state TEXT NOT NULL,
        deployment TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS update_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        payload TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS update_history (
        deployment_id TEXT PRIMARY KEY,
        outcome TEXT NOT NULL,
        model TEXT NOT NULL,
        error_code TEXT,
        finished_at TEXT NOT NULL
      );
    `);
  }

  /** Reads the persisted state; anything unparsable is reported as `corrupt`, never thrown. */
  load(): LoadedUpdateState {
    const row = this.db.prepare('SELECT state, deployment FROM update_state WHERE slot = 1').get() as { state: string; deployment: string | null } | undefined;
    if (!row) return { kind: 'empty' };
    const state = updateStateSchema.safeParse(row.state);
    let deploymentJson: unknown = null;
    try {
      deploymentJson = row.deployment === null ? null : JSON.parse(row.deployment);
    } catch {
      return { kind: 'corrupt', state: state.success ? state.data : null, deploymentId: null, reason: 'deployment is not JSON' };
    }
    const deployment = deploymentJson === null ? null : deploymentRecordSchema.safeParse(deploymentJson);
    // Salvaged only when it is a safe path part: an older agent may have stored `..` (issue #9).
    const storedId = (deploymentJson as { deploymentId?: unknown } | null)?.deploymentId;
    const deploymentId = typeof storedId === 'string' && pathPartProblem(storedId) === null ? storedId : null;
    if (!state.success) return { kind: 'corrupt', state: null, deploymentId, reason: `unknown state ${JSON.stringify(row.state)}` };
    if (deployment && !deployment.success) return { kind: 'corrupt', state: state.data, deploymentId, reason: 'deployment record does not match its schema' };
    if (!deployment && state.data !== 'idle' && state.data !== 'committed' && state.data !== 'failed') return { kind: 'corrupt', state: state.data, deploymentId, reason: `${state.data} without a deployment` };
    return { kind: 'valid', state: state.data, deployment: deployment ? deployment.data : null };
  }

  /**
   * Persists a transition and queues its event, atomically; a transition into a rest state
   * also records how its deployment ended, in the same transaction.
   */
  persistTransition(state: UpdateState, deployment: DeploymentRecord | null, event: DeploymentEvent, finished: FinishedDeployment | null): void {
    const payload = JSON.stringify(deploymentEventSchema.parse(event));
    this.write(() => {
      this.upsert(state, deployment);
      this.db.prepare('INSERT INTO update_events (payload) VALUES (?)').run(payload);
      if (finished && deployment) {
        this.db
          .prepare('INSERT INTO update_history (deployment_id, outcome, model, error_code, finished_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(deployment_id) DO UPDATE SET outcome = excluded.outcome, model = excluded.model, error_code = excluded.error_code, finished_at = excluded.finished_at')
          .run(deployment.deploymentId, finished.outcome, JSON.stringify(finished.model), finished.errorCode, new Date().toISOString());
      }
    });
  }

  /** Persists the deployment record without a transition (download offset, resume count). */
  persistProgress(state: UpdateState, deployment: DeploymentRecord): void {
    this.write(() => this.upsert(state, deployment));
  }

  /** How a deployment ended, or null when it never ran here. */
  outcomeOf(deploymentId: string): { outcome: string; errorCode: string | null } | null {
    const row = this.db.prepare('SELECT outcome, error_code AS errorCode FROM update_history WHERE deployment_id = ?').get(deploymentId) as { outcome: string; errorCode: string | null } | undefined;
    return row ?? null;
  }

  /** Events not yet published, oldest first. */
  queuedEvents(limit = 100): QueuedEvent[] {
    const rows = this.db.prepare('SELECT seq, payload FROM update_events ORDER BY seq LIMIT ?').all(limit) as Array<{ seq: number; payload: string }>;
    return rows.map((row) => ({ seq: row.seq, event: deploymentEventSchema.parse(JSON.parse(row.payload)) }));
  }

  /** Drops an event once the uplink took it. */
  dequeueEvent(seq: number): void {
    this.write(() => this.db.prepare('DELETE FROM update_events WHERE seq = ?').run(seq));
  }

  private upsert(state: UpdateState, deployment: DeploymentRecord | null): void {
    const json = deployment === null ? null : JSON.stringify(deploymentRecordSchema.parse(deployment));
    this.db
      .prepare('INSERT INTO update_state (slot, state, deployment, updated_at) VALUES (1, ?, ?, ?) ON CONFLICT(slot) DO UPDATE SET state = excluded.state, deployment = excluded.deployment, updated_at = excluded.updated_at')
      .run(state, json, new Date().toISOString());
  }

  private write(work: () => void): void {
    try {
      this.db.transaction(work)();
    } catch (error) {
      throw new FleetcastError('FC_ERR_AGENT_DB_FAILED', (error as Error).message, undefined, { cause: error });
    }
  }
}
