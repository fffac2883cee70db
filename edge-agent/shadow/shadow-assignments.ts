import { z } from 'zod';
import { modelRefSchema, type ModelRef } from '../../protocols/envelope.js';
import { bundleSourceSchema } from '../../protocols/messages/cmd/deploy.js';
import { idSchema } from '../../protocols/ids.js';
import type { AgentDb } from '../storage/db.js';

/** A shadow experiment this agent runs or ran: what it scores and where the bundle comes from. */
export const shadowAssignmentSchema = z.object({
  experimentId: idSchema,
  model: modelRefSchema,
  bundle: bundleSourceSchema.nullable(),
  sampleRate: z.number().min(0).max(1),
  stopped: z.boolean(),
});
export type ShadowAssignment = z.infer<typeof shadowAssignmentSchema>;

/** Experiments remembered for late actuals; older stopped ones are forgotten. */
const KEEP_STOPPED = 20;

/**
 * Shadow experiments persisted in the agent's SQLite (issue #13): the running one is resumed
 * after a restart, and stopped ones stay known for a while so that actuals arriving after the
 * stop still credit their experiment. A row today's schema refuses is skipped, never fatal.
 */
export class ShadowAssignments {
  private readonly db: AgentDb;

  constructor(db: AgentDb) {
    this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS shadow_assignments (
      experiment_id TEXT PRIMARY KEY, body TEXT NOT NULL, updated INTEGER NOT NULL
    )`);
  }

  /** Starts (or re-sends) an experiment; any other running one stops. */
  start(assignment: Omit<ShadowAssignment, 'stopped'>): void {
    const row: ShadowAssignment = { ...assignment, stopped: false };
    this.db.transaction(() => {
      for (const other of this.all()) if (!other.stopped && other.experimentId !== row.experimentId) this.save({ ...other, stopped: true });
      this.save(row);
      this.db.prepare(`DELETE FROM shadow_assignments WHERE experiment_id NOT IN (SELECT experiment_id FROM shadow_assignments ORDER BY updated DESC LIMIT ?)`).run(KEEP_STOPPED + 1);
    })();
  }

  /** Stops an experiment (idempotent); false when it was never known. */
  stop(experimentId: string): boolean {
    const row = this.all().find((assignment) => assignment.experimentId === experimentId);
    if (!row) return false;
    if (!row.stopped) this.save({ ...row, stopped: true });
    return true;
  }

  /** The running experiment, or null. */
  running(): ShadowAssignment | null {
    return this.all().find((assignment) => !assignment.stopped) ?? null;
  }

  /** The newest experiment that shadow-scored `model`, running or stopped. */
  experimentOf(model: ModelRef): string | null {
    return this.all().find((assignment) => assignment.model.name === model.name && assignment.model.version === model.version)?.experimentId ?? null;
  }

  private all(): ShadowAssignment[] {
    const rows = this.db.prepare('SELECT body FROM shadow_assignments ORDER BY updated DESC, rowid DESC').all() as Array<{ body: string }>;
    return rows.flatMap((row) => {
      try {
        return [shadowAssignmentSchema.parse(JSON.parse(row.body))];
      } catch {
        return [];
      }
    });
  }

  private save(row: ShadowAssignment): void {
    this.db
      .prepare('INSERT INTO shadow_assignments (experiment_id, body, updated) VALUES (?, ?, ?) ON CONFLICT (experiment_id) DO UPDATE SET body = excluded.body, updated = excluded.updated')
      .run(row.experimentId, JSON.stringify(row), Date.now());
  }
}
