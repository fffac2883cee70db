import { writeFile, access, readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { keyIdOf, parsePublicKeyPem } from '../../protocols/bundle/keys.js';

interface RunOptions {
  config?: string;
  json?: boolean;
}

interface InitOptions {
  out: string;
  deviceId?: string;
  uplink?: string;
  uplinkPassword?: string;
  posPort?: string;
  posHost?: string;
  dataDir?: string;
  force?: boolean;
  json?: boolean;
  trust: string[];
  controllerKey: string[];
}

/** Reads PEM public key files into the config's `key id → PEM` form (FC_ERR_FILE_NOT_FOUND / FC_ERR_KEY_INVALID). */
async function keyEntries(paths: string[]): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  for (const path of paths) {
    const pem = await readFile(path, 'utf8').catch((error: unknown) => {
      throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', path, { path }, { cause: error });
    });
    entries[keyIdOf(parsePublicKeyPem(pem))] = pem;
  }
  return entries;
}

/** Commander collector for repeatable options. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/**
 * Runs the daemon until SIGTERM/SIGINT. When serving starts it writes one JSON line to stdout
 * (`{"event":"ready","posPort":…}`) so supervisors and tests know the port and the start time.
 */
async function runDaemon(options: RunOptions): Promise<{ stopped: true; pendingTimers: number }> {
  if (!options.config) throw new FleetcastError('FC_ERR_USAGE', 'fleetcast agent needs --config <agent.json> (or `fleetcast agent init`)');
  // Listen for the stop signal before anything starts, and keep listening during shutdown, so a
  // signal at any moment (even a second one) means "shut down cleanly", never Node's default kill.
  let wake: () => void = () => undefined;
  const stopRequested = new Promise<void>((resolve) => (wake = resolve));
  process.on('SIGTERM', wake);
  process.on('SIGINT', wake);
  // Modules load when the command runs, so `--help` stays fast (issue #9).
  const [{ loadAgentConfig }, { prepareAgentUpdates }, { startAgent }] = await Promise.all([
    import('../config/load-config.js'), import('../update/agent-updates.js'), import('../daemon.js'),
  ]);
  const config = await loadAgentConfig(options.config);
  const updates = await prepareAgentUpdates(config);
  const agent = await startAgent(config, {
    // An installed model wins; the config's `modelDir` serves only while the store has none.
    modelSource: updates.store.active() || !config.modelDir ? updates.modelSource : undefined,
    createUpdates: (services) => {
      const engine = updates.createUpdates(services);
      return {
        deploy: engine.deploy,
        rollback: engine.rollback,
        applySigningKeys: engine.applySigningKeys,
        onUplinkOnline: () => void engine.manager.flushEvents(),
        status: () => ({ state: engine.manager.currentState(), deploymentId: engine.manager.currentDeployment()?.deploymentId ?? null }),
        retainedModels: () => updates.store.retained(),
        installBeside: engine.installBeside,
      };
    },
  });
  process.stdout.write(`${JSON.stringify({ event: 'ready', posPort: agent.posPort, metricsPort: agent.metricsPort, startMs: Math.round(performance.now()) })}\n`);
  await stopRequested;
  await agent.stop();
  // A supervisor waits for the exit, so nothing may hold the event loop after a clean stop (issue
  // #11: an uncleared 2 s timer made SIGTERM take 3.5 s). Counted here so a test can see it.
  const pendingTimers = process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
  return { stopped: true, pendingTimers };
}

async function initConfig(options: InitOptions): Promise<{ path: string; deviceId: string; posPort: number; trustedKeys: string[]; controllerKeys: string[] }> {
  if (!options.force) {
    const exists = await access(options.out).then(() => true, () => false);
    if (exists) throw new FleetcastError('FC_ERR_AGENT_CONFIG_EXISTS', options.out, { path: options.out });
  }
  const posPort = options.posPort === undefined ? undefined : Number(options.posPort);
  if (posPort !== undefined && (!Number.isInteger(posPort) || posPort < 0 || posPort > 65_535)) throw new FleetcastError('FC_ERR_USAGE', `--pos-port ${options.posPort}`);
  const trustedKeys = await keyEntries(options.trust);
  const controllerKeys = await keyEntries(options.controllerKey);
  const { buildInitialConfig } = await import('../config/init-config.js');
  const config = buildInitialConfig({ deviceId: options.deviceId, uplinkUrl: options.uplink, uplinkPassword: options.uplinkPassword, posPort, posHost: options.posHost, dataDir: options.dataDir, trustedKeys, controllerKeys });
  try {
    await writeFile(options.out, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  } catch (error) {
    throw new FleetcastError('FC_ERR_AGENT_CONFIG_WRITE_FAILED', `cannot write ${options.out}: ${(error as Error).message}`, { path: options.out }, { cause: error });
  }
  return { path: options.out, deviceId: config.deviceId, posPort: config.pos.port ?? 1883, trustedKeys: Object.keys(trustedKeys), controllerKeys: Object.keys(controllerKeys) };
}

/** `fleetcast agent --config …` (the daemon) and `fleetcast agent init` (issue #5). */
export function registerAgentRunCommands(agent: Command): void {
  agent
    .option('--config <path>', 'agent config (agent.json); see docs/agent.md')
    .option('--json', 'print JSON')
    .action((options: RunOptions) => runCommand(options, () => runDaemon(options), () => 'agent stopped'));

  agent
    .command('init')
    .description('Write a working agent config with fresh secrets and every option set to its default')
    .requiredOption('--out <path>', 'where to write agent.json')
    .option('--device-id <id>', 'device id (uplink clientId and username)')
    .option('--uplink <url>', 'controller broker URL, mqtt://host:1883 or mqtts://host:8883')
    .option('--uplink-password <secret>', 'device secret from `fleetcast devices add` (generated when absent)')
    .option('--pos-port <port>', 'port of the POS broker (default 1883)')
    .option('--pos-host <address>', 'address of the POS broker (default 127.0.0.1)')
    .option('--data-dir <dir>', 'data directory, relative to the config file (default agent-data)')
    .option('--trust <pub.pem>', 'trust this bundle signing key (repeatable); the controller can add and retire keys later', collect, [])
    .option('--controller-key <pub.pem>', 'the controller\'s public key (`fleetcast controller key`), which signs rollbacks and key rotations (repeatable)', collect, [])
    .option('--force', 'overwrite an existing file')
    .option('--json', 'print JSON')
    .action((options: InitOptions) => runCommand(options, () => initConfig(options), (result) =>
      `wrote ${result.path} (device ${result.deviceId}, POS port ${result.posPort}, trusted signers: ${result.trustedKeys.join(', ') || 'none — deployments fail until the controller distributes keys'})`));
}
