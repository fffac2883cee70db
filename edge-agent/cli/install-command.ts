import type { KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { TrustedKeys } from '../../protocols/bundle/keys.js';
import type { ServingPrecision } from '../../protocols/bundle/serving-precision.js';
import type { ErrorCode } from '../../protocols/errors/catalog.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ModelRef } from '../../protocols/envelope.js';
import { runCommand } from '../../protocols/runtime/command.js';
import { createLogger } from '../../protocols/runtime/logger.js';
import { createProgress } from '../../protocols/runtime/progress.js';
import { DEFAULT_KEEP_VERSIONS } from '../update/defaults.js';
import type { UpdateState } from '../update/states.js';

interface InstallOptions {
  config?: string;
  dataDir?: string;
  trust?: string[];
  keepVersions?: string;
  json?: boolean;
}

/** What `fleetcast agent install` prints (`--json`). */
interface InstallResult {
  ok: true;
  deploymentId: string;
  state: UpdateState;
  active: ModelRef | null;
  /** Precision the active model serves in, and why fp32 serves an int8 bundle (issue #10). */
  serving: ServingPrecision | null;
  retained: ModelRef[];
  /** An interrupted update found at start and finished first, if any. */
  resumed: { deploymentId: string; state: UpdateState; errorCode?: string } | null;
}

/** Progress steps of an install, in order (the update states it passes). */
const STEPS: UpdateState[] = ['verifying', 'staging', 'activating', 'committed'];

async function resolveSettings(options: InstallOptions): Promise<{ dataDir: string; deviceId: string; trustedKeys: TrustedKeys }> {
  let dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  let deviceId = 'offline-install';
  const [{ loadAgentConfig }, { trustedKeysFromConfig }, { trustedKeysFromPems }] = await Promise.all([
    import('../config/load-config.js'), import('../update/trusted-keys.js'), import('../../protocols/bundle/keys.js'),
  ]);
  const keys = new Map<string, KeyObject>();
  if (options.config) {
    const config = await loadAgentConfig(options.config);
    dataDir = config.dataDir;
    deviceId = config.deviceId;
    for (const [id, key] of trustedKeysFromConfig(config.trustedKeys)) keys.set(id, key);
  }
  for (const path of options.trust ?? []) {
    const pem = await readFile(path).catch((error: unknown) => {
      throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', path, { path }, { cause: error });
    });
    for (const [id, key] of trustedKeysFromPems([pem])) keys.set(id, key);
  }
  if (!dataDir) throw new FleetcastError('FC_ERR_USAGE', 'fleetcast agent install needs --config <agent.json> or --data-dir <dir>');
  if (keys.size === 0) throw new FleetcastError('FC_ERR_UPDATE_NO_TRUSTED_KEYS', 'set trustedKeys in agent.json or pass --trust <pubkey.pem>');
  return { dataDir, deviceId, trustedKeys: keys };
}

/**
 * Offline install from a bundle file (a USB stick in a store without network): finishes any
 * interrupted update first, then runs the same verify → stage → activate path as a remote
 * deploy. Deployment events are queued in the agent's SQLite and reach the controller when
 * the daemon next connects. A running daemon picks the new pointer up on `ModelStore.reload`.
 */
async function install(bundlePath: string, options: InstallOptions): Promise<InstallResult> {
  const settings = await resolveSettings(options);
  const keepVersions = options.keepVersions === undefined ? DEFAULT_KEEP_VERSIONS : Number(options.keepVersions);
  if (!Number.isInteger(keepVersions) || keepVersions < 1 || keepVersions > 100) throw new FleetcastError('FC_ERR_USAGE', `--keep-versions ${options.keepVersions}`);
  // Modules load when the command runs, so `--help` stays fast (issue #9).
  const [{ ModelStore }, { openAgentDb }, { agentDbPath, modelStoreRoot }, { UpdateManager }, { SigningKeyRing }] = await Promise.all([
    import('../model-store/model-store.js'), import('../storage/db.js'), import('../update/agent-updates.js'), import('../update/update-manager.js'), import('../update/trusted-keys.js'),
  ]);
  const logger = createLogger('agent-install');
  const progress = createProgress({ json: !!options.json });
  const store = await ModelStore.open({ root: modelStoreRoot(settings.dataDir), keepVersions });
  const db = openAgentDb(agentDbPath(settings.dataDir));
  try {
    progress.start(STEPS.length, 'install');
    // The fleet's distributed key set applies offline too (issue #11): a key it retired stays retired.
    const keyRing = new SigningKeyRing(db, settings.trustedKeys, new Map(), logger);
    const manager = new UpdateManager({
      db,
      store,
      trustedKeys: keyRing.keys,
      deviceId: settings.deviceId,
      uplink: null,
      logger,
      onTransition: ({ to }) => progress.update(STEPS.indexOf(to) + 1, { state: to }),
    });
    const interrupted = await manager.resume();
    const outcome = await manager.install(resolve(bundlePath));
    progress.stop();
    if (outcome.state === 'failed') throw new FleetcastError((outcome.errorCode ?? 'FC_ERR_INTERNAL') as ErrorCode, outcome.detail, { deploymentId: outcome.deploymentId, active: outcome.active });
    return {
      ok: true,
      deploymentId: outcome.deploymentId,
      state: outcome.state,
      active: outcome.active,
      serving: store.active()?.serving ?? null,
      retained: await store.retained(),
      resumed: interrupted && { deploymentId: interrupted.deploymentId, state: interrupted.state, ...(interrupted.errorCode ? { errorCode: interrupted.errorCode } : {}) },
    };
  } finally {
    progress.stop();
    db.close();
  }
}

function render(result: InstallResult): string {
  const active = result.active ? `${result.active.name} v${result.active.version}` : 'none';
  const resumed = result.resumed ? `finished interrupted ${result.resumed.deploymentId} (${result.resumed.state}); ` : '';
  const serving = result.serving ? ` serving ${result.serving.precision}${result.serving.fallback ? ` (int8 fell back: ${result.serving.fallback.code})` : ''}` : '';
  return `${resumed}installed ${active}${serving} (${result.deploymentId}); retained: ${result.retained.map((ref) => `${ref.name} v${ref.version}`).join(', ')}`;
}

/** `fleetcast agent install <bundle> --config …` for stores without a network (issue #5). */
export function registerAgentInstallCommand(agent: Command): void {
  agent
    .command('install <bundle>')
    .description('Install a signed bundle file offline: verify, stage (golden samples), activate')
    .option('--config <path>', 'agent config (agent.json): data directory and trusted keys')
    .option('--data-dir <dir>', 'agent data directory when there is no config')
    .option('--trust <pubkey.pem...>', 'trusted signer public key (PEM); adds to the config\'s keys')
    .option('--keep-versions <n>', `versions kept for rollback (default ${DEFAULT_KEEP_VERSIONS})`)
    .option('--json', 'print JSON')
    .action((bundle: string, options: InstallOptions) => runCommand(options, () => install(bundle, options), render));
}
