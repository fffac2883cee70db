import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { runCommand } from '../../protocols/runtime/command.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { RolloutStatus } from '../rollouts/engine.js';
import type { Rollout } from '../rollouts/store.js';
import type { ApiClient } from './api-client.js';
import { connectApi, withApiOptions, type ApiOptions } from './api-options.js';
import { withDataDirOptions } from './cli-context.js';

interface CreateOptions extends ApiOptions {
  model?: string;
  target?: string;
  waves?: string;
  spec?: string;
  environment?: string;
  rolloutId?: string;
  bake?: string;
  minDevices?: string;
  maxFailurePercent?: string;
  minExecuted?: string;
  minInstallSuccess?: string;
  maxErrorRate?: string;
  maxP99Ms?: string;
  maxDriftPsi?: string;
  maxWapeRatio?: string;
  minActuals?: string;
  requireActuals?: boolean;
  approveBefore?: string;
  openingHours: boolean;
}

function numberOption(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new FleetcastError('FC_ERR_USAGE', `${flag} must be a number, got ${value}`);
  return parsed;
}

function defined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The rollout spec from `--spec rollout.json` (the full form) with the flags laid over it: the
 * wave sizes of `--waves`, and settings that apply to every wave (bake, minimum devices, gates)
 * and to the rollout (abort criteria, approvals before named waves, opening hours).
 */
export async function specFromOptions(options: CreateOptions): Promise<Record<string, unknown>> {
  const base = options.spec ? (JSON.parse(readFileSync(options.spec, 'utf8')) as Record<string, unknown>) : {};
  const { parseWaveSizes } = await import('../rollouts/spec.js');
  if (options.model) {
    const [model, version] = options.model.split('@');
    if (!model || !/^\d+$/.test(version ?? '')) throw new FleetcastError('FC_ERR_USAGE', `--model must be <name>@<version>, got ${options.model}`);
    Object.assign(base, { model, version: Number(version) });
  }
  const baseWaves = Array.isArray(base.waves) ? (base.waves as Array<Record<string, unknown>>) : [];
  const sizes = options.waves ? parseWaveSizes(options.waves) : baseWaves.map((wave) => wave.size as number | string);
  if (sizes.length === 0) throw new FleetcastError('FC_ERR_USAGE', 'give --waves (e.g. 1,10%,50%,100%) or waves in --spec');
  const approveBefore = new Set((options.approveBefore ?? '').split(',').filter((part) => part.trim() !== '').map(Number));
  const success = defined({
    minInstallSuccessPercent: numberOption(options.minInstallSuccess, '--min-install-success'),
    maxScoringErrorRate: numberOption(options.maxErrorRate, '--max-error-rate'),
    maxP99LatencyMs: numberOption(options.maxP99Ms, '--max-p99-ms'),
    maxDriftPsi: numberOption(options.maxDriftPsi, '--max-drift-psi'),
    maxWapeRatio: numberOption(options.maxWapeRatio, '--max-wape-ratio'),
    minActuals: numberOption(options.minActuals, '--min-actuals'),
    requireActuals: options.requireActuals,
  });
  const waves = sizes.map((size, index) => {
    const wave = baseWaves[index] ?? {};
    return {
      ...wave,
      size,
      ...defined({ bakeSeconds: numberOption(options.bake, '--bake'), minDevices: numberOption(options.minDevices, '--min-devices') }),
      ...(approveBefore.has(index) ? { requireApproval: true } : {}),
      success: { ...(wave.success as Record<string, unknown> | undefined), ...success },
    };
  });
  const abort = { ...(base.abort as Record<string, unknown> | undefined), ...defined({ maxFailurePercent: numberOption(options.maxFailurePercent, '--max-failure-percent'), minExecuted: numberOption(options.minExecuted, '--min-executed') }) };
  return {
    ...base,
    ...defined({ selector: options.target, environment: options.environment, rolloutId: options.rolloutId }),
    ...(options.openingHours ? {} : { respectOpeningHours: false }),
    waves,
    abort,
  };
}

const FINAL = new Set(['aborted', 'completed']);

/** One line of progress: state, wave, devices updated of the target, and the last decision. */
function progressLine(status: RolloutStatus): string {
  const { rollout, evidence } = status;
  const last = status.decisions.at(-1);
  return `${rollout.rolloutId} ${rollout.state.padEnd(17)} wave ${rollout.wave + 1}/${rollout.spec.waves.length}  updated ${evidence.updated}/${status.target}  committed ${evidence.install.committed} failed ${evidence.install.failed}${last ? `  — ${last.reason}` : ''}`;
}

