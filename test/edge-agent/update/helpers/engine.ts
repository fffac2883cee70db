import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrustedKeys } from '../../../../protocols/bundle/keys.js';
import { createLogger } from '../../../../protocols/runtime/logger.js';
import { openAgentDb, type AgentDb } from '../../../../edge-agent/storage/db.js';
import { ModelStore } from '../../../../edge-agent/model-store/model-store.js';
import { UpdateManager, type UpdateManagerOptions } from '../../../../edge-agent/update/update-manager.js';

/** A fresh temp data directory. */
export function tempDataDir(prefix = 'fc-update-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** An in-process update engine on a REAL SQLite file and model store under `dataDir`. */
export async function openEngine(dataDir: string, trustedKeys: TrustedKeys, extra: Partial<UpdateManagerOptions> = {}): Promise<{ manager: UpdateManager; store: ModelStore; db: AgentDb; close(): void }> {
  const store = await ModelStore.open({ root: join(dataDir, 'models'), keepVersions: 2 });
  const db = openAgentDb(join(dataDir, 'agent.db'));
  const manager = new UpdateManager({ db, store, trustedKeys, deviceId: 'store-1', uplink: null, logger: createLogger('test', { level: 'silent' }), ...extra });
  return { manager, store, db, close: () => db.close() };
}
