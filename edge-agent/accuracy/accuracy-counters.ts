import type { AgentDb } from '../storage/db.js';
import type { Outbox } from '../storage/outbox.js';
import { drainPendingCounters } from '../storage/drain-pending.js';
import type { ServedPrediction } from '../storage/served-predictions.js';

/**
 * Accuracy sums per model version, day and role (issue #5): Σ|e|, Σ|y|, Σe, Σe², n with
 * e = forecast − actual. Pending sums live in SQLite and move to the outbox in the same
 * transaction that clears them, so each match is reported exactly once even across crashes.
 */
export class AccuracyCounters {
  private readonly db: AgentDb;

  constructor(db: AgentDb) {
    this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS accuracy_pending (
      model_name TEXT NOT NULL, model_version INTEGER NOT NULL, day TEXT NOT NULL, role TEXT NOT NULL,
      n INTEGER NOT NULL, sum_abs_error REAL NOT NULL, sum_abs_actual REAL NOT NULL, sum_error REAL NOT NULL, sum_squared_error REAL NOT NULL,
      PRIMARY KEY (model_name, model_version, day, role)
    ) WITHOUT ROWID`);
  }

  /** Adds one matched (forecast, actual) pair. */
  add(prediction: ServedPrediction, actualUnits: number): void {
    const error = prediction.value - actualUnits;
    this.db
      .prepare(`INSERT INTO accuracy_pending VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)
        ON CONFLICT (model_name, model_version, day, role) DO UPDATE SET n = n + 1,
          sum_abs_error = sum_abs_error + excluded.sum_abs_error, sum_abs_actual = sum_abs_actual + excluded.sum_abs_actual,
          sum_error = sum_error + excluded.sum_error, sum_squared_error = sum_squared_error + excluded.sum_squared_error`)
      .run(prediction.model.name, prediction.model.version, prediction.date, prediction.role, Math.abs(error), Math.abs(actualUnits), error, error * error);
  }

  /** Moves every pending counter into the outbox as `accuracy` records; returns how many. */
  drainTo(outbox: Outbox, now: Date = new Date()): number {
    return drainPendingCounters<PendingAccuracy>(this.db, 'accuracy_pending', 'SELECT * FROM accuracy_pending ORDER BY day, model_name, model_version, role', outbox, (row) => ({
      kind: 'accuracy',
      ts: now.toISOString(),
      model: { name: row.model_name, version: row.model_version },
      day: row.day,
      n: row.n,
      sumAbsError: row.sum_abs_error,
      sumAbsActual: row.sum_abs_actual,
      sumError: row.sum_error,
      sumSquaredError: row.sum_squared_error,
      role: row.role,
    }));
  }
}

/** A row of `accuracy_pending`. */
interface PendingAccuracy {
  model_name: string; model_version: number; day: string; role: 'active' | 'shadow';
  n: number; sum_abs_error: number; sum_abs_actual: number; sum_error: number; sum_squared_error: number;
}
