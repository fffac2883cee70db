import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, isAbsolute } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ProgressReporter } from '../../protocols/runtime/progress.js';
import { openControllerDb } from '../storage/db.js';
import { sha256File } from '../storage/artifacts.js';
import { assertEmptyTarget, tableRowCounts } from './backup.js';
import { BACKUP_MANIFEST_FILE, backupManifestSchema, type BackupManifest } from './manifest.js';
import { resolveUnder } from '../../protocols/paths.js';

function readManifest(fromDir: string): BackupManifest {
  const path = join(fromDir, BACKUP_MANIFEST_FILE);
  if (!existsSync(path)) throw new FleetcastError('FC_ERR_BACKUP_INVALID', `${BACKUP_MANIFEST_FILE} missing in ${fromDir}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new FleetcastError('FC_ERR_BACKUP_INVALID', `${BACKUP_MANIFEST_FILE} is not JSON`, undefined, { cause: error });
  }
  const parsed = backupManifestSchema.safeParse(raw);
  if (!parsed.success) throw new FleetcastError('FC_ERR_BACKUP_INVALID', `${BACKUP_MANIFEST_FILE}: ${parsed.error.issues[0].path.join('.')}`);
  for (const file of parsed.data.files) {
    // A manifest path must stay inside the backup (no `..`, no absolute paths).
    if (isAbsolute(file.path) || normalize(file.path).startsWith('..')) throw new FleetcastError('FC_ERR_BACKUP_INVALID', `path ${file.path}`);
  }
  return parsed.data;
}

/**
 * Restores a backup into a new, empty data dir: every file is checked against the manifest
 * (size and sha256) before anything is written, then the restored database must pass
 * `integrity_check` and hold the same row count per table as when it was saved.
 */
export async function restoreController(fromDir: string, dataDir: string, progress: ProgressReporter): Promise<BackupManifest> {
  const manifest = readManifest(fromDir);
  assertEmptyTarget(dataDir);
  progress.start(manifest.files.length * 2, 'restore');
  for (const [index, file] of manifest.files.entries()) {
    const source = resolveUnder(fromDir, file.path);
    if (!existsSync(source) || statSync(source).size !== file.size || (await sha256File(source)) !== file.sha256) {
      throw new FleetcastError('FC_ERR_BACKUP_INVALID', `${file.path} is missing or changed`, { path: file.path });
    }
    progress.update(index + 1);
  }
  for (const [index, file] of manifest.files.entries()) {
    // Manifest paths are data, not trusted: each must stay inside both dirs (issue #9).
    const target = resolveUnder(dataDir, file.path);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(resolveUnder(fromDir, file.path), target);
    progress.update(manifest.files.length + index + 1);
  }
  progress.stop();
  const db = openControllerDb(dataDir);
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new FleetcastError('FC_ERR_BACKUP_INVALID', `integrity_check: ${String(integrity)}`);
    const counts = tableRowCounts(db);
    for (const [table, rows] of Object.entries(manifest.tables)) {
      if (counts[table] !== rows) throw new FleetcastError('FC_ERR_BACKUP_INVALID', `table ${table}: ${counts[table]} rows, manifest says ${rows}`, { table });
    }
  } finally {
    db.close();
  }
  return manifest;
}
