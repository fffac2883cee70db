import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { runCommand } from '../../protocols/runtime/command.js';
import { createLogger } from '../../protocols/runtime/logger.js';
import { readableJson, readableNumber } from '../../protocols/runtime/format.js';
import { createProgress } from '../../protocols/runtime/progress.js';
import { withByteProgress, withSalesInputOptions, type SalesInputFlags } from './sales-flags.js';
import type { StoreLocalesFile } from '../data/generator/store-locales.js';
import type { TrainingResult } from '../train/run-training.js';
import type { RunComparison } from '../train/compare-runs.js';
import { DEFAULT_RUNS_DB } from '../tracking/defaults.js';
import type { RunRecord, RunStore, RunSummary } from '../tracking/index.js';

interface TrainFlags extends SalesInputFlags {
  data: string;
  model?: string;
  objective?: string;
  target?: string;
  trials?: string;
  timeBudget?: string;
  horizon?: string;
  holdoutDays?: string;
  folds?: string;
  foldDays?: string;
  seed?: string;
  locale?: string;
  storeLocales?: string;
  allowInvalidData?: boolean;
  runsDb: string;
  json?: boolean;
}

interface RunsFlags {
  runsDb: string;
  json?: boolean;
}


/** A number flag; text that is not a number becomes NaN so the options schema rejects it with a code. */
function numberFlag(value: string | undefined): number | undefined {
  return value === undefined ? undefined : value.trim() === '' ? Number.NaN : Number(value);
}

/** `--locale DE` or `DE-BY` (country[-state[-region]]). */
async function parseLocale(text: string): Promise<{ country: string; state?: string; region?: string }> {
  const { holidayLocaleSchema } = await import('../../protocols/features/spec.js');
  const [country, state, region] = text.split('-');
  const parsed = holidayLocaleSchema.safeParse({ country, ...(state ? { state } : {}), ...(region ? { region } : {}) });
  if (!parsed.success) throw new FleetcastError('FC_ERR_USAGE', `--locale ${text} is not COUNTRY[-STATE[-REGION]]`, { flag: '--locale' });
  return parsed.data;
}

/**
 * Per-store holiday calendars: `--store-locales <path>`, else `<data>.stores.json` when
 * `data generate` wrote one beside the CSV.
 */
