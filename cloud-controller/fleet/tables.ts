import type { ControllerDb } from '../storage/db.js';

/**
 * Fleet tables. `devices` holds enrolment (operator-supplied) and inventory (device-reported)
 * side by side so that `devices list` is one query; credentials live only as scrypt hashes.
 */
export function createFleetTables(db: ControllerDb): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS devices (
      id TEXT PRIMARY KEY,
      store TEXT NOT NULL,
      region TEXT NOT NULL,
      timezone TEXT NOT NULL,
      tags TEXT NOT NULL,
      profile TEXT NOT NULL,
      secret_hash TEXT NOT NULL,
      enrolled_at TEXT NOT NULL,
      revoked_at TEXT,
      online INTEGER NOT NULL DEFAULT 0,
      last_seen_at TEXT,
      last_state_ts TEXT,
      offline_reason TEXT,
      reported TEXT
    );
    CREATE INDEX IF NOT EXISTS devices_store ON devices(store);
    CREATE INDEX IF NOT EXISTS devices_region ON devices(region);
  `);
  // Issue #13: the store's opening hours (JSON), added to data dirs created before the column existed.
  const columns = new Set((db.prepare('PRAGMA table_info(devices)').all() as Array<{ name: string }>).map((column) => column.name));
  if (!columns.has('opening_hours')) db.exec("ALTER TABLE devices ADD COLUMN opening_hours TEXT NOT NULL DEFAULT '[]'");
}
