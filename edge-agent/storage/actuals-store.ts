import type { Statement } from 'better-sqlite3';
import type { AgentDb } from './db.js';
import { actualRowSchema, type ActualRow } from '../../protocols/messages/pos/actuals.js';
import { SalesHistory, type HistoryActual } from '../../protocols/features/sales-history.js';
import { quarantineInvalidRows } from './quarantine.js';
import { DEFAULT_SALES_DATE_BOUNDS, salesDateProblem, salesDayNumber, type SalesDateBounds } from '../../protocols/data/sales-date.js';

/** Columns of a stored actual, as SQLite returns them. */
interface StoredActual {
  store: string;
  item: string;
  date: string;
  units: number;
  price: number | null;
  promo: number | null;
}

/** The message row a stored actual stands for (promo 1/0/null → true/false/absent). */
function asActualRow(row: StoredActual): Record<string, unknown> {
  return { store: row.store, item: row.item, date: row.date, units: row.units, price: row.price ?? undefined, promo: row.promo === null ? undefined : row.promo === 1 };
}

/**
 * Actual sales reported by the POS (issue #5 "Actuals"): durable in SQLite, mirrored in an
 * in-memory history index (protocols/features SalesHistory, the one the shared feature executor
 * reads) so that feature building on the request path never touches the disk. A re-sent day
 * replaces the earlier value (POS corrections). Rows reach `record` only after the message
 * schema (bounded sales dates) accepted them; rows stored by an older agent that today's
 * schema refuses are quarantined at start (issue #9 finding 1), so the replay never throws.
 */
export class ActualsStore {
  private readonly db: AgentDb;
  private readonly bounds: SalesDateBounds;
  /** The history lag and rolling features read, bounded to `historyDays` per (store, item). */
  readonly history: SalesHistory;
  /** Stored rows moved to `quarantine` when this store opened. */
  readonly quarantined: number;
  private readonly upsert: Statement<[string, string, string, number, number | null, number | null]>;

  /**
   * `historyDays`: days per (store, item) kept in memory (longest look-back + retention);
   * `bounds`: the sales dates this agent accepts (config `salesDates`).
   */
  constructor(db: AgentDb, historyDays: number, bounds: SalesDateBounds = DEFAULT_SALES_DATE_BOUNDS) {
    this.db = db;
    this.bounds = bounds;
    this.history = new SalesHistory({ maxDays: historyDays });
    db.exec(`CREATE TABLE IF NOT EXISTS actuals (
      store TEXT NOT NULL, item TEXT NOT NULL, date TEXT NOT NULL,
      units REAL NOT NULL, price REAL, promo INTEGER,
      PRIMARY KEY (store, item, date)
    ) WITHOUT ROWID`);
    this.quarantined = quarantineInvalidRows(db, {
      table: 'actuals',
      keyColumns: ['store', 'item', 'date'],
      problem: (row) => {
        const parsed = actualRowSchema.safeParse(asActualRow(row as unknown as StoredActual));
        if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
        const problem = salesDateProblem(parsed.data.date, bounds);
        return problem === null ? null : `date: ${problem}`;
      },
    });
    this.upsert = db.prepare('INSERT OR REPLACE INTO actuals (store, item, date, units, price, promo) VALUES (?, ?, ?, ?, ?, ?)');
    // Primary-key order gives each series oldest day first, so its window never slides back.
    const rows = db.prepare('SELECT store, item, date, units, price, promo FROM actuals ORDER BY store, item, date').iterate() as IterableIterator<StoredActual>;
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
   * actuals are newer truth. Returns the rows added. The agent's sales-date bounds hold here
   * as for POS actuals: one row outside them refuses the whole seed before anything is stored (issue #9).
   */
  seed(rows: readonly HistoryActual[]): number {
    for (const row of rows) salesDayNumber(row.date, this.bounds);
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
   * index forgets them as newer days slide each series' window.
   */
  prune(cutoffDate: string): number {
    return this.db.prepare('DELETE FROM actuals WHERE date < ?').run(cutoffDate).changes;
  }
}
