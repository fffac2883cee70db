import type { Statement } from 'better-sqlite3';
import type { AgentDb } from './db.js';
import type { ActualRow } from '../../protocols/messages/pos/actuals.js';
import { SalesHistory, type HistoryActual } from '../../protocols/features/sales-history.js';

/**
 * Actual sales reported by the POS (issue #5 "Actuals"): durable in SQLite, mirrored in an
 * in-memory history index (protocols/features SalesHistory, the one the shared feature executor
 * reads) so that feature building on the request path never touches the disk. A re-sent day
 * replaces the earlier value (POS corrections).
 */
export class ActualsStore {
  private readonly db: AgentDb;
  /** The history lag and rolling features read. */
  readonly history = new SalesHistory();
  private readonly upsert: Statement<[string, string, string, number, number | null, number | null]>;

  constructor(db: AgentDb) {
    this.db = db;
    db.exec(`CREATE TABLE IF NOT EXISTS actuals (
      store TEXT NOT NULL, item TEXT NOT NULL, date TEXT NOT NULL,
      units REAL NOT NULL, price REAL, promo INTEGER,
      PRIMARY KEY (store, item, date)
    ) WITHOUT ROWID`);
    this.upsert = db.prepare('INSERT OR REPLACE INTO actuals (store, item, date, units, price, promo) VALUES (?, ?, ?, ?, ?, ?)');
    const rows = db.prepare('SELECT store, item, date, units, price, promo FROM actuals').iterate() as IterableIterator<{ store: string; item: string; date: string; units: number; price: number | null; promo: number | null }>;
    for (const row of rows) this.history.add({ store: row.store, item: row.item, date: row.date, units: row.units, price: row.price ?? undefined });
  }

  /** Stores rows durably (one transaction) and updates the index. */
  record(rows: readonly ActualRow[]): void {
    this.db.transaction(() => {
      for (const row of rows) this.upsert.run(row.store, row.item, row.date, row.units, row.price ?? null, row.promo === undefined ? null : row.promo ? 1 : 0);
    })();
    for (const row of rows) this.history.add(row);
  }

  /**
   * Seeds history from outside the POS (issue #10: `fleetcast agent seed-history`, history a
   * deployment carries): one transaction, and a day the POS already reported is kept — local
   * actuals are newer truth. Returns the rows added.
   */
  seed(rows: readonly HistoryActual[]): number {
    const insert = this.db.prepare('INSERT OR IGNORE INTO actuals (store, item, date, units, price, promo) VALUES (?, ?, ?, ?, ?, NULL)');
    const added: HistoryActual[] = [];
    this.db.transaction(() => {
      for (const row of rows) if (insert.run(row.store, row.item, row.date, row.units, row.price ?? null).changes > 0) added.push(row);
    })();
    for (const row of added) this.history.add(row);
    return added.length;
  }

  /**
   * Deletes days before `cutoffDate` (YYYY-MM-DD) from disk; returns rows removed. The in-memory
   * index keeps them until the next start (it has no delete, and old days only feed lags
   * longer than the retention, which the config must cover anyway).
   */
  prune(cutoffDate: string): number {
    return this.db.prepare('DELETE FROM actuals WHERE date < ?').run(cutoffDate).changes;
  }
}
