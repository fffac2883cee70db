import type { AgentDb } from './db.js';
import { salesDateProblem } from '../../protocols/data/sales-date.js';

/** One table whose stored rows are re-checked at start. */
export interface QuarantineCheck {
  /** Table to scan (created by its owner before the check). */
  table: string;
  /** Primary-key columns, to delete a moved row (the tables are WITHOUT ROWID). */
  keyColumns: readonly string[];
  /** SQL condition limiting the scan to rows that can be affected (e.g. one outbox record kind). */
  where?: string;
  /** Why a stored row is unusable, or null when it is fine. */
  problem(row: Record<string, unknown>): string | null;
}

/**
 * Moves stored rows that today's rules refuse into `quarantine` (issue #9 finding 1: actuals
 * dated 0050-01-01, committed by an older agent, made every restart throw). Nothing is
 * deleted outright — the row's JSON stays for an operator to inspect or repair — and the
 * agent always starts. Returns how many rows moved (reported in the next heartbeat).
 */
export function quarantineInvalidRows(db: AgentDb, check: QuarantineCheck, now: Date = new Date()): number {
  // A table not created yet (first start) holds nothing to check.
  if (!db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(check.table)) return 0;
  db.exec(`CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_table TEXT NOT NULL, row_json TEXT NOT NULL, reason TEXT NOT NULL, quarantined_at TEXT NOT NULL
  )`);
  // Iterate rather than load: the table may hold millions of good rows and only a few bad ones.
  const bad: Array<{ row: Record<string, unknown>; reason: string }> = [];
  for (const row of db.prepare(`SELECT * FROM ${check.table}${check.where ? ` WHERE ${check.where}` : ''}`).iterate() as IterableIterator<Record<string, unknown>>) {
    let reason: string | null;
    try {
      reason = check.problem(row);
    } catch (error) {
      // A row the check cannot even read (corrupt JSON) is just as unusable.
      reason = `unreadable: ${(error as Error).message}`;
    }
    if (reason !== null) bad.push({ row, reason });
  }
  if (bad.length === 0) return 0;
  const insert = db.prepare('INSERT INTO quarantine (source_table, row_json, reason, quarantined_at) VALUES (?, ?, ?, ?)');
  const remove = db.prepare(`DELETE FROM ${check.table} WHERE ${check.keyColumns.map((column) => `${column} IS ?`).join(' AND ')}`);
  db.transaction(() => {
    for (const { row, reason } of bad) {
      insert.run(check.table, JSON.stringify(row), reason, now.toISOString());
      remove.run(...check.keyColumns.map((column) => row[column]));
    }
  })();
  return bad.length;
}

/**
 * Queued `accuracy` outbox records whose `day` the controller now refuses: left in place they
 * would fail every later `up` batch (issue #9). Runs before the outbox counts its bytes.
 */
export const outboxAccuracyDays: QuarantineCheck = {
  table: 'outbox',
  keyColumns: ['seq'],
  where: "kind = 'accuracy'",
  problem: (row) => salesDateProblem((JSON.parse(String(row.body)) as { day?: unknown }).day),
};
