import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve, dirname } from 'node:path';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { controllerConfigSchema, type ControllerConfig } from './schema.js';

/** Where configuration comes from, in increasing precedence: file < environment < flags. */
export interface ConfigSources {
  /** JSON config file; missing when the operator relies on defaults. */
  configPath?: string;
  /** `--data-dir` flag. */
  dataDir?: string;
  /** Environment (process.env in production, explicit in tests). */
  env?: NodeJS.ProcessEnv;
}

function readConfigFile(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', path, { path });
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new FleetcastError('FC_ERR_INVALID_CONFIG', `${path} is not valid JSON`, { path }, { cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FleetcastError('FC_ERR_INVALID_CONFIG', `${path} must hold a JSON object`, { path });
  return parsed as Record<string, unknown>;
}

function parseBoolean(name: string, value: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new FleetcastError('FC_ERR_INVALID_CONFIG', `${name} must be true or false`, { name });
}

function applyEnvironment(raw: Record<string, unknown>, env: NodeJS.ProcessEnv): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...raw };
  const api = { ...((raw.api as Record<string, unknown> | undefined) ?? {}) };
  const registry = { ...((raw.registry as Record<string, unknown> | undefined) ?? {}) };
  if (env.FLEETCAST_DATA_DIR) merged.dataDir = env.FLEETCAST_DATA_DIR;
  if (env.FLEETCAST_API_HOST) api.host = env.FLEETCAST_API_HOST;
  if (env.FLEETCAST_API_PORT) {
    if (!/^\d+$/.test(env.FLEETCAST_API_PORT)) throw new FleetcastError('FC_ERR_INVALID_CONFIG', 'FLEETCAST_API_PORT must be a port number');
    api.port = Number(env.FLEETCAST_API_PORT);
  }
  if (env.FLEETCAST_TRUSTED_KEYS) merged.trustedKeys = env.FLEETCAST_TRUSTED_KEYS.split(',').map((path) => path.trim()).filter(Boolean);
  if (env.FLEETCAST_REQUIRE_PRODUCTION_APPROVAL) registry.requireProductionApproval = parseBoolean('FLEETCAST_REQUIRE_PRODUCTION_APPROVAL', env.FLEETCAST_REQUIRE_PRODUCTION_APPROVAL);
  if (env.FLEETCAST_BROKER_HOST || env.FLEETCAST_BROKER_PORT) {
    const broker: Record<string, unknown> = { kind: 'aedes', ...((raw.broker as Record<string, unknown> | undefined) ?? {}) };
    if (broker.kind !== 'aedes') throw new FleetcastError('FC_ERR_INVALID_CONFIG', 'FLEETCAST_BROKER_HOST/PORT apply to the embedded aedes broker only');
    if (env.FLEETCAST_BROKER_HOST) broker.host = env.FLEETCAST_BROKER_HOST;
    if (env.FLEETCAST_BROKER_PORT) {
      if (!/^\d+$/.test(env.FLEETCAST_BROKER_PORT)) throw new FleetcastError('FC_ERR_INVALID_CONFIG', 'FLEETCAST_BROKER_PORT must be a port number');
      broker.port = Number(env.FLEETCAST_BROKER_PORT);
    }
    merged.broker = broker;
  }
  merged.api = api;
  merged.registry = registry;
  return merged;
}

/**
 * Loads and validates the controller configuration (zod); FC_ERR_INVALID_CONFIG names the
 * first offending field. Relative paths in a config file are resolved against the file's folder
 * so that a config works from any working directory.
 */
export function loadControllerConfig(sources: ConfigSources = {}): ControllerConfig {
  const env = sources.env ?? process.env;
  const fileRaw = sources.configPath ? readConfigFile(sources.configPath) : {};
  const raw = applyEnvironment(fileRaw, env);
  if (sources.dataDir) raw.dataDir = sources.dataDir;
  const parsed = controllerConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FleetcastError('FC_ERR_INVALID_CONFIG', `${issue.path.join('.')}: ${issue.message}`, { path: issue.path.join('.') });
  }
  // Paths written in a config file are relative to that file; paths from env or flags to the cwd.
  const fileBase = sources.configPath ? dirname(resolve(sources.configPath)) : process.cwd();
  const fromFile = (path: string): string => (isAbsolute(path) ? path : resolve(fileBase, path));
  const dataDirFromFile = !sources.dataDir && !env.FLEETCAST_DATA_DIR && fileRaw.dataDir !== undefined;
  const config = parsed.data;
  return {
    ...config,
    dataDir: dataDirFromFile ? fromFile(config.dataDir) : resolve(config.dataDir),
    trustedKeys: config.trustedKeys.map((path) => (env.FLEETCAST_TRUSTED_KEYS ? resolve(path) : fromFile(path))),
    batch: config.batch.map((job) => ({ ...job, input: fromFile(job.input), output: fromFile(job.output) })),
    retrain: {
      ...config.retrain,
      runsDb: config.retrain.runsDb && fromFile(config.retrain.runsDb),
      signingKey: config.retrain.signingKey && fromFile(config.retrain.signingKey),
      models: config.retrain.models.map((entry) => ({ ...entry, data: fromFile(entry.data) })),
    },
    broker: config.broker.kind === 'mqtt'
      ? {
          ...config.broker,
          caFile: config.broker.caFile && fromFile(config.broker.caFile),
          mosquitto: config.broker.mosquitto && { passwordFile: fromFile(config.broker.mosquitto.passwordFile), pidFile: fromFile(config.broker.mosquitto.pidFile) },
        }
      : config.broker,
  };
}
