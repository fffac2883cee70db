import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';

/** The controller's SQLite handle (better-sqlite3). Each module creates its own tables on open. */
export type ControllerDb = Database.Database;

/** File name of the controller database inside the data dir (backup/restore rely on it). */
export const CONTROLLER_DB_FILE = 'controller.db';

/**
 * Opens (creating if needed) `<dataDir>/controller.db` in WAL mode (DESIGN "Storage"), so the
 * daemon, the CLI and the API can read while one writes. `busy_timeout` lets a CLI command
 * wait for the daemon's short write transactions instead of failing with SQLITE_BUSY.
 */
export function openControllerDb(dataDir: string): ControllerDb {
  try {
    mkdirSync(dataDir, { recursive: true });
    const db = new Database(join(dataDir, CONTROLLER_DB_FILE));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    return db;
  } catch (error) {
    throw new FleetcastError('FC_ERR_CONTROLLER_STORAGE', `${dataDir}: ${(error as Error).message}`, { dataDir }, { cause: error });
  }
}
