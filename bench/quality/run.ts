import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { deriveFeatureSpec, lookbackDays } from '../../protocols/features/index.js';
import { createLogger } from '../../protocols/runtime/logger.js';
import { generateSalesData, loadSalesData } from '../../model-packager/data/index.js';
import { parseColumnMap } from '../../model-packager/data/ingest/column-map.js';
import type { GeneratorOptionsInput } from '../../model-packager/data/index.js';
import { openRunStore } from '../../model-packager/tracking/index.js';
import { buildTrainingDataset, selectRows } from '../../model-packager/train/dataset.js';
import { evaluateRegression, trainingMaseScale } from '../../model-packager/train/evaluate.js';
import { learners } from '../../model-packager/train/learners.js';
import { runTraining, type TrainingResult } from '../../model-packager/train/run-training.js';
import { planTimeSplits } from '../../model-packager/train/time-splits.js';
import { parseTrainingOptions, type TrainingOptionsInput } from '../../model-packager/train/training-options.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
/** Debian's interpreter: python3-xgboost is installed for it. */
const PYTHON = process.env.FLEETCAST_BENCH_PYTHON ?? '/usr/bin/python3';

/**
 * bench/quality (issue #10): forecast quality of fleetcast's default and tuned `train` beside
 * XGBoost (squared, Poisson, Tweedie) on the same feature matrix — the one the shared feature
 * executor builds for the run — on generated daily retail, intermittent daily and
 * intermittent transaction-level data. Every learner is scored on the run's holdout rows
 * with the run's metric code (WAPE, MASE, RMSE, bias) beside both baselines.
 *
 *   node dist/bench/quality/run.js [--trials 12] [--holdout-days 90] [--seed 1]
 *
 * `--file` adds a sales file from outside the repository (issue #10: a public transaction-level
 * retail history is checked this way and never committed), read with `--map` and `--granularity`
 * exactly as `fleetcast train` reads it:
 *
 *   node dist/bench/quality/run.js --data none --file superstore.csv --granularity transactions \
 *     --map 'date=Order Date' --map store=Region --map item=Category --map target=Sales
 */
