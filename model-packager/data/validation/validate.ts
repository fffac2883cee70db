import type { DailyTable, Granularity } from '../ingest/daily-table.js';
import { isoDateOf } from '../ingest/date-formats.js';
import type { RawSalesTable } from '../ingest/raw-table.js';
import type { ResolvedDates } from '../ingest/resolve-dates.js';
import type { ExpectationResult, ValidationReport } from './report-schema.js';
import { expectRanges, expectRequiredColumns, expectTypesAndNulls } from './row-expectations.js';
import { expectCompleteSeries, expectNoAnomalies, expectUniqueKeys, expectZeroShare } from './series-expectations.js';
import { forEachSeries } from '../ingest/zero-fill.js';
import type { Thresholds } from './thresholds.js';

/** What validation looks at: the raw table, and where the required columns exist, dates and daily rows. */
export interface ValidationInput {
  raw: RawSalesTable;
  dates?: ResolvedDates;
  daily?: DailyTable;
  granularity: Granularity;
  thresholds: Thresholds;
}

/**
 * Runs every expectation (issue #3): schema, types, completeness, ranges, uniqueness,
 * anomalies, distribution. The report succeeds unless a critical expectation fails.
 */
export function validateSalesTable(input: ValidationInput): ValidationReport {
  const { raw, dates, daily, thresholds, granularity } = input;
  const results: ExpectationResult[] = [expectRequiredColumns(raw), ...expectTypesAndNulls(raw, dates?.dayOfRow, thresholds), ...expectRanges(raw, dates?.dayOfRow, thresholds)];
  if (daily) results.push(expectUniqueKeys(raw, daily, granularity), expectCompleteSeries(daily, thresholds), expectNoAnomalies(daily, thresholds), expectZeroShare(daily, thresholds));
  const successful = results.filter((result) => result.success).length;
  let series = 0;
  if (daily) forEachSeries(daily, () => (series += 1));
  const columns: Record<string, string> = {};
  for (const [column, position] of Object.entries(raw.columns.index)) if (position >= 0) columns[column] = raw.header[position];
  return {
    success: results.every((result) => result.success || !result.critical),
    statistics: {
      sourceRows: raw.rowCount,
      dailyRows: daily?.length ?? 0,
      ...(granularity === 'transactions' ? { zeroFilledDays: daily?.zeroFilledDays ?? 0 } : {}),
      series,
      stores: daily ? new Set(daily.store).size : 0,
      items: daily ? new Set(daily.item).size : 0,
      ...(daily && daily.length > 0 ? { dateMin: isoDateOf(minOf(daily.day)), dateMax: isoDateOf(maxOf(daily.day)) } : {}),
      ...(dates ? { dateFormat: dates.detection.format } : {}),
      dateFormatAmbiguous: dates?.detection.ambiguous ?? false,
      granularity,
      delimiter: raw.delimiter,
      columns,
      dataSha256: raw.dataSha256,
      evaluatedExpectations: results.length,
      successfulExpectations: successful,
      unsuccessfulExpectations: results.length - successful,
      successPercent: results.length > 0 ? Math.round((successful / results.length) * 1e4) / 100 : 100,
    },
    thresholds,
    results,
  };
}

function minOf(values: Int32Array): number {
  let min = Infinity;
  for (const value of values) if (value < min) min = value;
  return min;
}

function maxOf(values: Int32Array): number {
  let max = -Infinity;
  for (const value of values) if (value > max) max = value;
  return max;
}
