import type { ControllerDb } from '../storage/db.js';

/**
 * Desired state lives in SQLite (issue #6: "nothing depends on the broker's persistence"):
 * `deployments` is what an operator asked for; `desired_models` is, per device, the one
 * deployment it should be running, with the last status its `evt` messages reported.
 */
export function createDeploymentTables(db: ControllerDb): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS deployments (
      deployment_id TEXT PRIMARY KEY,
      model_name TEXT NOT NULL,
      model_version INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      size INTEGER NOT NULL,
      rollout_id TEXT,
      wave INTEGER,
      created_at TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS desired_models (
      device_id TEXT PRIMARY KEY,
      deployment_id TEXT NOT NULL REFERENCES deployments (deployment_id),
      status TEXT NOT NULL,
      update_state TEXT,
      error_code TEXT,
      detail TEXT,
      sent_count INTEGER NOT NULL DEFAULT 0,
      last_sent_at TEXT,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS desired_by_deployment ON desired_models (deployment_id);
  `);
  // Issue #11: who asked, whether it is a rollback, and whether the controller signs a downgrade
  // authorization into its commands. Added to data dirs created before the columns existed.
  const columns = new Set((db.prepare('PRAGMA table_info(deployments)').all() as Array<{ name: string }>).map((column) => column.name));
  if (!columns.has('kind')) db.exec("ALTER TABLE deployments ADD COLUMN kind TEXT NOT NULL DEFAULT 'deploy'");
  if (!columns.has('downgrade_authorized')) db.exec('ALTER TABLE deployments ADD COLUMN downgrade_authorized INTEGER NOT NULL DEFAULT 0');
  if (!columns.has('actor')) db.exec('ALTER TABLE deployments ADD COLUMN actor TEXT');
}
