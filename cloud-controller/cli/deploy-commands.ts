import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { exitCodeFor } from '../../protocols/errors/catalog.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { DeploymentResult, DeploymentSummary, DeviceDeploymentStatus } from '../deployments/schema.js';
import type { RollbackResult } from '../deployments/rollback.js';
import type { ApiClient } from './api-client.js';
import { connectApi, withApiOptions, type ApiOptions } from './api-options.js';
import { withDataDirOptions } from './cli-context.js';

interface WaitOptions extends ApiOptions {
  target?: string;
  wait?: boolean;
  timeout: string;
}

/** What `deploy`/`rollback` print: the deployment and, with --wait, where each device ended. */
interface DeployOutcome extends DeploymentResult {
  /** The version deployed (null when no device is listed any more). */
  model: { name: string; version: number } | null;
  devices: DeviceDeploymentStatus[];
  /** True when every targeted device committed (always false before --wait finishes). */
  complete: boolean;
}

/** `name`, `name@3`, `name@Production`, `name@champion` → name + ref. */
export function parseModelRef(text: string): { model: string; ref: string | number } {
  const at = text.indexOf('@');
  if (at === 0 || at === text.length - 1) throw new FleetcastError('FC_ERR_USAGE', `model must be <name>[@<version>|@<alias>], got ${text}`);
  if (at < 0) return { model: text, ref: 'Production' };
  const ref = text.slice(at + 1);
  return { model: text.slice(0, at), ref: /^\d+$/.test(ref) ? Number(ref) : ref };
}

const TERMINAL = new Set(['committed', 'failed']);

function deviceLine(device: DeviceDeploymentStatus): string {
  const step = device.status === 'committed' || device.status === 'failed' ? device.status : device.updateState ?? (device.status === 'pending' ? 'queued (offline)' : 'queued');
  return `  ${device.deviceId.padEnd(20)} ${step}${device.errorCode ? ` ${device.errorCode}` : ''}`;
}

/**
 * Follows a deployment until every device committed or failed (or the timeout), printing each
 * device's step as it changes (queued → downloading → verifying → staging → activating →
 * committed/failed) on stderr, so stdout stays one result document.
 */
