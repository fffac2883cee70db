import { randomUUID } from 'node:crypto';
import type { AgentDb } from './db.js';
import type { OutboxRecord } from '../../protocols/messages/up.js';

/** A record before the outbox numbers it (every kind except `dropped`, which the outbox writes itself). */
export type OutboxEntry = OutboxRecord extends infer R ? (R extends { seq: number } ? Omit<R, 'seq'> : never) : never;

/** Fixed per-row overhead counted against the budget besides the JSON body (row header, index entry). */
const ROW_OVERHEAD_BYTES = 64;

/**
 * The agent's durable outbox (issue #5 "Outbox"): every telemetry, drift, accuracy, scoring
 * and heartbeat record gets a strictly increasing sequence number (AUTOINCREMENT never reuses
 * one, even after deletes), stays until the controller acks it, and lives within a disk
 * budget. Over budget the oldest records go first, and the loss is itself recorded as a
 * `dropped` record so the controller sees the gap instead of guessing.
 */
export class Outbox {
  private readonly db: AgentDb;
  private readonly budgetBytes: number;
  private usedBytes: number;
  /** This outbox's incarnation (see `incarnationSchema`), fixed for the life of the database. */
  readonly incarnation: string;

  constructor(db: AgentDb, budgetBytes: number) {
    this.db = db;
    this.budgetBytes = budgetBytes;
    db.exec(`CREATE TABLE IF NOT EXISTS outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      kind TEXT NOT NULL,
      body TEXT NOT NULL,
      bytes INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS outbox_incarnation (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      incarnation TEXT NOT NULL
    )`);
    // Generated once per database (issue #9 finding 7): sequence numbers restart with a new
    // data dir (re-flash), and the incarnation tells the controller they are new records.
    db.prepare('INSERT OR IGNORE INTO outbox_incarnation (id, incarnation) VALUES (1, ?)').run(randomUUID());
    this.incarnation = (db.prepare('SELECT incarnation FROM outbox_incarnation WHERE id = 1').get() as { incarnation: string }).incarnation;
    this.usedBytes = (db.prepare('SELECT COALESCE(SUM(bytes), 0) AS used FROM outbox').get() as { used: number }).used;
  }

  /** Appends records in one transaction and returns their sequence numbers. */
  append(entries: OutboxEntry[]): number[] {
    const insert = this.db.prepare('INSERT INTO outbox (kind, body, bytes) VALUES (?, ?, ?)');
    const run = this.db.transaction((batch: OutboxEntry[]) => {
      const seqs: number[] = [];
      for (const entry of batch) {
        const body = JSON.stringify(entry);
        const bytes = Buffer.byteLength(body) + ROW_OVERHEAD_BYTES;
        seqs.push(Number(insert.run(entry.kind, body, bytes).lastInsertRowid));
        this.usedBytes += bytes;
      }
      this.enforceBudget();
      return seqs;
    });
    return run(entries);
  }

  /** Oldest `limit` records with their sequence numbers, for the next `up` batch. */
  oldest(limit: number): OutboxRecord[] {
    const rows = this.db.prepare('SELECT seq, body FROM outbox ORDER BY seq LIMIT ?').all(limit) as Array<{ seq: number; body: string }>;
    return rows.map((row) => ({ ...(JSON.parse(row.body) as OutboxEntry), seq: row.seq }) as OutboxRecord);
  }

  /** Deletes acknowledged records `fromSeq..toSeq` (an ack for records already gone is harmless). */
  acknowledge(fromSeq: number, toSeq: number): number {
    const run = this.db.transaction(() => {
      const freed = (this.db.prepare('SELECT COALESCE(SUM(bytes), 0) AS freed FROM outbox WHERE seq BETWEEN ? AND ?').get(fromSeq, toSeq) as { freed: number }).freed;
      const deleted = this.db.prepare('DELETE FROM outbox WHERE seq BETWEEN ? AND ?').run(fromSeq, toSeq).changes;
      this.usedBytes -= freed;
      return deleted;
    });
    return run();
  }

  /** Bytes counted against the budget. */
  pendingBytes(): number {
    return this.usedBytes;
  }

  /** Highest sequence number ever assigned (0 before the first record). */
  lastSeq(): number {
    const row = this.db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").get() as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  /**
   * Drops oldest records until the outbox fits its budget, then appends one `dropped` record
   * covering them. An older `dropped` record caught in the sweep is folded into the new one
   * (its count and range carry over), so the total loss is always reported exactly.
   */
  private enforceBudget(): void {
    if (this.usedBytes <= this.budgetBytes) return;
    const victims = this.db.prepare('SELECT seq, kind, body, bytes FROM outbox ORDER BY seq').iterate() as IterableIterator<{ seq: number; kind: string; body: string; bytes: number }>;
    let fromSeq = 0;
    let toSeq = 0;
    let count = 0;
    let freed = 0;
    // Reserve room for the `dropped` record written below.
    const target = this.budgetBytes - 256;
    for (const victim of victims) {
      if (this.usedBytes - freed <= target) break;
      const earlier = victim.kind === 'dropped' ? (JSON.parse(victim.body) as { count: number; fromSeq: number }) : null;
      if (fromSeq === 0) fromSeq = earlier ? earlier.fromSeq : victim.seq;
      toSeq = victim.seq;
      count += earlier ? earlier.count : 1;
      freed += victim.bytes;
    }
    if (toSeq === 0) return;
    this.db.prepare('DELETE FROM outbox WHERE seq <= ?').run(toSeq);
    this.usedBytes -= freed;
    const dropped: OutboxEntry = { kind: 'dropped', ts: new Date().toISOString(), count, fromSeq, toSeq };
    const body = JSON.stringify(dropped);
    const bytes = Buffer.byteLength(body) + ROW_OVERHEAD_BYTES;
    this.db.prepare('INSERT INTO outbox (kind, body, bytes) VALUES (?, ?, ?)').run('dropped', body, bytes);
    this.usedBytes += bytes;
  }
}
