import type { ControllerDb } from '../storage/db.js';

/**
 * Registry tables. `registry_history` is append-only (no UPDATE/DELETE anywhere in the code)
 * and is the source for "which version was in Production at time T". A partial unique index
 * enforces at most one Production version per model even if code were wrong.
 */
export function createRegistryTables(db: ControllerDb): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS models (
      name TEXT PRIMARY KEY,
      created_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS model_versions (
      name TEXT NOT NULL REFERENCES models(name),
      version INTEGER NOT NULL,
      stage TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      size INTEGER NOT NULL,
      run_id TEXT,
      kind TEXT NOT NULL,
      manifest TEXT NOT NULL,
      registered_at TEXT NOT NULL,
      registered_by TEXT NOT NULL,
      PRIMARY KEY (name, version)
    );
    CREATE UNIQUE INDEX IF NOT EXISTS one_production_per_model ON model_versions(name) WHERE stage = 'Production';
    CREATE TABLE IF NOT EXISTS model_aliases (
      name TEXT NOT NULL REFERENCES models(name),
      alias TEXT NOT NULL,
      version INTEGER NOT NULL,
      PRIMARY KEY (name, alias),
      FOREIGN KEY (name, version) REFERENCES model_versions(name, version)
    );
    CREATE TABLE IF NOT EXISTS model_version_tags (
      name TEXT NOT NULL,
      version INTEGER NOT NULL,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (name, version, key),
      FOREIGN KEY (name, version) REFERENCES model_versions(name, version)
    );
    CREATE TABLE IF NOT EXISTS registry_history (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL,
      version INTEGER,
      kind TEXT NOT NULL,
      from_value TEXT,
      to_value TEXT,
      actor TEXT NOT NULL,
      reason TEXT,
      at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS registry_history_name_at ON registry_history(name, at);
    CREATE TABLE IF NOT EXISTS registry_approvals (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL,
      version INTEGER NOT NULL,
      requested_by TEXT NOT NULL,
      reason TEXT,
      requested_at TEXT NOT NULL,
      status TEXT NOT NULL,
      decided_by TEXT,
      decided_at TEXT,
      FOREIGN KEY (name, version) REFERENCES model_versions(name, version)
    );
  `);
}
