import type { CanonicalColumn } from '../../../protocols/data/sales-row.js';
import type { ResolvedColumns } from './column-map.js';
import type { Delimiter } from './sniff-delimiter.js';

/** A numeric source column: values (NaN unless ok) and per-row CellStatus. */
export interface NumericColumn {
  values: Float64Array;
  status: Uint8Array;
}

/** A boolean source column: 1/0 values and per-row CellStatus. */
export interface BooleanColumn {
  values: Uint8Array;
  status: Uint8Array;
}

/** A text column interned to indices into `values`; -1 marks a null cell. */
export interface InternedColumn {
  index: Int32Array;
  values: string[];
}

export type NumericColumnName = Extract<CanonicalColumn, 'units' | 'price' | 'tempC' | 'precipMm'>;
export type BooleanColumnName = Extract<CanonicalColumn, 'promo' | 'stockout'>;

/**
 * The CSV as read, column by column, before dates are interpreted: validation counts defects
 * here (row level) and aggregation builds daily rows from it. Absent columns are undefined.
 */
export interface RawSalesTable {
  /** Data rows read (header excluded). */
  rowCount: number;
  header: string[];
  columns: ResolvedColumns;
  /** sha256 of the file bytes, so a training run records exactly which data it saw. */
  dataSha256: string;
  /** Field delimiter found in the header line. */
  delimiter: Delimiter;
  store?: InternedColumn;
  item?: InternedColumn;
  date?: InternedColumn;
  numeric: Partial<Record<NumericColumnName, NumericColumn>>;
  booleans: Partial<Record<BooleanColumnName, BooleanColumn>>;
}

/** Canonical columns read as numbers / booleans. */
export const numericColumnNames: readonly NumericColumnName[] = ['units', 'price', 'tempC', 'precipMm'];
export const booleanColumnNames: readonly BooleanColumnName[] = ['promo', 'stockout'];
