import { join } from 'node:path';
import type { AgentConfig } from '../config/schema.js';
import type { AgentServices, UpdateCommands } from '../ports.js';
import type { AgentDb } from '../storage/db.js';
import { ModelStore } from '../model-store/model-store.js';
import { SigningKeyRing, trustedKeysFromConfig } from './trusted-keys.js';
import { DEFAULT_BLOB, UpdateManager } from './update-manager.js';
import { fetchStoreHistory } from '../history/fetch-store-history.js';
import type { StoreHistorySource } from '../../protocols/features/store-history-file.js';
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

/**
 * Fetches the store history a deploy command names and seeds the serving history with it. A
 * failed fetch does not stop the deployment: the model still serves, and replies say
 * `history: partial|none` until actuals arrive.
 */
async function seedFromController(source: StoreHistorySource, services: AgentServices, deviceId: string, dir: string, blob: BlobTransferOptions): Promise<void> {
  try {
    const rows = await fetchStoreHistory({ uplink: services.uplink, sender: { role: 'device', id: deviceId }, source, dir, logger: services.logger, blob });
    const added = services.seedHistory?.(rows) ?? 0;
    services.logger.info({ store: source.store, rows: rows.length, added, to: source.to }, 'store history seeded');
  } catch (error) {
    services.logger.warn({ err: error, store: source.store }, 'store history not fetched; serving with local history only');
  }
}

/** What the daemon needs from the update side: its `DaemonExtensions`. */
export interface AgentUpdateParts {
  store: ModelStore;
  /** The active model source for the scorer (the model store). */
  modelSource: ModelStore;
  /** Builds the update engine once the daemon's services exist; resumes an interrupted update. */
  createUpdates(services: AgentServices & { db: AgentDb }): UpdateCommands & { manager: UpdateManager; keyRing: SigningKeyRing };
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
  const configKeys = trustedKeysFromConfig(config.trustedKeys);
  const controllerKeys = trustedKeysFromConfig(config.controllerKeys);
  store.watchPointer();
  return {
    store,
    modelSource: store,
    createUpdates(services) {
      const keyRing = new SigningKeyRing(services.db, configKeys, controllerKeys, services.logger);
      const manager = new UpdateManager({ db: services.db, store, trustedKeys: keyRing.keys, controllerKeys, deviceId: config.deviceId, uplink: services.uplink, swapModel: services.swapModel, logger: services.logger, blob: tuning.blob, http: { ...tuning.http, credentials: httpCredentials(config) } });
      void manager.resume().catch((error: unknown) => services.logger.error({ err: error }, 'update resume failed'));
      return {
        manager,
        keyRing,
        applySigningKeys: (command) => {
          keyRing.apply(command);
        },
        deploy: async (command) => {
          // History first, so the first forecast after the switch has full lag features (issue #10).
          if (command.history && services.seedHistory && manager.currentDeployment()?.deploymentId !== command.deploymentId) {
            await seedFromController(command.history, services, config.deviceId, join(config.dataDir, 'history'), { ...DEFAULT_BLOB, ...tuning.blob });
          }
          await manager.deploy(command);
        },
        rollback: async (command) => {
          await manager.rollback(command);
        },
        installBeside: (installId, model, bundle) => manager.installBeside(installId, model, bundle),
      };
    },
  };
}

/** The device login the controller's bundle route expects (HTTP Basic, same as MQTT); none without an uplink. */
export function httpCredentials(config: AgentConfig): { username: string; password: string } | undefined {
  return config.uplink ? { username: config.deviceId, password: config.uplink.password } : undefined;
}
