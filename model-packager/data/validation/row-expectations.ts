import { canonicalColumns, type CanonicalColumn } from '../../../protocols/data/sales-row.js';
import { CellStatus } from '../ingest/cell-parsers.js';
import { invalidIdValues } from '../ingest/daily-table.js';
import { dayOfIsoDate } from '../ingest/date-formats.js';
import type { RawSalesTable } from '../ingest/raw-table.js';
import type { ExpectationResult, ExpectationSample } from './report-schema.js';
import { buildResult, UnexpectedCollector } from './result-builder.js';
import type { Thresholds } from './thresholds.js';

/** Columns without which no daily series can be built (issue #3). */
export const requiredColumns: readonly CanonicalColumn[] = ['date', 'store', 'item', 'units'];

/** Where a row sits and its key, for samples. */
export function rowSample(raw: RawSalesTable, row: number, value: ExpectationSample['value']): ExpectationSample {
  const text = (column: RawSalesTable['store']): string | undefined => {
    const index = column?.index[row];
    return index === undefined || index < 0 ? undefined : column?.values[index];
  };
  const sample: ExpectationSample = { row: row + 1, value };
  const store = text(raw.store);
  const item = text(raw.item);
  const date = text(raw.date);
  if (store !== undefined) sample.store = store;
  if (item !== undefined) sample.item = item;
  if (date !== undefined) sample.date = date;
  return sample;
}

/** Schema: every required canonical column is present (after mapping). */
export function expectRequiredColumns(raw: RawSalesTable): ExpectationResult {
  const missing = new UnexpectedCollector();
  const absent = requiredColumns.filter((column) => raw.columns.index[column] < 0);
  for (const column of absent) missing.add(() => ({ value: raw.columns.source[column] }));
  const note = absent.length === 0 ? `required: ${requiredColumns.join(', ')}` : mapSuggestion(raw.header, absent);
  return buildResult({ expectation: 'expect_table_columns_to_include', critical: true, elementCount: requiredColumns.length, unexpected: missing, note });
}

/**
 * What to do about unfamiliar headers (issue #11): name the missing columns and the file's
 * own, and show `--map` with one of them, so the user does not have to open the file to find out.
 */
function mapSuggestion(header: readonly string[], absent: readonly CanonicalColumn[]): string {
  const quote = (name: string): string => (/^[\w.-]+$/.test(name) ? name : JSON.stringify(name));
  const found = header.slice(0, 20).map(quote);
  const more = header.length > found.length ? `, … (${header.length - found.length} more)` : '';
  const example = header.length > 0 ? `${absent[0]}=${quote(header[0])}` : `${absent[0]}=<column>`;
  return `missing ${absent.join(', ')}; the file's columns are ${found.join(', ')}${more}: name them with --map, e.g. --map ${example}`;
}

/** Cell value of a raw row as text for samples. */
function cellValue(raw: RawSalesTable, column: CanonicalColumn, row: number): ExpectationSample['value'] {
  if (column === 'store' || column === 'item' || column === 'date') {
    const index = raw[column]?.index[row] ?? -1;
    return index < 0 ? null : (raw[column]?.values[index] ?? null);
  }
  const numeric = raw.numeric[column as keyof RawSalesTable['numeric']];
  if (numeric) return numeric.status[row] === CellStatus.ok ? numeric.values[row] : null;
  return null;
}

/**
 * Types and nulls per present column. A null is an empty cell or a null marker (NA, NaN,
 * null…); a type error is a present value that is not a number / boolean / id / date in the
 * detected format. Required columns allow neither; optional ones allow a null share.
 */
export function expectTypesAndNulls(raw: RawSalesTable, dayOfRow: Float64Array | undefined, thresholds: Thresholds): ExpectationResult[] {
  const results: ExpectationResult[] = [];
  for (const column of canonicalColumns) {
    if (raw.columns.index[column] < 0) continue;
    const required = requiredColumns.includes(column);
    const nulls = new UnexpectedCollector();
    const invalid = new UnexpectedCollector();
    const classify = statusReader(raw, column, dayOfRow);
    for (let row = 0; row < raw.rowCount; row += 1) {
      const status = classify(row);
      if (status === CellStatus.null) nulls.add(() => rowSample(raw, row, null));
      else if (status === CellStatus.invalid) invalid.add(() => rowSample(raw, row, rawText(raw, column, row)));
    }
    results.push(
      buildResult({ expectation: 'expect_column_values_to_be_of_type', column, critical: required, elementCount: raw.rowCount - nulls.count, unexpected: invalid, maxShare: 0 }),
      buildResult({ expectation: 'expect_column_values_to_not_be_null', column, critical: required, elementCount: raw.rowCount, unexpected: nulls, maxShare: required ? 0 : thresholds.maxOptionalNullShare }),
    );
  }
  return results;
}

