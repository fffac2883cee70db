import { join } from 'node:path';
import type { AgentConfig } from '../config/schema.js';
import type { AgentServices, UpdateCommands } from '../ports.js';
import type { AgentDb } from '../storage/db.js';
import { ModelStore } from '../model-store/model-store.js';
import { trustedKeysFromConfig } from './trusted-keys.js';
import { UpdateManager } from './update-manager.js';
import { DEFAULT_KEEP_VERSIONS } from './defaults.js';
import type { BlobTransferOptions } from './blob-download.js';
import type { HttpTransferOptions } from './http-download.js';

export { DEFAULT_KEEP_VERSIONS };

/** Where the model store lives inside the agent's data directory. */
export function modelStoreRoot(dataDir: string): string {
  return join(dataDir, 'models');
}

/** The agent's SQLite file inside its data directory (shared with the serving side). */
export function agentDbPath(dataDir: string): string {
  return join(dataDir, 'agent.db');
}

/** What the daemon needs from the update side: its `DaemonExtensions`. */
export interface AgentUpdateParts {
  store: ModelStore;
  /** The active model source for the scorer (the model store). */
  modelSource: ModelStore;
  /** Builds the update engine once the daemon's services exist; resumes an interrupted update. */
  createUpdates(services: AgentServices & { db: AgentDb }): UpdateCommands & { manager: UpdateManager };
}

/** Tuning of the update side that the agent config does not (yet) carry. */
export interface AgentUpdateTuning {
  /** Versions kept for rollback (default DEFAULT_KEEP_VERSIONS). */
  keepVersions?: number;
  /** Chunked transfer tuning. */
  blob?: Partial<BlobTransferOptions>;
  /** HTTP range download tuning. */
  http?: Partial<HttpTransferOptions>;
}

/**
 * Wires the model store and the update engine for `startAgent(config, extensions)`: opens the
 * store under `<dataDir>/models`, and on `createUpdates` constructs the `UpdateManager` with
 * the daemon's SQLite handle, uplink and swap hook, then resumes whatever a crash
 * interrupted (issue #5 part B). The store polls its pointer, so an offline
 * `fleetcast agent install` beside the running daemon is picked up and swapped in. Call `manager.flushEvents()` when the uplink comes back online.
 */
export async function prepareAgentUpdates(config: AgentConfig, tuning: AgentUpdateTuning = {}): Promise<AgentUpdateParts> {
  const store = await ModelStore.open({ root: modelStoreRoot(config.dataDir), keepVersions: tuning.keepVersions ?? DEFAULT_KEEP_VERSIONS });
  const trustedKeys = trustedKeysFromConfig(config.trustedKeys);
  store.watchPointer();
  return {
    store,
    modelSource: store,
    createUpdates(services) {
      const manager = new UpdateManager({ db: services.db, store, trustedKeys, deviceId: config.deviceId, uplink: services.uplink, swapModel: services.swapModel, logger: services.logger, blob: tuning.blob, http: tuning.http });
      void manager.resume().catch((error: unknown) => services.logger.error({ err: error }, 'update resume failed'));
      return {
        manager,
        deploy: async (command) => {
          await manager.deploy(command);
        },
        rollback: async (command) => {
          await manager.rollback(command);
        },
      };
    },
  };
}
