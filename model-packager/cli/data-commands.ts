import type { Command } from 'commander';
import type { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { runCommand } from '../../protocols/runtime/command.js';
import { createProgress, type ProgressReporter } from '../../protocols/runtime/progress.js';
import type { GeneratedSalesData } from '../data/generator/generate-sales.js';
import type { ByteProgress } from '../data/ingest/read-raw-table.js';
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
  json?: boolean;
}

interface ValidateFlags {
  map: string[];
  threshold: string[];
  granularity?: string;
  dateFormat?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Checks a flag against an enum; a wrong value is a usage error listing the choices. */
function usageFlag<T extends string>(schema: z.ZodEnum<[T, ...T[]]>, value: string | undefined, flag: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new FleetcastError('FC_ERR_USAGE', `${flag} must be one of ${schema.options.join(', ')}`, { flag });
  return parsed.data;
}

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
    .option('--json', 'print the result as JSON')
    .action(async (flags: GenerateFlags) => {
      const progress = createProgress({ json: Boolean(flags.json) });
      await runCommand(
        flags,
        async () => {
          // Modules load when the command runs, so `--help` stays fast (issue #9).
          const [{ parseGeneratorOptions }, { parseDrifts }, { generateSalesData }] = await Promise.all([
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
          });
          return withProgress(progress, options.days, 'generate', (report) => generateSalesData(options, report));
        },
        renderGenerated,
      );
    });

  data
    .command('validate <csv>')
    .description('Check a sales CSV against schema, range, completeness, uniqueness, anomaly and distribution expectations (exit 1 when a critical one fails)')
    .option('--map <canonical=source,...>', 'column mapping, e.g. date="Order Date",store=Region,item=Category,target=Sales (repeatable)', collect, [])
    .option('--granularity <daily|transactions>', 'daily rows (repeats are duplicates) or transactions (summed per day)', 'daily')
    .option('--date-format <format>', 'force a date format instead of detecting it')
    .option('--threshold <name=value>', 'override a threshold, e.g. maxZeroShare=0.9 (repeatable)', collect, [])
    .option('--json', 'print the report as JSON')
    .action(async (csv: string, flags: ValidateFlags) => {
      const progress = createProgress({ json: Boolean(flags.json) });
      // Modules load when the command runs, so `--help` stays fast (issue #9).
      const [{ parseColumnMap }, { granularitySchema }, { dateFormatSchema }, { parseThresholds }, { inspectSalesData }, { renderValidationReport }] = await Promise.all([
        import('../data/ingest/column-map.js'), import('../data/ingest/daily-table.js'), import('../data/ingest/date-formats.js'),
        import('../data/validation/thresholds.js'), import('../data/load-sales-data.js'), import('../data/validation/render-report.js'),
      ]);
      let report: ValidationReport | undefined;
      await runCommand(
        flags,
        async () => {
          const options = {
            map: parseColumnMap(flags.map),
            granularity: usageFlag(granularitySchema, flags.granularity, '--granularity'),
            dateFormat: flags.dateFormat === undefined ? undefined : usageFlag(dateFormatSchema, flags.dateFormat, '--date-format'),
            thresholds: parseThresholds(flags.threshold),
          };
          const inspected = await withByteProgress(progress, 'read', (onBytes) => inspectSalesData(csv, options, onBytes));
          report = inspected.report;
          return report;
        },
        renderValidationReport,
      );
      // A failed critical expectation is a finding, not a crash: the report is printed, status 1.
      if (report && !report.success) process.exitCode = 1;
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

/** Like withProgress, for work that learns its total (the file size) with its first report. */
async function withByteProgress<T>(progress: ProgressReporter, label: string, work: (onBytes: ByteProgress) => Promise<T>): Promise<T> {
  let started = false;
  try {
    return await work((bytes, total) => {
      if (!started) progress.start(total, label);
      started = true;
      progress.update(bytes);
    });
  } finally {
    progress.stop();
  }
}

function renderGenerated(result: GeneratedSalesData): string {
  const drift = result.drifts.length > 0 ? `, drift from ${result.driftFrom}: ${result.drifts.map((entry) => `${entry.kind}=${entry.magnitude}`).join(', ')}` : '';
  return `wrote ${result.rows} rows to ${result.path} (sha256 ${result.sha256})${drift}\nstore holiday locales: ${result.storesPath}`;
}
