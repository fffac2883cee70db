import type { ControllerDb } from '../storage/db.js';

/**
 * Incarnation stored for batches that name none (agents older than issue #9, and every row
 * ingested before the column existed): one legacy incarnation per device.
 */
export const LEGACY_INCARNATION = '';

const CREATE_RECORDS = `
    CREATE TABLE IF NOT EXISTS telemetry_records (
      device_id TEXT NOT NULL,
      incarnation TEXT NOT NULL DEFAULT '',
      seq INTEGER NOT NULL,
      kind TEXT NOT NULL,
      ts TEXT NOT NULL,
      model_name TEXT,
      model_version INTEGER,
      body TEXT NOT NULL,
      received_at TEXT NOT NULL,
      PRIMARY KEY (device_id, incarnation, seq)
    ) WITHOUT ROWID`;

/**
 * One row per outbox record, keyed by (device, incarnation, seq): an agent's outbox numbers
 * records strictly increasing within its incarnation, so the key makes re-delivered batches
 * harmless (issue #6) while a re-flashed device, whose sequence restarts at 1 under a new
 * incarnation, is stored rather than deduplicated away (issue #9 finding 7). The record
 * itself is kept as JSON for the queries.
 */
export function createTelemetryTables(db: ControllerDb): void {
  migrateToIncarnations(db);
  db.exec(`${CREATE_RECORDS};
    CREATE INDEX IF NOT EXISTS telemetry_by_kind_ts ON telemetry_records (kind, ts);
    CREATE INDEX IF NOT EXISTS telemetry_by_model ON telemetry_records (model_name, model_version, kind);
  `);
}

/**
 * Databases from before issue #9 key records by (device, seq). SQLite cannot change a primary
 * key in place, so the table is rebuilt once, in one transaction, with every existing row
 * under the legacy incarnation; a crash mid-way leaves the old table as it was.
 */
function migrateToIncarnations(db: ControllerDb): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('telemetry_records')").all() as Array<{ name: string }>;
  if (columns.length === 0 || columns.some((column) => column.name === 'incarnation')) return;
  db.transaction(() => {
    db.exec(`ALTER TABLE telemetry_records RENAME TO telemetry_records_before_incarnation;
      DROP INDEX IF EXISTS telemetry_by_kind_ts;
      DROP INDEX IF EXISTS telemetry_by_model;
      ${CREATE_RECORDS};
      INSERT INTO telemetry_records (device_id, incarnation, seq, kind, ts, model_name, model_version, body, received_at)
        SELECT device_id, '${LEGACY_INCARNATION}', seq, kind, ts, model_name, model_version, body, received_at FROM telemetry_records_before_incarnation;
      DROP TABLE telemetry_records_before_incarnation;`);
  })();
}
