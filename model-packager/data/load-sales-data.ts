import { z } from 'zod';
import type { SalesRow } from '../../protocols/data/sales-row.js';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { columnMapSchema } from './ingest/column-map.js';
import { buildDailyTable, granularitySchema, type DailyTable } from './ingest/daily-table.js';
import { dateFormatSchema, isoDateOf, type DateFormat } from './ingest/date-formats.js';
import { readRawTable, type ByteProgress } from './ingest/read-raw-table.js';
import { resolveDates } from './ingest/resolve-dates.js';
import type { ValidationReport } from './validation/report-schema.js';
import { requiredColumns } from './validation/row-expectations.js';
import { resolveThresholds, thresholdsSchema } from './validation/thresholds.js';
import { validateSalesTable } from './validation/validate.js';

/** Options of `loadSalesData` (and of `data validate`). */
export const loadSalesDataOptionsSchema = z.object({
  /** Canonical column → source header (`--map`). */
  map: columnMapSchema.default({}),
  /** `daily` (default): one row per key, repeats are duplicates; `transactions`: rows are summed per day. */
  granularity: granularitySchema.default('daily'),
  /** Forces a date format instead of detecting it. */
  dateFormat: dateFormatSchema.optional(),
  /** Expectation thresholds (`--threshold`). */
  thresholds: thresholdsSchema.partial().default({}),
  /** Throw FC_ERR_DATA_VALIDATION_FAILED when a critical expectation fails (training wants this; `data validate` reports instead). */
  failOnCritical: z.boolean().default(true),
});
export type LoadSalesDataOptions = z.input<typeof loadSalesDataOptionsSchema>;

/** What training receives: valid canonical rows plus the evidence of how they were obtained. */
export interface LoadedSalesData {
  /** Canonical daily rows sorted by store, item, date (code-unit order of the ids). */
  rows: SalesRow[];
  /** Daily keys without any valid units cell (e.g. future days a batch forecast should score), same order. */
  unitless: Omit<SalesRow, 'units'>[];
  report: ValidationReport;
  /** sha256 of the source file bytes. */
  dataSha256: string;
  /** Detected (or forced) date format; undefined only when the date column is absent. */
  dateFormat: DateFormat | undefined;
  /** Canonical columns present in the source (after mapping). */
  columns: string[];
}

/** Validation outcome of a file without materialising rows (what `data validate` needs). */
export interface InspectedSalesData {
  report: ValidationReport;
  dataSha256: string;
  dateFormat: DateFormat | undefined;
  /** Daily rows column-wise; undefined when a required column is missing. */
  daily: DailyTable | undefined;
}

/**
 * Reads, maps, aggregates and validates a sales CSV into the daily table and the report,
 * never throwing for data that merely fails expectations (only garbage input throws).
 */
export async function inspectSalesData(path: string, options: LoadSalesDataOptions = {}, onProgress?: ByteProgress): Promise<InspectedSalesData> {
  const parsedOptions = loadSalesDataOptionsSchema.safeParse(options);
  if (!parsedOptions.success) throw new FleetcastError('FC_ERR_INVALID_CONFIG', parsedOptions.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  const { map, granularity, dateFormat } = parsedOptions.data;
  const thresholds = resolveThresholds(parsedOptions.data.thresholds);
  const raw = await readRawTable(path, map, onProgress);
  const hasRequired = requiredColumns.every((column) => raw.columns.index[column] >= 0);
  const dates = raw.date ? resolveDates(raw.date, dateFormat) : undefined;
  const daily = hasRequired && dates ? buildDailyTable(raw, dates.dayOfRow, granularity) : undefined;
  if (daily && granularity === 'daily') rejectTransactionFile(daily);
  const report = validateSalesTable({ raw, dates, daily, granularity, thresholds });
  return { report, dataSha256: raw.dataSha256, dateFormat: dates?.detection.format, daily };
}

/**
 * Share of keyed rows repeating an earlier key from which a file read as daily is refused as
 * transactions (issue #10): when one row in five repeats a key, that is no longer a few
 * duplicated lines but an export of order lines, and keeping the first row of each key would
 * silently train on a fraction of the sales.
 */
export const TRANSACTION_DUPLICATE_SHARE = 0.2;

function rejectTransactionFile(daily: DailyTable): void {
  const share = daily.keyedRows === 0 ? 0 : daily.duplicateRows.length / daily.keyedRows;
  if (share >= TRANSACTION_DUPLICATE_SHARE) {
    throw new FleetcastError(
      'FC_ERR_DATA_LOOKS_LIKE_TRANSACTIONS',
      `${daily.duplicateRows.length} of ${daily.keyedRows} rows repeat a (store, item, date) key; if the rows are transactions, pass --granularity transactions to sum them per day`,
      { duplicateRows: daily.duplicateRows.length, keyedRows: daily.keyedRows, flag: '--granularity transactions' },
    );
  }
}

/**
 * Reads, maps, aggregates and validates a sales CSV (issue #3). Rows whose key or units are
 * unusable (null, unparseable, negative) are left out of `rows`, and optional values that
 * break the canonical schema are omitted from their row; the report counts every such cell.
 * `onProgress` reports bytes read.
 */
export async function loadSalesData(path: string, options: LoadSalesDataOptions = {}, onProgress?: ByteProgress): Promise<LoadedSalesData> {
  const { report, dataSha256, dateFormat, daily } = await inspectSalesData(path, options, onProgress);
  if (loadSalesDataOptionsSchema.shape.failOnCritical.parse(options.failOnCritical) && !report.success) {
    const failed = report.results.filter((result) => result.critical && !result.success).map((result) => `${result.expectation}${result.column ? `(${result.column})` : ''}`);
    const columns = report.results.find((result) => result.expectation === 'expect_table_columns_to_include' && !result.success);
    throw new FleetcastError('FC_ERR_DATA_VALIDATION_FAILED', `${failed.join(', ')}${columns?.note ? ` — ${columns.note}` : ''}`, { failed, report });
  }
  const { rows, unitless } = daily ? toSalesRows(daily) : { rows: [], unitless: [] };
  return { rows, unitless, report, dataSha256, dateFormat, columns: Object.keys(report.statistics.columns) };
}

/** Canonical rows from the daily table; keys without valid units go to `unitless`. */
function toSalesRows(daily: DailyTable): { rows: SalesRow[]; unitless: Omit<SalesRow, 'units'>[] } {
  const rows: SalesRow[] = [];
  const unitless: Omit<SalesRow, 'units'>[] = [];
  const dateText = new Map<number, string>();
  for (let position = 0; position < daily.length; position += 1) {
    const units = daily.units[position];
    const day = daily.day[position];
    let date = dateText.get(day);
    if (date === undefined) {
      date = isoDateOf(day);
      dateText.set(day, date);
    }
    const row: Omit<SalesRow, 'units'> & { units?: number } = { date, store: daily.storeIds[daily.store[position]], item: daily.itemIds[daily.item[position]] };
    if (Number.isFinite(units)) row.units = units;
    if (!Number.isNaN(daily.price[position])) row.price = daily.price[position];
    if (daily.promo[position] >= 0) row.promo = daily.promo[position] === 1;
    if (!Number.isNaN(daily.tempC[position])) row.tempC = daily.tempC[position];
    if (!Number.isNaN(daily.precipMm[position])) row.precipMm = daily.precipMm[position];
    if (daily.stockout[position] >= 0) row.stockout = daily.stockout[position] === 1;
    if (row.units === undefined) unitless.push(row);
    else rows.push(row as SalesRow);
  }
  return { rows, unitless };
}
