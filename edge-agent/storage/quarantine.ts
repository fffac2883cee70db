import type { AgentDb } from './db.js';

/** One table whose stored rows are re-checked at start. */
export interface QuarantineCheck {
  /** Table to scan (created by its owner before the check). */
  table: string;
  /** Primary-key columns, to delete a moved row (the tables are WITHOUT ROWID). */
  keyColumns: readonly string[];
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
  db.exec(`CREATE TABLE IF NOT EXISTS quarantine (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    source_table TEXT NOT NULL, row_json TEXT NOT NULL, reason TEXT NOT NULL, quarantined_at TEXT NOT NULL
  )`);
  // Iterate rather than load: the table may hold millions of good rows and only a few bad ones.
  const bad: Array<{ row: Record<string, unknown>; reason: string }> = [];
  for (const row of db.prepare(`SELECT * FROM ${check.table}`).iterate() as IterableIterator<Record<string, unknown>>) {
    const reason = check.problem(row);
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
