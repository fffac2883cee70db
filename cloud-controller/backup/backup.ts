import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ProgressReporter } from '../../protocols/runtime/progress.js';
import { CONTROLLER_DB_FILE, type ControllerDb } from '../storage/db.js';
import { ARTIFACTS_DIR, sha256File } from '../storage/artifacts.js';
import { TRUSTED_KEYS_DIR } from '../config/trusted-keys.js';
import { CONTROLLER_KEY_DIR } from '../deployments/controller-key.js';
import { BACKUP_MANIFEST_FILE, type BackupManifest } from './manifest.js';

/**
 * Broker material inside the data dir (controller identity, private CA and server certificate
 * of the embedded broker): restored devices must still trust the CA and the link must log in.
 */
const BROKER_DIR = 'broker';

/** Every regular file under `root`, as paths relative to `base`. */
export function listFiles(root: string, base: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    const path = join(root, entry.name);
    if (entry.isDirectory()) return listFiles(path, base);
    return entry.isFile() && !entry.name.endsWith('.tmp') ? [relative(base, path)] : [];
  }).sort();
}

/** Row count of every user table (sqlite_* internals excluded). */
export function tableRowCounts(db: ControllerDb): Record<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
  return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT COUNT(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number }).n]));
}

/** A backup or restore target must be new or empty, so nothing is silently overwritten or mixed. */
export function assertEmptyTarget(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new FleetcastError('FC_ERR_RESTORE_TARGET_NOT_EMPTY', dir, { dir });
}

/**
 * Backs up a live controller (issue #6 "Disaster recovery"): SQLite's online backup API copies
 * a consistent snapshot while the daemon keeps writing (DESIGN "Storage"), then artifacts,
 * trusted keys and broker material are copied and every file is hashed into the manifest. Artifacts are
 * content-addressed and immutable, so copying them after the snapshot cannot miss one the
 * snapshot references — at worst the backup holds an extra, unreferenced bundle.
 */
export async function backupController(db: ControllerDb, dataDir: string, outDir: string, progress: ProgressReporter): Promise<BackupManifest> {
  assertEmptyTarget(outDir);
  mkdirSync(outDir, { recursive: true });
  await db.backup(join(outDir, CONTROLLER_DB_FILE));
  // The controller key too (issue #11): agents honour rollbacks and key rotations signed by it only.
  const copied = [ARTIFACTS_DIR, TRUSTED_KEYS_DIR, BROKER_DIR, CONTROLLER_KEY_DIR].flatMap((folder) => listFiles(join(dataDir, folder), dataDir));
  progress.start(copied.length + 1, 'backup');
  for (const [index, path] of copied.entries()) {
    mkdirSync(dirname(join(outDir, path)), { recursive: true });
    copyFileSync(join(dataDir, path), join(outDir, path));
    progress.update(index + 1);
  }
  const files = [];
  for (const path of [CONTROLLER_DB_FILE, ...copied]) {
    files.push({ path, size: statSync(join(outDir, path)).size, sha256: await sha256File(join(outDir, path)) });
  }
  const manifest: BackupManifest = { formatVersion: 1, createdAt: new Date().toISOString(), files, tables: tableRowCounts(db) };
  writeFileSync(join(outDir, BACKUP_MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  progress.update(copied.length + 1);
  progress.stop();
  return manifest;
}
