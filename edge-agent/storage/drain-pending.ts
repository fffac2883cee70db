import type { AgentDb } from './db.js';
import type { Outbox, OutboxEntry } from './outbox.js';

/**
 * Moves every row of a pending-counter table into the outbox as records and empties the table,
 * in one transaction, so each counter is reported exactly once (accuracy, issue #5; experiment
 * differentials, issue #13). `select` orders the rows; returns how many moved.
 */
export function drainPendingCounters<Row>(db: AgentDb, table: string, select: string, outbox: Outbox, toEntry: (row: Row) => OutboxEntry): number {
  return db.transaction(() => {
    const rows = db.prepare(select).all() as Row[];
    if (rows.length === 0) return 0;
    outbox.append(rows.map(toEntry));
    db.prepare(`DELETE FROM ${table}`).run();
    return rows.length;
  })();
}
