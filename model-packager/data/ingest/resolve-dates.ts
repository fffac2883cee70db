import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { detectDateFormat, parseDate, type DateFormat, type DateFormatDetection } from './date-formats.js';
import type { InternedColumn } from './raw-table.js';

/** Every raw row's day number (NaN when null or unparseable) and how the format was chosen. */
export interface ResolvedDates {
  dayOfRow: Float64Array;
  detection: DateFormatDetection;
}

/**
 * Interprets the date column. Formats are detected on the distinct strings (a few hundred for
 * years of daily data), so day-first vs month-first is decided on the whole file, not on the
 * first rows, which in date-major files all share one early date. A forced `format` skips
 * detection. No parseable value at all → FC_ERR_DATA_DATE_FORMAT.
 */
export function resolveDates(column: InternedColumn, format?: DateFormat): ResolvedDates {
  const detection: DateFormatDetection | undefined = format
    ? { format, parsed: column.values.filter((value) => !Number.isNaN(parseDate(value, format))).length, distinct: column.values.length, ambiguous: false }
    : detectDateFormat(column.values);
  if (!detection || detection.parsed === 0) {
    throw new FleetcastError('FC_ERR_DATA_DATE_FORMAT', `e.g. "${column.values[0] ?? ''}"`, { sample: column.values.slice(0, 5), format });
  }
  const dayOfValue = column.values.map((value) => parseDate(value, detection.format));
  const dayOfRow = new Float64Array(column.index.length);
  for (let row = 0; row < dayOfRow.length; row += 1) {
    const valueIndex = column.index[row];
    dayOfRow[row] = valueIndex < 0 ? Number.NaN : dayOfValue[valueIndex];
  }
  return { dayOfRow, detection };
}
