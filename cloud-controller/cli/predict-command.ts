import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { usageFlag } from '../../model-packager/cli/sales-flags.js';
import { createProgress } from '../../protocols/runtime/progress.js';
import { withContext, withDataDirOptions, type DataDirOptions } from './cli-context.js';

/** `fleetcast predict --model name@ref --input x.csv --output y.csv` (issue #6 "Batch inference"). */
export function registerPredictCommand(program: Command): void {
  withDataDirOptions(program.command('predict').description('Batch-score a canonical sales CSV with a registered model'))
    .requiredOption('--model <name@ref>', 'name@alias, name@version, name@Staging, or name (Production)')
    .requiredOption('--input <csv>', 'canonical sales CSV; rows with units feed lags, every row is scored')
    .requiredOption('--output <csv>', 'where to write date,store,item,units,prediction')
    .option('--granularity <daily|transactions>', 'daily rows, or transactions summed per day with zero-sales days filled in (as `train --granularity transactions`)', 'daily')
    .action((options: DataDirOptions & { model: string; input: string; output: string; granularity?: string }) =>
      runCommand(options, () => withContext(options, null, async (c) => {
        // Modules load when the command runs, so `--help` stays fast (issue #9).
        const [{ Predictor }, { runBatchPredict }] = await Promise.all([import('../predict/predictor.js'), import('../predict/batch-predict.js')]);
        const predictor = new Predictor(c.registry, c.trustedKeys);
        try {
          const { granularitySchema } = await import('../../model-packager/data/ingest/daily-table.js');
          const granularity = usageFlag(granularitySchema, options.granularity, '--granularity');
          return await runBatchPredict(predictor, options.model, options.input, options.output, createProgress({ json: Boolean(options.json) }), granularity);
        } finally {
          await predictor.close();
        }
      }), (r) => `${r.rows} rows scored with ${r.model.name}@${r.model.version} → ${r.output}${r.clamped > 0 ? ` (${r.clamped} clamped)` : ''}`));
}
