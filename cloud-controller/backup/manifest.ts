import { z } from 'zod';
import { sha256Schema, timestampSchema } from '../../protocols/envelope.js';

/** Name of the manifest at the root of a backup folder. */
export const BACKUP_MANIFEST_FILE = 'backup-manifest.json';

/**
 * What a backup holds: every file (relative path, size, sha256) and the row count of every
 * table, so a restore can prove it got back exactly what was saved.
 */
export const backupManifestSchema = z.object({
  formatVersion: z.literal(1),
  createdAt: timestampSchema,
  files: z.array(z.object({ path: z.string().min(1), size: z.number().int().nonnegative(), sha256: sha256Schema })),
  tables: z.record(z.string(), z.number().int().nonnegative()),
});
export type BackupManifest = z.infer<typeof backupManifestSchema>;