async function follow(client: ApiClient, deploymentId: string, timeoutMs: number, quiet: boolean): Promise<DeviceDeploymentStatus[]> {
  const shown = new Map<string, string>();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { devices } = await client.call<{ devices: DeviceDeploymentStatus[] }>('GET', `/v1/deployments/${encodeURIComponent(deploymentId)}`);
    for (const device of devices) {
      const line = deviceLine(device);
      if (!quiet && shown.get(device.deviceId) !== line) process.stderr.write(`${line}\n`);
      shown.set(device.deviceId, line);
    }
    if (devices.every((device) => TERMINAL.has(device.status)) || Date.now() > deadline) return devices;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function finish(client: ApiClient, result: DeploymentResult, options: WaitOptions): Promise<DeployOutcome> {
  const seconds = Number(options.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new FleetcastError('FC_ERR_USAGE', '--timeout must be a positive number of seconds');
  if (!options.json) process.stderr.write(`deployment ${result.deploymentId}: ${result.assigned.length + result.unchanged.length} device(s)\n`);
  const devices = options.wait
    ? await follow(client, result.deploymentId, seconds * 1000, Boolean(options.json))
    : (await client.call<{ devices: DeviceDeploymentStatus[] }>('GET', `/v1/deployments/${encodeURIComponent(result.deploymentId)}`)).devices;
  const complete = devices.length > 0 && devices.every((device) => device.status === 'committed');
  // The exit status says whether every targeted device committed (issue #11).
  if (options.wait && !complete) process.exitCode = exitCodeFor('FC_ERR_DEPLOYMENT_INCOMPLETE');
  return { ...result, model: devices[0]?.model ?? null, devices, complete };
}

function outcomeText(outcome: DeployOutcome, wait: boolean | undefined): string {
  if (!wait) return `deployment ${outcome.deploymentId}: sent to ${outcome.sent.length}, ${outcome.assigned.length - outcome.sent.length} offline (follow with \`fleetcast deployments show ${outcome.deploymentId}\`)`;
  const committed = outcome.devices.filter((device) => device.status === 'committed').length;
  return `${outcome.complete ? 'committed' : 'incomplete'}: ${committed}/${outcome.devices.length} device(s) committed ${outcome.deploymentId}`;
}

function summaryLine(d: DeploymentSummary): string {
  const counts = Object.entries(d.counts).map(([status, n]) => `${status}=${n}`).join(' ');
  return `${d.deploymentId.padEnd(44)} ${d.kind.padEnd(8)} ${d.model.name}@${d.model.version}  ${d.createdAt}  ${counts || 'superseded'}`;
}

/** `fleetcast deploy`, `fleetcast deployments list|show`, `fleetcast rollback` over the controller's REST API (issue #11). */
export function registerDeployCommands(program: Command): void {
  withApiOptions(withDataDirOptions(program.command('deploy')
    .argument('<model>', '<name>[@<version>|@<stage>|@<alias>] (default @Production), or with --kind image a signed agent image file')
    .requiredOption('--target <selector>', 'devices, e.g. all, tag:pilot,region:eu-west, device:store-1|store-2')
    .option('--kind <kind>', 'model (a registry version) or image (an agent image: A/B self-update, issue #16)', 'model')
    .option('--wait', 'follow every device until it committed or failed; exit 0 only when all committed')
    .option('--timeout <seconds>', 'give up waiting after this long', '600')
    .option('--deployment-id <id>', 'idempotency key (default: generated)')
    .description('Deploy a model version to store devices (desired state: offline devices get it when they return)')))
    .action(async (text: string, options: WaitOptions & { deploymentId?: string; kind: string }) => {
      if (options.kind === 'image') {
        const { deployImage, imageDeployText } = await import('./image-deploy.js');
        return runCommand(options, () => deployImage(text, options), imageDeployText);
      }
      return runCommand(options, async () => {
        if (options.kind !== 'model') throw new FleetcastError('FC_ERR_USAGE', `--kind must be model or image, got ${options.kind}`);
        const client = await connectApi(options);
        const { model, ref } = parseModelRef(text);
        const result = await client.call<DeploymentResult>('POST', '/v1/deployments', { model, ref, selector: options.target, ...(options.deploymentId ? { deploymentId: options.deploymentId } : {}) });
        return finish(client, result, options);
      }, (outcome) => outcomeText(outcome, options.wait));
    });

  withApiOptions(withDataDirOptions(program.command('rollback')
    .argument('<model>', 'model name')
    .option('--to <version>', 'version to return to (default: the one deployed before the current)')
    .option('--target <selector>', 'devices (default: every device running the model)')
    .option('--reason <text>', 'kept in the registry history')
    .option('--wait', 'follow every device until it committed or failed', true)
    .option('--no-wait', 'return once the commands are sent')
    .option('--timeout <seconds>', 'give up waiting after this long', '600')
    .description('Return stores to the previous (or a named) version; agents accept the lower version only with the controller-signed authorization')))
    .action((model: string, options: WaitOptions & { to?: string; reason?: string }) =>
      runCommand(options, async () => {
        if (options.to !== undefined && !/^\d+$/.test(options.to)) throw new FleetcastError('FC_ERR_USAGE', '--to must be a version number');
        const client = await connectApi(options);
        const result = await client.call<RollbackResult>('POST', '/v1/rollbacks', { model, ...(options.to ? { to: Number(options.to) } : {}), ...(options.target ? { selector: options.target } : {}), ...(options.reason ? { reason: options.reason } : {}) });
        return { ...(await finish(client, result, options)), from: result.from, to: result.to };
      }, (outcome) => `rollback ${model} v${outcome.from ?? '-'} → v${outcome.to}: ${outcomeText(outcome, options.wait)}`));

  const deployments = program.command('deployments').description('List and inspect deployments');
  withApiOptions(withDataDirOptions(deployments.command('list').option('--limit <n>', 'newest n', '50').description('Deployments newest first with device counts per status')))
    .action((options: ApiOptions & { limit: string }) =>
      runCommand(options, async () => (await connectApi(options)).call<{ deployments: DeploymentSummary[] }>('GET', `/v1/deployments?limit=${encodeURIComponent(options.limit)}`), (r) => r.deployments.map(summaryLine).join('\n') || 'no deployments'));
  withApiOptions(withDataDirOptions(deployments.command('show').argument('<deploymentId>').description('Per-device status of one deployment')))
    .action((id: string, options: ApiOptions) =>
      runCommand(options, async () => (await connectApi(options)).call<{ deploymentId: string; devices: DeviceDeploymentStatus[] }>('GET', `/v1/deployments/${encodeURIComponent(id)}`),
        (r) => [`deployment ${r.deploymentId}`, ...r.devices.map(deviceLine)].join('\n')));
}
