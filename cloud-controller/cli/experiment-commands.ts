import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { Conclusion, Experiment, ExperimentStatus } from '../experiments/schema.js';
import { connectApi, withApiOptions, type ApiOptions } from './api-options.js';
import { withDataDirOptions } from './cli-context.js';
import { parseModelRef } from './deploy-commands.js';

interface CreateOptions extends ApiOptions {
  champion: string;
  challenger: string;
  target: string;
  split?: string;
  shadow?: boolean;
  sampleRate: string;
  experimentId?: string;
}

const ref = (text: string): { name: string; ref: string | number } => {
  const { model, ref: at } = parseModelRef(text);
  return { name: model, ref: at };
};

const p = (value: number | undefined): string => (value === undefined ? '-' : value.toPrecision(3));

/** The human view of `experiment status`: the series' last days, both tests and the verdict. */
export function statusText(status: ExperimentStatus): string {
  const { experiment: e, dieboldMariano: dm, sequential: s } = status;
  const lines = [
    `${e.experimentId} (${e.mode}, ${e.status}) ${e.champion.name}@${e.champion.version} vs ${e.challenger.name}@${e.challenger.version} on ${Object.keys(e.devices).length} device(s), ${status.reporting.devices} reporting`,
    ...status.series.slice(-7).map((day) => `  ${day.day}  n=${String(day.n).padStart(6)}  loss ${day.meanLossChampion.toFixed(3)} vs ${day.meanLossChallenger.toFixed(3)}  d̄=${day.meanDiff.toFixed(4)}`),
    `  Diebold–Mariano (HLN, fixed horizon): ${dm ? `days=${dm.days} d̄=${p(dm.meanDifferential)} t=${p(dm.hln)} p=${p(dm.pValue)}` : 'fewer than 3 days'}`,
    `  mSPRT (always valid, α=${status.alpha}): ${s ? `Λ=${p(s.likelihoodRatio)} p=${p(s.pValue)}${s.rejectedOnDay ? ` crossed on day ${s.rejectedOnDay}` : ''}` : 'waiting for the first look'}`,
    `  verdict: ${status.verdict}${e.winner ? ` (concluded: ${e.winner} won)` : ''}`,
  ];
  return lines.join('\n');
}

/** `fleetcast experiment create|list|status|conclude` over the controller's REST API (issue #13). */
export function registerExperimentCommands(program: Command): void {
  const experiment = program.command('experiment').description('Champion/challenger experiments: split stores or shadow-score, with DM-HLN and always-valid mSPRT statistics');
  withApiOptions(withDataDirOptions(experiment.command('create')
    .requiredOption('--champion <model>', '<name>[@<version>|@<stage>|@<alias>] serving today')
    .requiredOption('--challenger <model>', '<name>[@<version>|@<alias>] to compare')
    .requiredOption('--target <selector>', 'devices, e.g. all, region:eu-west, tag:pilot')
    .option('--split <percent>', 'split: share of each region\'s stores running the challenger')
    .option('--shadow', 'shadow: every device also scores the challenger without answering with it')
    .option('--sample-rate <share>', 'shadow: share of POS requests also scored by the challenger', '1')
    .option('--experiment-id <id>', 'idempotency key (default: generated)')
    .description('Start an experiment (exactly one of --split or --shadow)')))
    .action((options: CreateOptions) =>
      runCommand(options, async () => {
        if ((options.split === undefined) === !options.shadow) throw new FleetcastError('FC_ERR_USAGE', 'give exactly one of --split <percent> or --shadow');
        const body = {
          champion: ref(options.champion),
          challenger: ref(options.challenger),
          selector: options.target,
          ...(options.split !== undefined ? { split: Number(options.split) } : { shadow: true, sampleRate: Number(options.sampleRate) }),
          ...(options.experimentId ? { experimentId: options.experimentId } : {}),
        };
        return (await connectApi(options)).call<Experiment>('POST', '/v1/experiments', body);
      }, (e) => `experiment ${e.experimentId} (${e.mode}) started on ${Object.keys(e.devices).length} device(s)`));

  withApiOptions(withDataDirOptions(experiment.command('list').description('Experiments, newest first')))
    .action((options: ApiOptions) =>
      runCommand(options, async () => (await connectApi(options)).call<{ experiments: Experiment[] }>('GET', '/v1/experiments'),
        (r) => r.experiments.map((e) => `${e.experimentId.padEnd(44)} ${e.mode.padEnd(6)} ${e.status.padEnd(9)} ${e.champion.name}@${e.champion.version} vs ${e.challenger.name}@${e.challenger.version}`).join('\n') || 'no experiments'));

  withApiOptions(withDataDirOptions(experiment.command('status').argument('<experimentId>').description('The evidence so far; safe to look at any time (the verdict comes from the always-valid test)')))
    .action((id: string, options: ApiOptions) =>
      runCommand(options, async () => (await connectApi(options)).call<ExperimentStatus>('GET', `/v1/experiments/${encodeURIComponent(id)}`), statusText));

  withApiOptions(withDataDirOptions(experiment.command('conclude').argument('<experimentId>').description('Promote the winner (champion alias) and archive the loser; the champion stays unless the challenger is proven better')))
    .action((id: string, options: ApiOptions) =>
      runCommand(options, async () => (await connectApi(options)).call<Conclusion>('POST', `/v1/experiments/${encodeURIComponent(id)}/conclude`),
        (c) => `${statusText(c.status)}\nwinner ${c.winner.name}@${c.winner.version} is now @${c.alias}${c.archived ? `; ${c.archived.name}@${c.archived.version} archived` : ''}`));
}
