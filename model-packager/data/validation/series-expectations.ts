import type { DailyTable, Granularity } from '../ingest/daily-table.js';
import { isoDateOf } from '../ingest/date-formats.js';
import type { RawSalesTable } from '../ingest/raw-table.js';
import type { ExpectationResult, ExpectationSample } from './report-schema.js';
import { buildResult, UnexpectedCollector } from './result-builder.js';
import { median, robustScale } from './robust-stats.js';
import { rowSample } from './row-expectations.js';
import type { Thresholds } from './thresholds.js';
import { forEachSeries } from '../ingest/zero-fill.js';

function dailySample(daily: DailyTable, row: number, date: number, value: ExpectationSample['value']): ExpectationSample {
  return { store: daily.storeIds[daily.store[row]], item: daily.itemIds[daily.item[row]], date: isoDateOf(date), value };
}

/**
 * Uniqueness of (store, item, date). With daily granularity every repeated key is counted
 * (the first row is kept); with transaction granularity repeats are the point and are summed,
 * so the check runs on the aggregated keys and always holds (issue #3).
 */
export function expectUniqueKeys(raw: RawSalesTable, daily: DailyTable, granularity: Granularity): ExpectationResult {
  const unexpected = new UnexpectedCollector();
  for (const row of daily.duplicateRows) unexpected.add(() => rowSample(raw, row, null));
  const note =
    granularity === 'transactions'
      ? `transaction rows aggregated: ${daily.keyedRows} rows into ${daily.length - daily.zeroFilledDays} daily keys (units summed, price mean, promo/stockout any), plus ${daily.zeroFilledDays} zero-sales days inside series' active ranges`
      : 'later rows with a repeated key are dropped; the first is kept';
  return buildResult({ expectation: 'expect_compound_columns_to_be_unique', column: 'store,item,date', critical: granularity === 'daily', elementCount: daily.keyedRows, unexpected, maxShare: 0, note });
}

/** Completeness in time: days absent inside each series' own first..last date range. */
export function expectCompleteSeries(daily: DailyTable, thresholds: Thresholds): ExpectationResult {
  const unexpected = new UnexpectedCollector();
  let expectedDays = 0;
  forEachSeries(daily, (start, end) => {
    expectedDays += daily.day[end - 1] - daily.day[start] + 1;
    for (let row = start + 1; row < end; row += 1) {
      for (let day = daily.day[row - 1] + 1; day < daily.day[row]; day += 1) unexpected.add(() => dailySample(daily, row, day, null));
    }
  });
  return buildResult({
    expectation: 'expect_series_to_have_no_missing_days',
    column: 'date',
    critical: false,
    elementCount: expectedDays,
    unexpected,
    maxShare: thresholds.maxMissingDayShare,
    note: 'a series spans its own first to last date, so stores that open late are not penalised',
  });
}

/** Anomalies: daily units whose robust z-score within their series exceeds `robustZ`. */
export function expectNoAnomalies(daily: DailyTable, thresholds: Thresholds): ExpectationResult {
  const unexpected = new UnexpectedCollector();
  let checked = 0;
  forEachSeries(daily, (start, end) => {
    const values = daily.units.subarray(start, end).filter(Number.isFinite);
    if (values.length < 3) return;
    const center = median(values);
    const scale = robustScale(values, center);
    if (scale === 0) return;
    checked += values.length;
    for (let row = start; row < end; row += 1) {
      const value = daily.units[row];
      if (Number.isFinite(value) && Math.abs(value - center) / scale > thresholds.robustZ) unexpected.add(() => dailySample(daily, row, daily.day[row], value));
    }
  });
  return buildResult({
    expectation: 'expect_column_values_to_not_be_anomalies',
    column: 'units',
    critical: false,
    elementCount: checked,
    unexpected,
    maxShare: thresholds.maxAnomalyShare,
    note: `robust z = 0.6745 (x - median) / MAD per series, flagged when |z| > ${thresholds.robustZ}; series with MAD = 0 (intermittent) are not scored`,
  });
}

/** Distribution: the share of zero-unit days (intermittent demand is normal, all-zero data is not). */
export function expectZeroShare(daily: DailyTable, thresholds: Thresholds): ExpectationResult {
  const unexpected = new UnexpectedCollector();
  let checked = 0;
  for (let row = 0; row < daily.length; row += 1) {
    const value = daily.units[row];
    if (!Number.isFinite(value)) continue;
    checked += 1;
    if (value === 0) unexpected.add(() => dailySample(daily, row, daily.day[row], 0));
  }
  return buildResult({ expectation: 'expect_column_zero_share_to_be_at_most', column: 'units', critical: false, elementCount: checked, unexpected, maxShare: thresholds.maxZeroShare });
}
