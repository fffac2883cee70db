import { loadControllerConfig, type ConfigSources } from './config/load.js';
import type { ControllerConfig } from './config/schema.js';
import { loadTrustedKeys } from './config/trusted-keys.js';
import type { TrustedKeys } from '../protocols/bundle/keys.js';
import { openControllerDb, type ControllerDb } from './storage/db.js';
import { Registry } from './registry/registry.js';
import { Fleet } from './fleet/fleet.js';
import { TokenStore } from './auth/tokens.js';
import { AuditLog } from './auth/audit-log.js';
import { StoreHistory } from './history/store-history.js';

/** The controller's core services over one data dir, shared by the daemon and the CLI. */
export interface ControllerContext {
  config: ControllerConfig;
  /** Keys pushed bundles must be signed with (config paths + `<dataDir>/trusted-keys/`). */
  trustedKeys: TrustedKeys;
  db: ControllerDb;
  registry: Registry;
  fleet: Fleet;
  tokens: TokenStore;
  audit: AuditLog;
  /** Stores' recent sales, sent with deployments so stores start with history (issue #10). */
  history: StoreHistory;
  close(): void;
}

/** Loads config (file < env < flags), opens the data dir and builds registry, fleet, tokens and audit log on it. */
export function openControllerContext(sources: ConfigSources, now?: () => Date): ControllerContext {
  const config = loadControllerConfig(sources);
  const db = openControllerDb(config.dataDir);
  const trustedKeys = loadTrustedKeys(config.dataDir, config.trustedKeys);
  const registry = new Registry(db, {
    dataDir: config.dataDir,
    trustedKeys,
    requireProductionApproval: config.registry.requireProductionApproval,
    now,
  });
  return { config, trustedKeys, db, registry, fleet: new Fleet(db, now), tokens: new TokenStore(db, now), audit: new AuditLog(db, now), history: new StoreHistory(db, config.dataDir, now), close: () => db.close() };
}
