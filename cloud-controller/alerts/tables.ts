import type { ControllerDb } from '../storage/db.js';

/**
 * Alerts and their notification deliveries (issue #12). The partial unique index keeps one
 * unresolved alert per rule and subject (deduplication); UNIQUE (alert, channel, event) makes
 * every notification a single row, so each reaches each channel at most once.
 */
export function createAlertTables(db: ControllerDb): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS alerts (
      id TEXT PRIMARY KEY,
      rule TEXT NOT NULL,
      severity TEXT NOT NULL,
      level TEXT NOT NULL,
      subject TEXT NOT NULL,
      model TEXT,
      state TEXT NOT NULL,
      opened_at TEXT NOT NULL,
      acknowledged_at TEXT,
      acknowledged_by TEXT,
      resolved_at TEXT,
      resolved_by TEXT,
      escalated_at TEXT,
      evidence TEXT NOT NULL
    );
    CREATE UNIQUE INDEX IF NOT EXISTS alerts_one_unresolved ON alerts (rule, level, subject) WHERE state != 'resolved';
    CREATE INDEX IF NOT EXISTS alerts_by_state ON alerts (state, opened_at);
    CREATE TABLE IF NOT EXISTS alert_deliveries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      alert_id TEXT NOT NULL REFERENCES alerts(id),
      channel TEXT NOT NULL,
      event TEXT NOT NULL,
      status TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT NOT NULL,
      last_error TEXT,
      created_at TEXT NOT NULL,
      delivered_at TEXT,
      UNIQUE (alert_id, channel, event)
    );
    CREATE INDEX IF NOT EXISTS alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
  `);
}
