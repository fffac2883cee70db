import type { AgentDb } from './db.js';
import type { ModelRef } from '../../protocols/envelope.js';
import { salesDateProblem } from '../../protocols/data/sales-date.js';
import { quarantineInvalidRows } from './quarantine.js';

/** A forecast the agent answered, kept to be matched with the actual that follows. */
export interface ServedPrediction {
  store: string;
  item: string;
  date: string;
  model: ModelRef;
  role: 'active' | 'shadow';
  value: number;
}

/**
 * Forecasts served per (store, item, date, model version, role), the other half of the
 * accuracy counters (issue #5 "Actuals ... match actuals to the predictions the agent served").
 * Writes are buffered and committed once per `flush` so that thousands of requests per second
 * do not each pay an fsync (synchronous=FULL); a crash loses at most one flush interval of
 * accuracy matching, never a reply. The latest forecast for a key wins.
 */
export class ServedPredictions {
  private readonly db: AgentDb;
  private buffer = new Map<string, ServedPrediction>();
  /** Stored rows with a date today's schema refuses, moved to `quarantine` at open (issue #9). */
  readonly quarantined: number;

  constructor(db: AgentDb) {
    this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS served_predictions (
      store TEXT NOT NULL, item TEXT NOT NULL, date TEXT NOT NULL,
      model_name TEXT NOT NULL, model_version INTEGER NOT NULL, role TEXT NOT NULL,
      value REAL NOT NULL, matched INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (store, item, date, model_name, model_version, role)
    ) WITHOUT ROWID`);
    this.quarantined = quarantineInvalidRows(db, {
      table: 'served_predictions',
      keyColumns: ['store', 'item', 'date', 'model_name', 'model_version', 'role'],
      problem: (row) => salesDateProblem(row.date),
    });
  }

  /** Remembers one served forecast (in memory until the next flush). */
  add(prediction: ServedPrediction): void {
    this.buffer.set(`${prediction.store}\u0000${prediction.item}\u0000${prediction.date}\u0000${prediction.model.name}\u0000${prediction.model.version}\u0000${prediction.role}`, prediction);
  }

  /** Commits buffered forecasts in one transaction. */
  flush(): number {
    if (this.buffer.size === 0) return 0;
    const batch = [...this.buffer.values()];
    this.buffer = new Map();
    const upsert = this.db.prepare(`INSERT INTO served_predictions (store, item, date, model_name, model_version, role, value) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (store, item, date, model_name, model_version, role) DO UPDATE SET value = excluded.value WHERE matched = 0`);
    this.db.transaction(() => {
      for (const p of batch) upsert.run(p.store, p.item, p.date, p.model.name, p.model.version, p.role, p.value);
    })();
    return batch.length;
  }

  /**
   * Forecasts for (store, item, date) not yet matched with an actual, marked matched in the same
   * call so that a re-sent actual is not counted twice.
   */
  takeUnmatched(store: string, item: string, date: string): ServedPrediction[] {
    this.flush();
    const rows = this.db
      .prepare('SELECT model_name, model_version, role, value FROM served_predictions WHERE store = ? AND item = ? AND date = ? AND matched = 0')
      .all(store, item, date) as Array<{ model_name: string; model_version: number; role: 'active' | 'shadow'; value: number }>;
    if (rows.length > 0) this.db.prepare('UPDATE served_predictions SET matched = 1 WHERE store = ? AND item = ? AND date = ?').run(store, item, date);
    return rows.map((row) => ({ store, item, date, model: { name: row.model_name, version: row.model_version }, role: row.role, value: row.value }));
  }

  /** Deletes forecasts for days before `cutoffDate`. */
  prune(cutoffDate: string): number {
    this.flush();
    return this.db.prepare('DELETE FROM served_predictions WHERE date < ?').run(cutoffDate).changes;
  }
}
