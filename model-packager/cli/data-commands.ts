import type { Command } from 'commander';
import { runCommand } from '../../protocols/runtime/command.js';
import { createProgress, type ProgressReporter } from '../../protocols/runtime/progress.js';
import type { GeneratedSalesData } from '../data/generator/generate-sales.js';
import { usageFlag, withByteProgress, withSalesInputOptions, type SalesInputFlags } from './sales-flags.js';
import type { ValidationReport } from '../data/validation/report-schema.js';

interface GenerateFlags {
  stores?: string;
  items?: string;
  days?: string;
  seed?: string;
  out?: string;
  start?: string;
  driftFrom?: string;
  drift: string[];
  profile?: string;
  granularity?: string;
  json?: boolean;
}

interface ValidateFlags extends SalesInputFlags {
  threshold: string[];
  json?: boolean;
}

interface AggregateFlags extends SalesInputFlags {
  out: string;
  allowInvalidData?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Numbers from flags; text that is not a number becomes NaN so the zod schema reports it with a code. */
function numberFlag(value: string | undefined): number | undefined {
  return value === undefined ? undefined : value.trim() === '' ? Number.NaN : Number(value);
}

/** `fleetcast data generate|validate` (issue #3). */
export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('Generate and validate sales data');

  data
    .command('generate')
    .description('Write a synthetic retail chain as canonical sales CSV (plus <out>.stores.json with holiday locales)')
    .option('--stores <n>', 'number of stores')
    .option('--items <n>', 'number of items per store')
    .option('--days <n>', 'number of days')
    .option('--seed <n>', 'PRNG seed (same seed, same bytes)')
    .option('--out <path>', 'output CSV path')
    .option('--start <date>', 'first day (YYYY-MM-DD)', '2023-01-01')
    .option('--drift-from <date>', 'first day of injected drift (YYYY-MM-DD)')
    .option('--drift <kind[=magnitude]>', 'demand-level, price-shift, new-store, holiday-moved, broken-sensor (repeatable)', collect, [])
    .option('--profile <retail|intermittent>', 'unit counts of a grocery chain, or intermittent heavy-tailed sales in currency', 'retail')
    .option('--granularity <daily|transactions>', 'one row per store, item and day, or one row per basket / order line', 'daily')
    .option('--json', 'print the result as JSON')
    .action(async (flags: GenerateFlags) => {
      const progress = createProgress({ json: Boolean(flags.json) });
      await runCommand(
        flags,
        async () => {
          // Modules load when the command runs, so `--help` stays fast (issue #9).
          const [{ parseGeneratorOptions, generatorGranularitySchema, generatorProfileSchema }, { parseDrifts }, { generateSalesData }] = await Promise.all([
            import('../data/generator/generator-options.js'), import('../data/generator/drift-options.js'), import('../data/generator/generate-sales.js'),
          ]);
          const stores = numberFlag(flags.stores);
          const options = parseGeneratorOptions({
            stores,
            items: numberFlag(flags.items),
            days: numberFlag(flags.days),
            seed: numberFlag(flags.seed),
            out: flags.out,
            start: flags.start,
            driftFrom: flags.driftFrom,
            drifts: parseDrifts(flags.drift, stores ?? 0),
            profile: usageFlag(generatorProfileSchema, flags.profile, '--profile'),
            granularity: usageFlag(generatorGranularitySchema, flags.granularity, '--granularity'),
          });
          return withProgress(progress, options.days, 'generate', (report) => generateSalesData(options, report));
        },
        renderGenerated,
      );
    });

  withSalesInputOptions(
    data
      .command('validate <csv>')
      .description('Check a sales CSV against schema, range, completeness, uniqueness, anomaly and distribution expectations (exit 1 when a critical one fails)'),
  )
    .option('--threshold <name=value>', 'override a threshold, e.g. maxZeroShare=0.9 (repeatable)', collect, [])
    .option('--json', 'print the report as JSON')
    .action(async (csv: string, flags: ValidateFlags) => {
      const progress = createProgress({ json: Boolean(flags.json) });
      // Modules load when the command runs, so `--help` stays fast (issue #9).
      const [{ salesInputOptions }, { parseThresholds }, { inspectSalesData }, { renderValidationReport }] = await Promise.all([
        import('./sales-input-options.js'), import('../data/validation/thresholds.js'), import('../data/load-sales-data.js'), import('../data/validation/render-report.js'),
      ]);
      let report: ValidationReport | undefined;
      await runCommand(
        flags,
        async () => {
          const options = { ...salesInputOptions(flags), thresholds: parseThresholds(flags.threshold) };
          const inspected = await withByteProgress(progress, 'read', (onBytes) => inspectSalesData(csv, options, onBytes));
          report = inspected.report;
          return report;
        },
        renderValidationReport,
      );
      // A failed critical expectation is a finding, not a crash: the report is printed, status 1.
      if (report && !report.success) process.exitCode = 1;
    });

  withSalesInputOptions(
    data
      .command('aggregate <csv>')
      .description('Write the daily table training reads: one canonical row per store, item and day (transactions summed, zero-sales days filled in)'),
  )
    .requiredOption('--out <path>', 'daily CSV to write')
    .option('--allow-invalid-data', 'write even when critical data expectations fail')
    .option('--json', 'print the result as JSON')
    .action(async (csv: string, flags: AggregateFlags) => {
      const progress = createProgress({ json: Boolean(flags.json) });
      await runCommand(
        flags,
        async () => {
          // Modules load when the command runs, so `--help` stays fast (issue #9).
          const [{ salesInputOptions }, { loadSalesData }, { writeDailyCsv }] = await Promise.all([
            import('./sales-input-options.js'), import('../data/load-sales-data.js'), import('../data/ingest/write-daily-csv.js'),
          ]);
          const options = { ...salesInputOptions(flags), failOnCritical: !flags.allowInvalidData };
          const loaded = await withByteProgress(progress, 'read', (onBytes) => loadSalesData(csv, options, onBytes));
          const sha256 = await withProgress(progress, loaded.rows.length, 'write', (report) => writeDailyCsv(flags.out, loaded.rows, loaded.columns, report));
          const { statistics } = loaded.report;
          return { ok: true as const, path: flags.out, sha256, sourceRows: statistics.sourceRows, dailyRows: loaded.rows.length, zeroFilledDays: statistics.zeroFilledDays ?? 0, series: statistics.series, granularity: statistics.granularity, validationSuccess: loaded.report.success };
        },
        (result) => `wrote ${result.dailyRows} daily rows (${result.series} series, ${result.zeroFilledDays} zero-sales days filled in) from ${result.sourceRows} ${result.granularity} rows to ${result.path} (sha256 ${result.sha256})`,
      );
    });
}

/** Runs work with a progress bar over a known total, removing the bar however the work ends. */
async function withProgress<T>(progress: ProgressReporter, total: number, label: string, work: (report: (done: number) => void) => Promise<T>): Promise<T> {
  progress.start(total, label);
  try {
    return await work((done) => progress.update(done));
  } finally {
    progress.stop();
  }
}

function renderGenerated(result: GeneratedSalesData): string {
  const drift = result.drifts.length > 0 ? `, drift from ${result.driftFrom}: ${result.drifts.map((entry) => `${entry.kind}=${entry.magnitude}`).join(', ')}` : '';
  return `wrote ${result.rows} rows to ${result.path} (sha256 ${result.sha256})${drift}\nstore holiday locales: ${result.storesPath}`;
}
