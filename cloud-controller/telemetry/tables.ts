import type { ControllerDb } from '../storage/db.js';

/**
 * One row per outbox record, keyed by (device, seq): the agent's outbox numbers records
 * strictly increasing per device, so the key makes re-delivered batches harmless (issue #6,
 * "idempotent by (device, seq)"). The record itself is kept as JSON for the queries.
 */
export function createTelemetryTables(db: ControllerDb): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS telemetry_records (
      device_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      kind TEXT NOT NULL,
      ts TEXT NOT NULL,
      model_name TEXT,
      model_version INTEGER,
      body TEXT NOT NULL,
      received_at TEXT NOT NULL,
      PRIMARY KEY (device_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS telemetry_by_kind_ts ON telemetry_records (kind, ts);
    CREATE INDEX IF NOT EXISTS telemetry_by_model ON telemetry_records (model_name, model_version, kind);
  `);
}
