import { z } from 'zod';
import type { ControllerDb } from '../storage/db.js';

/** One audit entry: who did what, when, and how it ended (issue #6 "every mutating call"). */
export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  /** Token name (API) or operator name (CLI); `anonymous` for refused unauthenticated calls. */
  actor: z.string(),
  role: z.string().nullable(),
  /** `POST /v1/models/m/versions/3/stage` or `cli registry promote`. */
  action: z.string(),
  /** Request parameters and body summary, as JSON text. */
  detail: z.string().nullable(),
  /** HTTP status (API) or exit status (CLI). */
  status: z.number().int(),
  /** `ok` or the FC_ERR_* code. */
  result: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Append-only audit log in the controller database. */
export class AuditLog {
  constructor(private readonly db: ControllerDb, private readonly now: () => Date = () => new Date()) {
    db.exec(`CREATE TABLE IF NOT EXISTS audit_log (
      id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT, action TEXT NOT NULL, detail TEXT, status INTEGER NOT NULL, result TEXT NOT NULL
    )`);
  }

  /** Appends one entry. */
  record(entry: Omit<AuditEntry, 'id' | 'at'>): void {
    this.db.prepare('INSERT INTO audit_log (at, actor, role, action, detail, status, result) VALUES (?, ?, ?, ?, ?, ?, ?)').run(this.now().toISOString(), entry.actor, entry.role, entry.action, entry.detail, entry.status, entry.result);
  }

  /** Newest entries first. */
  list(limit = 100): AuditEntry[] {
    return this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as AuditEntry[];
  }
}
