/**
 * Cell-level parsing shared by ingest and validation. A cell is either a value, null (empty or
 * a conventional null marker), or invalid (present but not of the column's type); the
 * validation report counts the last two separately (issue #3, completeness vs. schema).
 */

/** Spellings read as a missing value, as pandas' `read_csv` does by default (subset). */
const NULL_MARKERS = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'NULL', 'None', 'none']);

/** Whether a cell is a missing value (empty or a null marker). */
export function isNullCell(cell: string): boolean {
  return NULL_MARKERS.has(cell.trim());
}

const NUMBER_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Cell status codes stored per row in typed arrays. */
export const CellStatus = { ok: 0, null: 1, invalid: 2 } as const;

const DECIMAL_COMMA_PATTERN = /^[+-]?\d+,\d+$/;

/**
 * A decimal number, or NaN when the cell is not one (callers check null first). With
 * `decimalComma` (semicolon/tab files) "3,50" reads as 3.5; thousands separators are not accepted.
 */
export function parseNumberCell(cell: string, decimalComma = false): number {
  const trimmed = cell.trim();
  if (NUMBER_PATTERN.test(trimmed)) return Number(trimmed);
  return decimalComma && DECIMAL_COMMA_PATTERN.test(trimmed) ? Number(trimmed.replace(',', '.')) : Number.NaN;
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'y', 't']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'n', 'f']);

/** 1 for true, 0 for false, -1 when the cell is not a boolean. */
export function parseBooleanCell(cell: string): number {
  const word = cell.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return 1;
  if (FALSE_WORDS.has(word)) return 0;
  return -1;
}