/** Polls the rollout, printing each change on stderr, until it is final (or once without --follow). */
async function follow(client: ApiClient, id: string, keepFollowing: boolean, quiet: boolean): Promise<RolloutStatus> {
  let shown = '';
  for (;;) {
    const status = await client.call<RolloutStatus>('GET', `/v1/rollouts/${encodeURIComponent(id)}`);
    const line = progressLine(status);
    if (keepFollowing && !quiet && line !== shown) process.stderr.write(`${line}\n`);
    shown = line;
    if (!keepFollowing || FINAL.has(status.rollout.state)) return status;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function statusText(status: RolloutStatus): string {
  const lines = [progressLine(status), ...status.decisions.map((d) => `  ${d.at} w${d.wave + 1} ${d.event}${d.to ? ` → ${d.to}` : ''} (${d.actor}): ${d.reason}`)];
  return lines.join('\n');
}

function rolloutLine(rollout: Rollout): string {
  return `${rollout.rolloutId.padEnd(20)} ${rollout.spec.environment.padEnd(10)} ${rollout.model.name}@${rollout.model.version}  ${rollout.state.padEnd(17)} wave ${rollout.wave + 1}/${rollout.spec.waves.length}  ${rollout.selector}`;
}

/** `fleetcast rollout create|status|list|pause|resume|abort|approve` over the controller's REST API (issue #13). */
export function registerRolloutCommands(program: Command): void {
  const rollout = program.command('rollout').description('Staged rollouts gated on install success, scoring health and forecast quality');
  withApiOptions(withDataDirOptions(rollout.command('create')
    .option('--model <name@version>', 'model version to roll out')
    .option('--target <selector>', 'devices, e.g. all, tag:pilot (staging: narrows the staging group)')
    .option('--waves <sizes>', 'cumulative wave sizes: device counts or percentages, e.g. 1,10%,50%,100%')
    .option('--spec <file>', 'rollout spec JSON (full form: per-wave bake, gates, approvals); flags override it')
    .option('--environment <env>', 'staging or production (default production)')
    .option('--rollout-id <id>', 'idempotency key (default: generated)')
    .option('--bake <seconds>', 'bake time of every wave')
    .option('--min-devices <n>', 'devices of a wave that must commit before it bakes')
    .option('--min-install-success <percent>', 'install success a wave needs (default 100)')
    .option('--max-error-rate <fraction>', 'largest scoring error rate on the new version')
    .option('--max-p99-ms <ms>', 'largest p99 scoring latency from the agents\' heartbeats')
    .option('--max-drift-psi <psi>', 'largest prediction drift PSI')
    .option('--max-wape-ratio <ratio>', 'largest WAPE relative to the champion on comparable stores (from POS actuals)')
    .option('--min-actuals <n>', 'matched forecasts each side needs before WAPE is judged')
    .option('--require-actuals', 'keep baking until the WAPE gate can be judged')
    .option('--max-failure-percent <percent>', 'abort when more installs fail than this')
    .option('--min-executed <n>', 'installs that must have executed before the failure percentage counts')
    .option('--approve-before <waves>', 'wave numbers (0-based) an operator must approve, e.g. 2,3')
    .option('--no-opening-hours', 'update stores even while they are open')
    .description('Create a rollout; the controller advances it wave by wave')))
    .action((options: CreateOptions) =>
      runCommand(options, async () => {
        const client = await connectApi(options);
        return client.call<Rollout>('POST', '/v1/rollouts', await specFromOptions(options));
      }, (created) => `rollout ${created.rolloutId}: ${created.state} (follow with \`fleetcast rollout status ${created.rolloutId} --follow\`)`));

  withApiOptions(withDataDirOptions(rollout.command('status')
    .argument('<rolloutId>')
    .option('--follow', 'print progress until the rollout completes or aborts')
    .description('Where a rollout stands, every decision with its reason; exit 75 when it aborted')))
    .action((id: string, options: ApiOptions & { follow?: boolean }) =>
      runCommand(options, async () => {
        const status = await follow(await connectApi(options), id, Boolean(options.follow), Boolean(options.json));
        if (status.rollout.state === 'aborted') process.exitCode = 75;
        return status;
      }, statusText));

  withApiOptions(withDataDirOptions(rollout.command('list').option('--limit <n>', 'newest n', '50').description('Rollouts newest first')))
    .action((options: ApiOptions & { limit: string }) =>
      runCommand(options, async () => (await connectApi(options)).call<{ rollouts: Rollout[] }>('GET', `/v1/rollouts?limit=${encodeURIComponent(options.limit)}`),
        (r) => r.rollouts.map(rolloutLine).join('\n') || 'no rollouts'));

  for (const action of ['pause', 'resume', 'abort', 'approve'] as const) {
    withApiOptions(withDataDirOptions(rollout.command(action).argument('<rolloutId>').option('--reason <text>', 'kept with the decision').description(`${action[0].toUpperCase()}${action.slice(1)} a rollout`)))
      .action((id: string, options: ApiOptions & { reason?: string }) =>
        runCommand(options, async () => (await connectApi(options)).call<Rollout>('POST', `/v1/rollouts/${encodeURIComponent(id)}/${action}`, options.reason ? { reason: options.reason } : {}), rolloutLine));
  }
}
