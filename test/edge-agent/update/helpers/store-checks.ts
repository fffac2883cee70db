import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TrustedKeys } from '../../../../protocols/bundle/keys.js';
import type { ModelRef } from '../../../../protocols/envelope.js';
import { readActivePointer } from '../../../../edge-agent/model-store/active-pointer.js';
import { verifyInstalledModel } from '../../../../edge-agent/model-store/installed-model.js';
import { runGoldenCheck } from '../../../../edge-agent/model-store/golden-check.js';

/**
 * What a test needs to say "the store serves a verified model": the active pointer, the
 * pointed-to directory passing signature + file-hash checks, the model loading in
 * onnxruntime with golden samples within tolerance.
 */
export async function servingModel(dataDir: string, trustedKeys: TrustedKeys): Promise<{ ref: ModelRef; goldenRows: number } | null> {
  const pointer = await readActivePointer(join(dataDir, 'models', 'active.json'));
  if (!pointer) return null;
  const model = await verifyInstalledModel(join(dataDir, 'models', 'versions', pointer.dir), pointer.model, trustedKeys);
  const golden = await runGoldenCheck(model);
  return { ref: pointer.model, goldenRows: golden.rows };
}

/** `PRAGMA integrity_check` of the agent database, plus its persisted update state. */
export function inspectAgentDb(dataDir: string): { integrity: string; state: string | null; downloadedBytes: number | null } {
  const db = new Database(join(dataDir, 'agent.db'));
  try {
    const integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? '';
    const row = db.prepare('SELECT state, deployment FROM update_state WHERE slot = 1').get() as { state: string; deployment: string | null } | undefined;
    const deployment = row?.deployment ? (JSON.parse(row.deployment) as { downloadedBytes: number }) : null;
    return { integrity, state: row?.state ?? null, downloadedBytes: deployment?.downloadedBytes ?? null };
  } finally {
    db.close();
  }
}
