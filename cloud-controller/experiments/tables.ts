import type { ControllerDb } from '../storage/db.js';
import { createTelemetryTables } from '../telemetry/tables.js';

/**
 * Experiments and their devices' arms (issue #13). The arm of a device is written once, when the
 * experiment is created (sticky): it never moves while the experiment runs.
 */
export function createExperimentTables(db: ControllerDb): void {
  // Status reads the agents' counters from the telemetry table, which may not exist yet.
  createTelemetryTables(db);
  db.exec(`
    CREATE TABLE IF NOT EXISTS experiments (
      experiment_id TEXT PRIMARY KEY,
      mode TEXT NOT NULL CHECK (mode IN ('split', 'shadow')),
      champion_name TEXT NOT NULL, champion_version INTEGER NOT NULL,
      challenger_name TEXT NOT NULL, challenger_version INTEGER NOT NULL,
      selector TEXT NOT NULL, split_percent REAL, sample_rate REAL NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('running', 'concluded')),
      created_at TEXT NOT NULL, created_by TEXT NOT NULL,
      concluded_at TEXT, winner TEXT
    );
    CREATE TABLE IF NOT EXISTS experiment_devices (
      experiment_id TEXT NOT NULL REFERENCES experiments (experiment_id),
      device_id TEXT NOT NULL,
      arm TEXT NOT NULL CHECK (arm IN ('champion', 'challenger', 'shadow')),
      PRIMARY KEY (experiment_id, device_id)
    ) WITHOUT ROWID;
  `);
}