/** Raw text of an interned column cell (numeric columns keep no text; invalid means "not a number"). */
function rawText(raw: RawSalesTable, column: CanonicalColumn, row: number): string | null {
  if (column === 'store' || column === 'item' || column === 'date') {
    const index = raw[column]?.index[row] ?? -1;
    return index < 0 ? null : (raw[column]?.values[index] ?? null);
  }
  return 'not a ' + (column === 'promo' || column === 'stockout' ? 'boolean' : 'number');
}

/** CellStatus of each row for a column; dates are invalid when they do not parse, ids when unusable. */
function statusReader(raw: RawSalesTable, column: CanonicalColumn, dayOfRow: Float64Array | undefined): (row: number) => number {
  if (column === 'store' || column === 'item' || column === 'date') {
    const text = raw[column] as NonNullable<RawSalesTable['store']>;
    const bad = column === 'date' ? undefined : invalidIdValues(text.values);
    return (row) => {
      const index = text.index[row];
      if (index < 0) return CellStatus.null;
      if (column === 'date') return dayOfRow && Number.isNaN(dayOfRow[row]) ? CellStatus.invalid : CellStatus.ok;
      return bad?.has(index) ? CellStatus.invalid : CellStatus.ok;
    };
  }
  const typed = raw.numeric[column as keyof RawSalesTable['numeric']] ?? raw.booleans[column as keyof RawSalesTable['booleans']];
  return (row) => (typed as { status: Uint8Array }).status[row];
}

/**
 * Ranges on valid cells: units ≥ 0 and price > 0 (critical: they break the canonical row),
 * dates within [minDate, maxDate] (critical: a mistyped year corrupts every lag feature),
 * precipitation ≥ 0 and temperature in [minTempC, maxTempC] (warnings: weather is optional).
 */
export function expectRanges(raw: RawSalesTable, dayOfRow: Float64Array | undefined, thresholds: Thresholds): ExpectationResult[] {
  const results: ExpectationResult[] = [];
  const numericRange = (column: 'units' | 'price' | 'tempC' | 'precipMm', critical: boolean, inRange: (value: number) => boolean, threshold: string): void => {
    const values = raw.numeric[column];
    if (!values) return;
    const unexpected = new UnexpectedCollector();
    let checked = 0;
    for (let row = 0; row < raw.rowCount; row += 1) {
      if (values.status[row] !== CellStatus.ok) continue;
      checked += 1;
      if (!inRange(values.values[row])) unexpected.add(() => rowSample(raw, row, cellValue(raw, column, row)));
    }
    results.push(buildResult({ expectation: 'expect_column_values_to_be_between', column, critical, elementCount: checked, unexpected, maxShare: 0, threshold }));
  };
  numericRange('units', true, (value) => value >= 0, '>= 0');
  numericRange('price', true, (value) => value > 0, '> 0');
  numericRange('precipMm', false, (value) => value >= 0, '>= 0');
  numericRange('tempC', false, (value) => value >= thresholds.minTempC && value <= thresholds.maxTempC, `[${thresholds.minTempC}, ${thresholds.maxTempC}]`);
  if (dayOfRow) {
    const minDay = dayOfIsoDate(thresholds.minDate);
    const maxDay = dayOfIsoDate(thresholds.maxDate);
    const unexpected = new UnexpectedCollector();
    let checked = 0;
    for (let row = 0; row < raw.rowCount; row += 1) {
      const day = dayOfRow[row];
      if (Number.isNaN(day)) continue;
      checked += 1;
      if (day < minDay || day > maxDay) unexpected.add(() => rowSample(raw, row, cellValue(raw, 'date', row)));
    }
    results.push(
      buildResult({ expectation: 'expect_column_values_to_be_between', column: 'date', critical: true, elementCount: checked, unexpected, maxShare: 0, threshold: `[${thresholds.minDate}, ${thresholds.maxDate}]` }),
    );
  }
  return results;
}
