import { canonicalColumns, type SalesRow } from '../../../protocols/data/sales-row.js';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { openHashedWriter } from './hashed-writer.js';

/** Rows written per chunk (and per progress report). */
const CHUNK_ROWS = 10_000;

/**
 * Writes daily rows as canonical CSV (`fleetcast data aggregate`, issue #10): the canonical
 * columns the source had, in canonical order; an absent optional value is an empty cell
 * (not zero). Returns the sha256 of the bytes written.
 */
export async function writeDailyCsv(path: string, rows: readonly SalesRow[], present: readonly string[], onRows?: (done: number) => void): Promise<string> {
  const columns = canonicalColumns.filter((column) => present.includes(column));
  const out = await openHashedWriter(path);
  try {
    await out.write(`${columns.join(',')}\n`);
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const lines = rows.slice(start, start + CHUNK_ROWS).map((row) => `${columns.map((column) => (row[column] === undefined ? '' : String(row[column]))).join(',')}\n`);
      await out.write(lines.join(''));
      onRows?.(Math.min(rows.length, start + CHUNK_ROWS));
    }
    return await out.finish();
  } catch (error) {
    out.destroy();
    throw new FleetcastError('FC_ERR_DATA_WRITE_FAILED', `${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
}