const program = new Command('bench-quality')
  .option('--trials <n>', 'configurations of the tuned run', '12')
  .option('--holdout-days <n>', 'holdout days', '90')
  .option('--seed <n>', 'data seed', '1')
  .option('--data <keys>', 'comma-separated generated data sets: retail, intermittent, transactions (none: only --file)', 'retail,intermittent,transactions')
  .option('--file <csv>', 'also a sales file of your own (kept out of the repository)')
  .option('--map <canonical=source>', 'column mapping of --file, as for fleetcast train (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
  .option('--granularity <daily|transactions>', 'granularity of --file', 'daily')
  .parse(process.argv);
const flags = program.opts<{ trials: string; holdoutDays: string; seed: string; data: string; file?: string; map: string[]; granularity: 'daily' | 'transactions' }>();
const seed = Number(flags.seed);
const holdoutDays = Number(flags.holdoutDays);

/** The generated data sets: shape, granularity the file is read with. */
interface DataSet {
  key: string;
  name: string;
  /** Generated with these options, or read from `file`. */
  generator?: Omit<GeneratorOptionsInput, 'out' | 'seed'>;
  file?: string;
}
const allDataSets: DataSet[] = [
  { key: 'retail', name: 'retail daily (units)', generator: { stores: 5, items: 10, days: 730 } },
  { key: 'intermittent', name: 'intermittent daily (currency)', generator: { stores: 4, items: 3, days: 1461, profile: 'intermittent' } },
  { key: 'transactions', name: 'intermittent transactions (currency)', generator: { stores: 4, items: 3, days: 1461, profile: 'intermittent', granularity: 'transactions' } },
];
const dataSets = allDataSets.filter((set) => flags.data.split(',').includes(set.key));
if (flags.file) dataSets.push({ key: 'file', name: `${flags.file.split('/').at(-1)} (${flags.granularity})`, file: flags.file });

interface Row {
  data: string;
  learner: string;
  wape: number;
  mase: number;
  rmse: number;
  bias: number;
}

const dir = mkdtempSync(join(tmpdir(), 'fc-bench-quality-'));
const logger = createLogger('bench-quality');
const table: Row[] = [];
const notes: string[] = [];
try {
  for (const [index, set] of dataSets.entries()) {
    const csv = set.file ?? join(dir, `data-${index}.csv`);
    const generated = set.generator ? await generateSalesData({ ...set.generator, seed, out: csv }) : undefined;
    const loaded = set.generator
      ? await loadSalesData(csv, { granularity: set.generator.granularity ?? 'daily', failOnCritical: false })
      : await loadSalesData(csv, { granularity: flags.granularity, map: parseColumnMap(flags.map), failOnCritical: false });
    const input: TrainingOptionsInput = generated ? { holdoutDays, locale: generated.storeLocales.defaultLocale, storeLocales: generated.storeLocales.storeLocales } : { holdoutDays };
    const data = { rows: loaded.rows, dataPath: csv, dataSha256: loaded.dataSha256, validationReport: loaded.report };
    const store = openRunStore(join(dir, `runs-${index}.db`));
    const results: [string, TrainingResult][] = [];
    try {
      process.stderr.write(`[${set.name}] fleetcast default\n`);
      results.push(['fleetcast default', await runTraining(data, input, { store, logger, json: true })]);
      process.stderr.write(`[${set.name}] fleetcast tuned (${flags.trials} trials)\n`);
      results.push([`fleetcast tuned (${flags.trials} trials)`, await runTraining(data, { ...input, trials: Number(flags.trials) }, { store, logger, json: true })]);
    } finally {
      store.close();
    }
    const [, first] = results[0];
    const metricRow = (learner: string, m: Record<string, number>): Row => ({ data: set.name, learner, wape: m.wape, mase: m.mase, rmse: m.rmse, bias: m.bias });
    table.push(metricRow('seasonal naive', first.metrics.seasonalNaive ?? {}), metricRow('moving average 28', first.metrics.movingAverage ?? {}));
    for (const [learner, result] of results) {
      const chose = result.model.baseline ? `baseline ${result.model.baseline}` : `${result.model.kind} ${result.model.objective}, ${result.model.rounds} rounds`;
      table.push(metricRow(`${learner}: ${chose}`, result.metrics.model));
      if (result.objectiveChoice) notes.push(`${set.name}: ${result.objectiveChoice.reason}`);
    }

    // The same matrix for XGBoost: spec, dataset and splits exactly as runTraining builds them.
    const options = parseTrainingOptions(input);
    const spec = deriveFeatureSpec(loaded.rows, { horizon: options.horizon, defaultLocale: options.locale, storeLocales: options.storeLocales });
    const dataset = buildTrainingDataset(loaded.rows, spec, 'units');
    const plan = planTimeSplits(dataset.day, { holdoutDays: options.holdoutDays, folds: options.folds, foldDays: options.foldDays, minTrainDays: Math.max(28, lookbackDays(spec)) });
    const tuning = plan.folds[plan.folds.length - 1];
    const xgbDir = join(dir, `xgb-${index}`);
    mkdirSync(xgbDir);
    const splits = { 'tune-train': tuning.train, 'tune-valid': tuning.test, train: plan.holdout.train, test: plan.holdout.test };
    const rows: Record<string, number> = {};
    for (const [name, indices] of Object.entries(splits)) {
      const m = selectRows(dataset, indices);
      writeFileSync(join(xgbDir, `${name}.X.f32`), new Uint8Array(m.X.buffer, m.X.byteOffset, m.X.byteLength));
      writeFileSync(join(xgbDir, `${name}.y.f64`), new Uint8Array(m.y.buffer, m.y.byteOffset, m.y.byteLength));
      rows[name] = m.nRows;
    }
    writeFileSync(join(xgbDir, 'meta.json'), JSON.stringify({ nFeatures: dataset.names.length, rows, params: learners.gbdt.defaults, maxRounds: learners.gbdt.maxBudget }));
    process.stderr.write(`[${set.name}] xgboost\n`);
    const { stdout } = await run(PYTHON, [join(here, '..', '..', '..', 'bench', 'quality', 'run_xgboost.py'), xgbDir], { maxBuffer: 1 << 20 });
    const xgb = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { xgboost: string; rounds: Record<string, number> };
    const scale = trainingMaseScale(dataset.history, dataset, plan.holdout.testFromDay);
    for (const objective of ['squared', 'poisson', 'tweedie']) {
      const bytes = readFileSync(join(xgbDir, `pred-${objective}.f64`));
      const predictions = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const evaluated = evaluateRegression(dataset, plan.holdout.test, predictions, options.horizon, scale);
      table.push(metricRow(`XGBoost ${xgb.xgboost} ${objective}, ${xgb.rounds[objective]} rounds`, evaluated.model as unknown as Record<string, number>));
    }
  }
  const report = { date: new Date().toISOString(), cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`, node: process.version, seed, holdoutDays, trials: Number(flags.trials), table, notes };
  const resultsDir = join(here, '..', '..', '..', 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `quality-${report.date.replace(/[:.]/g, '-')}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const f = (value: number, digits = 4): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
  process.stdout.write(
    [
      `holdout ${holdoutDays} days, seed ${seed}; ${report.cpu}`,
      '',
      '| data | learner | WAPE | MASE | RMSE | bias |',
      '|---|---|---:|---:|---:|---:|',
      ...table.map((r) => `| ${r.data} | ${r.learner} | ${f(r.wape)} | ${f(r.mase)} | ${f(r.rmse, 2)} | ${f(r.bias, 3)} |`),
      '',
      ...notes.map((note) => `- ${note}`),
      '',
    ].join('\n'),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
