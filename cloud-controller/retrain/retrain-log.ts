import type { ControllerDb } from '../storage/db.js';

/** One retraining, as recorded in `retrain_runs` and printed by `fleetcast retrain --json`. */
export interface RetrainRecord {
  model: string;
  /** The Development version registered (never promoted). */
  version: number;
  runId: string;
  championVersion: number;
  /** The alert that asked for it; null when an operator ran it by hand. */
  alertId: string | null;
  holdout: { rows: number; fromDay: string; championWape: number; candidateWape: number };
  at: string;
}

/** Retrainings per alert, so the scheduled job answers each alert once (issue #12). */
export class RetrainLog {
  constructor(private readonly db: ControllerDb) {
    db.exec(`CREATE TABLE IF NOT EXISTS retrain_runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      model TEXT NOT NULL,
      version INTEGER NOT NULL,
      alert_id TEXT,
      body TEXT NOT NULL,
      at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX IF NOT EXISTS retrain_runs_one_per_alert ON retrain_runs (alert_id) WHERE alert_id IS NOT NULL;`);
  }

  record(entry: RetrainRecord): void {
    this.db.prepare('INSERT INTO retrain_runs (model, version, alert_id, body, at) VALUES (?, ?, ?, ?, ?)').run(entry.model, entry.version, entry.alertId, JSON.stringify(entry), entry.at);
  }

  answered(alertId: string): boolean {
    return this.db.prepare('SELECT 1 FROM retrain_runs WHERE alert_id = ?').get(alertId) !== undefined;
  }

  list(model?: string): RetrainRecord[] {
    const rows = (model === undefined ? this.db.prepare('SELECT body FROM retrain_runs ORDER BY id').all() : this.db.prepare('SELECT body FROM retrain_runs WHERE model = ? ORDER BY id').all(model)) as Array<{ body: string }>;
    return rows.map((row) => JSON.parse(row.body) as RetrainRecord);
  }
}