async function readStoreLocales(flags: TrainFlags): Promise<StoreLocalesFile | undefined> {
  const { storeLocalesFileSchema } = await import('../data/generator/store-locales.js');
  const path = flags.storeLocales ?? (existsSync(`${flags.data}.stores.json`) ? `${flags.data}.stores.json` : undefined);
  if (path === undefined) return undefined;
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new FleetcastError('FC_ERR_INVALID_CONFIG', `cannot read store locales ${path}: ${(error as Error).message}`, { path });
  }
  const parsed = storeLocalesFileSchema.safeParse(content);
  if (!parsed.success) throw new FleetcastError('FC_ERR_INVALID_CONFIG', `store locales ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { path });
  return parsed.data;
}

const pct = (value: number | null | undefined): string => (value === null || value === undefined ? 'n/a' : `${(value * 100).toFixed(1)}%`);
const num = (value: number | undefined): string => (value === undefined ? 'n/a' : value.toFixed(4));

function renderTraining(result: TrainingResult): string {
  const model = result.model.baseline ? `baseline ${result.model.baseline}: no learner beat it on validation` : `${result.model.kind}, ${result.model.objective}, ${result.model.rounds} rounds`;
  const lines = [`run ${result.runId} (${model}, target ${result.target})`];
  if (result.objectiveChoice) lines.push(`objective from the data: ${result.objectiveChoice.reason}`);
  if (result.target === 'units') {
    if (result.baseline?.worseThanBaseline) lines.push(`WARNING: worse than baseline — holdout WAPE ${num(result.baseline.modelWape)} > ${result.baseline.bestBaseline} ${num(result.baseline.bestBaselineWape)}; fleetcast package refuses this run without --allow-worse-than-baseline`);
    lines.push(
      `holdout WAPE ${num(result.metrics.model.wape)} | seasonal naive ${num(result.metrics.seasonalNaive?.wape)} | moving average ${num(result.metrics.movingAverage?.wape)}`,
      `improvement over seasonal naive: ${pct(result.improvementOverSeasonalNaive)} (cross-validation mean ${pct(result.crossValidation.meanImprovementOverSeasonalNaive)})`,
      `RMSE ${num(result.metrics.model.rmse)}  MAE ${num(result.metrics.model.mae)}  R² ${num(result.metrics.model.r2)}  MASE ${num(result.metrics.model.mase)}  bias ${num(result.metrics.model.bias)}`,
    );
  } else {
    const m = result.metrics.model;
    lines.push(`precision ${num(m.precision)}  recall ${num(m.recall)}  F1 ${num(m.f1)}  AUC ${num(m.auc)}`);
  }
  if (result.tuning) lines.push(`tuning: ${result.tuning.trials} fits, best trial ${result.tuning.bestTrial}${result.tuning.stoppedByTime ? ' (stopped by time budget)' : ''}`);
  lines.push(`tracked in ${result.runsDb}`);
  return lines.join('\n');
}

function renderList(runs: RunSummary[]): string {
  if (runs.length === 0) return 'no runs';
  const wapeText = (value: number | null): string => (value === null ? 'n/a' : value.toFixed(4));
  return runs
    .map((run) => `${run.id}  ${run.status.padEnd(8)}  ${(run.modelKind ?? '-').padEnd(6)}  ${run.objective.padEnd(8)}  WAPE ${wapeText(run.wape)}  naive ${wapeText(run.seasonalNaiveWape)}  ma28 ${wapeText(run.movingAverageWape)}${run.worseThanBaseline ? '  WORSE THAN BASELINE' : ''}`)
    .join('\n');
}

function renderRun(run: RunRecord): string {
  return [
    `run ${run.id}: ${run.status}${run.error ? ` (${run.error.code})` : ''}`,
    `created ${run.createdAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}`,
    `model ${run.modelKind ?? '-'} objective ${run.objective} target ${run.target}`,
    `data ${run.dataPath ?? '-'} sha256 ${run.dataSha256 ?? '-'}`,
    `metrics ${run.metrics ? readableJson(run.metrics) : '-'}`,
    ...(run.baseline?.worseThanBaseline ? [`WORSE THAN BASELINE: holdout WAPE ${run.baseline.modelWape.toFixed(4)} > ${run.baseline.bestBaseline} ${run.baseline.bestBaselineWape.toFixed(4)} (package needs --allow-worse-than-baseline)`] : []),
    `features ${run.featureNames?.join(', ') ?? '-'}`,
    `code ${run.codeVersion.packageVersion} ${run.codeVersion.gitCommit ?? ''}`,
  ].join('\n');
}

function renderComparison(comparison: RunComparison): string {
  const [a, b] = comparison.runs;
  const lines = [`metric            ${a.padEnd(30)} ${b.padEnd(30)} delta`];
  const cell = (value: number | null): string => (value === null ? 'n/a' : readableNumber(value));
  for (const row of comparison.metrics) lines.push(`${row.metric.padEnd(17)} ${cell(row.values[0]).padEnd(30)} ${cell(row.values[1]).padEnd(30)} ${cell(row.delta)}`);
  for (const diff of comparison.params) lines.push(`param ${diff.name}: ${readableJson(diff.values[0])} → ${readableJson(diff.values[1])}`);
  return lines.join('\n');
}

/** `fleetcast train` and `fleetcast runs list|show|compare` (issue #3). */
export function registerTrainCommands(program: Command): void {
  withSalesInputOptions(
    program
      .command('train')
      .description('Train, tune and evaluate a forecasting model (tracked as a run)')
      .requiredOption('--data <csv>', 'sales CSV (canonical columns, or mapped with --map)'),
  )
    .option('--model <gbdt|mlp|linear|auto>', 'learner (auto: tune over every available learner)', 'auto')
    .option('--objective <squared|poisson|tweedie|logistic>', 'loss (default: chosen from the data for units — tweedie for intermittent or heavy-tailed sales, else poisson — and searched by tuning; logistic for stockout)')
    .option('--target <units|stockout>', 'forecast units sold or predict stockouts (binary)', 'units')
    .option('--trials <n>', 'random-search configurations (successive halving); 1 = defaults only', '1')
    .option('--time-budget <seconds>', 'tuning wall-clock budget')
    .option('--horizon <days>', 'days between the last known actual and the forecast day', '1')
    .option('--holdout-days <days>', 'most recent days held out for the final evaluation')
    .option('--folds <k>', 'rolling-origin cross-validation folds')
    .option('--fold-days <days>', 'days evaluated per fold')
    .option('--seed <n>', 'seed of subsampling and search')
    .option('--locale <CC[-STATE]>', 'holiday calendar of stores without their own (date-holidays codes)')
    .option('--store-locales <path>', 'per-store holiday calendars (default: <data>.stores.json when present)')
    .option('--allow-invalid-data', 'train even when critical data expectations fail')
    .option('--runs-db <path>', 'experiment-tracking database', DEFAULT_RUNS_DB)
    .option('--json', 'print the result as JSON')
    .action(async (flags: TrainFlags) => {
      await runCommand(
        flags,
        async () => {
          // Modules load when the command runs, so `--help` stays fast (issue #9).
          const [{ parseTrainingOptions }, { salesInputOptions }, { loadSalesData }, { runTraining }, { openRunStore }] = await Promise.all([
            import('../train/training-options.js'), import('./sales-input-options.js'), import('../data/load-sales-data.js'),
            import('../train/run-training.js'), import('../tracking/index.js'),
          ]);
          const logger = createLogger('train');
          const storeLocales = await readStoreLocales(flags);
          // Flags are checked before the (possibly large) CSV is read.
          const options = parseTrainingOptions({
            model: flags.model,
            objective: flags.objective,
            target: flags.target,
            trials: numberFlag(flags.trials),
            timeBudgetSeconds: numberFlag(flags.timeBudget),
            horizon: numberFlag(flags.horizon),
            holdoutDays: numberFlag(flags.holdoutDays),
            folds: numberFlag(flags.folds),
            foldDays: numberFlag(flags.foldDays),
            seed: numberFlag(flags.seed),
            locale: flags.locale ? await parseLocale(flags.locale) : storeLocales?.defaultLocale,
            storeLocales: storeLocales?.storeLocales,
          });
          const input = { ...salesInputOptions(flags), failOnCritical: !flags.allowInvalidData };
          const loaded = await withByteProgress(createProgress({ json: Boolean(flags.json) }), 'read', (onBytes) => loadSalesData(flags.data, input, onBytes));
          if (!loaded.report.success) logger.warn({ data: flags.data }, 'training on data that failed validation (--allow-invalid-data)');
          const store = openRunStore(flags.runsDb);
          try {
            const data = { rows: loaded.rows, dataPath: flags.data, dataSha256: loaded.dataSha256, validationReport: loaded.report };
            return await runTraining(data, options, { store, logger, json: Boolean(flags.json) });
          } finally {
            store.close();
          }
        },
        renderTraining,
      );
    });

  const runs = program.command('runs').description('List, show and compare tracked training runs');
  const withStore = async <T>(flags: RunsFlags, action: (store: RunStore) => T | Promise<T>): Promise<T> => {
    const { openRunStore } = await import('../tracking/index.js');
    const store = openRunStore(flags.runsDb);
    try {
      return await action(store);
    } finally {
      store.close();
    }
  };
  runs
    .command('list')
    .description('Runs, newest first, with holdout WAPE beside seasonal naive')
    .option('--runs-db <path>', 'experiment-tracking database', DEFAULT_RUNS_DB)
    .option('--json', 'print the result as JSON')
    .action(async (flags: RunsFlags) => {
      await runCommand(flags, () => withStore(flags, (store) => store.listRuns()), renderList);
    });
  runs
    .command('show <id>')
    .description('Everything recorded for one run')
    .option('--runs-db <path>', 'experiment-tracking database', DEFAULT_RUNS_DB)
    .option('--json', 'print the result as JSON')
    .action(async (id: string, flags: RunsFlags) => {
      await runCommand(flags, () => withStore(flags, (store) => ({ ...store.getRun(id), iterations: store.iterations(id) })), renderRun);
    });
  runs
    .command('compare <a> <b>')
    .description('Holdout metrics and parameters of two runs side by side')
    .option('--runs-db <path>', 'experiment-tracking database', DEFAULT_RUNS_DB)
    .option('--json', 'print the result as JSON')
    .action(async (a: string, b: string, flags: RunsFlags) => {
      await runCommand(flags, () => withStore(flags, async (store) => (await import('../train/compare-runs.js')).compareRuns(store.getRun(a), store.getRun(b))), renderComparison);
    });
}
