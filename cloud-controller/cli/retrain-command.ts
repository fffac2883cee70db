import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { RetrainRecord } from '../retrain/retrain-log.js';
import { cliActor, withContext, withDataDirOptions, type DataDirOptions } from './cli-context.js';

interface RetrainFlags extends DataDirOptions {
  model: string;
  data: string;
  alert?: string;
  runsDb?: string;
  key?: string;
}

/**
 * `fleetcast retrain --model units --data sales.csv`: trains a candidate on the newest data
 * with the Production version's training configuration and registers it in Development (issue #12).
 */
export function registerRetrainCommand(program: Command): void {
  withDataDirOptions(program.command('retrain')
    .requiredOption('--model <name>', 'model whose Production version is retrained')
    .requiredOption('--data <csv>', 'sales CSV with the newest data')
    .option('--alert <id>', 'alert this retraining answers (recorded in the registry history)')
    .option('--runs-db <file>', 'experiment-tracking database (default: retrain.runsDb of the config)')
    .option('--key <pem>', 'private key the candidate is signed with (default: retrain.signingKey of the config)')
    .description('Retrain a model on new data with its champion\'s configuration; registers a Development candidate, never promotes'))
    .action((flags: RetrainFlags) => runCommand(flags, () => withContext(flags, 'retrain', async (context) => {
      if (flags.alert !== undefined && !/^alert-[0-9a-f]{12}$/.test(flags.alert)) throw new FleetcastError('FC_ERR_USAGE', `not an alert id: ${flags.alert}`);
      const [{ retrainModel }, { RetrainLog }, { createLogger }] = await Promise.all([
        import('../retrain/retrain-model.js'), import('../retrain/retrain-log.js'), import('../../protocols/runtime/logger.js'),
      ]);
      const { retrain } = context.config;
      return retrainModel(
        { registry: context.registry, log: new RetrainLog(context.db), logger: createLogger('retrain'), runsDb: flags.runsDb ?? retrain.runsDb, signingKey: flags.key ?? retrain.signingKey },
        { model: flags.model, data: flags.data, alertId: flags.alert ?? null, actor: cliActor(flags) },
      );
    }), (record: RetrainRecord) => `${record.model}@${record.version} registered in Development (run ${record.runId}); holdout WAPE ${record.holdout.candidateWape.toFixed(4)} vs champion @${record.championVersion} ${record.holdout.championWape.toFixed(4)} on ${record.holdout.rows} rows`));
}
