import { randomBytes } from 'node:crypto';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ControllerDb } from '../storage/db.js';
import { alertViewSchema, type AlertRule, type AlertState, type AlertView } from './schema.js';
import { createAlertTables } from './tables.js';

interface AlertRow {
  id: string;
  rule: string;
  severity: AlertView['severity'];
  level: AlertView['level'];
  subject: string;
  model: string | null;
  state: AlertState;
  opened_at: string;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  escalated_at: string | null;
  evidence: string;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A stored row that no longer parses is shown with empty evidence rather than stopping the listing. */
function toView(row: AlertRow): AlertView {
  const view = {
    id: row.id, rule: row.rule, severity: row.severity, level: row.level, subject: row.subject, model: row.model, state: row.state, openedAt: row.opened_at,
    acknowledgedAt: row.acknowledged_at, acknowledgedBy: row.acknowledged_by, resolvedAt: row.resolved_at, resolvedBy: row.resolved_by, escalatedAt: row.escalated_at,
    evidence: parseJson(row.evidence),
  };
  const parsed = alertViewSchema.safeParse(view);
  return parsed.success ? parsed.data : { ...view, evidence: { metric: 'accuracy.wape', threshold: 0, comparison: 'above', windows: [] } } as AlertView;
}

/** Filter of `list`. */
export interface AlertFilter {
  state?: AlertState | 'unresolved';
  level?: AlertView['level'];
  subject?: string;
  limit?: number;
}

/** Alerts in SQLite: open (deduplicated per rule and subject), acknowledge, resolve, escalate. */
export class AlertStore {
  constructor(private readonly db: ControllerDb) {
    createAlertTables(db);
  }

  /** The unresolved alert of a rule and subject, if any. */
  unresolved(rule: string, level: string, subject: string): AlertView | null {
    const row = this.db.prepare("SELECT * FROM alerts WHERE rule = ? AND level = ? AND subject = ? AND state != 'resolved'").get(rule, level, subject) as AlertRow | undefined;
    return row ? toView(row) : null;
  }

  /**
   * Opens an alert for `rule` and `subject`, or refreshes the evidence of the one already
   * unresolved (grouping: one alert while it lasts). `created` says which happened.
   */
  openOrUpdate(rule: AlertRule, subject: string, evidence: AlertView['evidence'], now: Date): { alert: AlertView; created: boolean } {
    return this.db.transaction(() => {
      const existing = this.unresolved(rule.name, rule.level, subject);
      if (existing) {
        this.db.prepare('UPDATE alerts SET evidence = ? WHERE id = ?').run(JSON.stringify(evidence), existing.id);
        return { alert: this.get(existing.id), created: false };
      }
      const id = `alert-${randomBytes(6).toString('hex')}`;
      this.db
        .prepare("INSERT INTO alerts (id, rule, severity, level, subject, model, state, opened_at, evidence) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?)")
        .run(id, rule.name, rule.severity, rule.level, subject, rule.model ?? null, now.toISOString(), JSON.stringify(evidence));
      return { alert: this.get(id), created: true };
    })();
  }

  get(id: string): AlertView {
    const row = this.db.prepare('SELECT * FROM alerts WHERE id = ?').get(id) as AlertRow | undefined;
    if (!row) throw new FleetcastError('FC_ERR_ALERT_NOT_FOUND', id, { id });
    return toView(row);
  }

  /** Alerts newest first. */
  list(filter: AlertFilter = {}): AlertView[] {
    const params: Record<string, string | number> = { limit: Math.min(filter.limit ?? 500, 5_000) };
    const clauses = filter.state === 'unresolved' ? ["state != 'resolved'"] : [];
    const equalities = { state: filter.state === 'unresolved' ? undefined : filter.state, level: filter.level, subject: filter.subject };
    for (const [column, value] of Object.entries(equalities)) {
      if (value === undefined) continue;
      clauses.push(`${column} = @${column}`);
      params[column] = value;
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    return (this.db.prepare(`SELECT * FROM alerts ${where} ORDER BY opened_at DESC, id LIMIT @limit`).all(params) as AlertRow[]).map(toView);
  }

  /** Acknowledges an open alert (acknowledging again is a no-op); `changed` is false when it already was. */
  acknowledge(id: string, actor: string, now: Date): { alert: AlertView; changed: boolean } {
    const alert = this.get(id);
    if (alert.state === 'resolved') throw new FleetcastError('FC_ERR_ALERT_STATE', `${id} is resolved`, { id });
    if (alert.state === 'acknowledged') return { alert, changed: false };
    this.db.prepare("UPDATE alerts SET state = 'acknowledged', acknowledged_at = ?, acknowledged_by = ? WHERE id = ?").run(now.toISOString(), actor, id);
    return { alert: this.get(id), changed: true };
  }

  /** Resolves an alert (resolving again is a no-op). */
  resolve(id: string, actor: string, now: Date): { alert: AlertView; changed: boolean } {
    const alert = this.get(id);
    if (alert.state === 'resolved') return { alert, changed: false };
    this.db.prepare("UPDATE alerts SET state = 'resolved', resolved_at = ?, resolved_by = ? WHERE id = ?").run(now.toISOString(), actor, id);
    return { alert: this.get(id), changed: true };
  }

  /** Critical alerts still open (unacknowledged) since before `cutoff` and not yet escalated. */
  dueForEscalation(cutoff: Date): AlertView[] {
    return (this.db
      .prepare("SELECT * FROM alerts WHERE severity = 'critical' AND state = 'open' AND escalated_at IS NULL AND opened_at <= ? ORDER BY opened_at")
      .all(cutoff.toISOString()) as AlertRow[]).map(toView);
  }

  markEscalated(id: string, now: Date): void {
    this.db.prepare('UPDATE alerts SET escalated_at = ? WHERE id = ?').run(now.toISOString(), id);
  }
}
