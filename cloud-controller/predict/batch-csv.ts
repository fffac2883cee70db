import { createReadStream, existsSync } from 'node:fs';
import { parse } from 'csv-parse';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { HistoryActual } from '../../protocols/features/sales-history.js';
import { loadSalesData } from '../../model-packager/data/load-sales-data.js';
import type { Granularity } from '../../model-packager/data/ingest/daily-table.js';
import { historyActualSchema, predictRowSchema, type PredictRow } from './schema.js';

/** One CSV row to score, with its actual units when the file has them (backtests). */
export interface BatchRow {
  row: PredictRow;
  units: number | undefined;
}

/** A batch input file read into rows to score and the actuals that feed lags. */
export interface BatchInput {
  rows: BatchRow[];
  history: HistoryActual[];
}

const NUMBER_COLUMNS = new Set(['units', 'price', 'tempC', 'precipMm']);
const BOOLEAN_COLUMNS = new Set(['promo', 'stockout']);

function cellValue(column: string, cell: string, line: number): unknown {
  if (cell === '') return undefined;
  if (NUMBER_COLUMNS.has(column)) {
    const value = Number(cell);
    if (!Number.isFinite(value)) throw new FleetcastError('FC_ERR_PREDICT_INPUT', `line ${line}: ${column} is not a number`, { line, column });
    return value;
  }
  if (BOOLEAN_COLUMNS.has(column)) {
    if (cell === 'true' || cell === '1') return true;
    if (cell === 'false' || cell === '0') return false;
    throw new FleetcastError('FC_ERR_PREDICT_INPUT', `line ${line}: ${column} must be true/false/1/0`, { line, column });
  }
  return cell;
}

/**
 * Reads a canonical sales CSV (header with `date`, `store`, `item`; optional `units`, `price`,
 * `promo`, `tempC`, `precipMm`). Every row is scored; rows with `units` also become history,
 * so one file can hold past actuals and future days (empty `units`) to forecast. Rows are
 * validated with the same zod schemas as the REST API; FC_ERR_PREDICT_INPUT names the line.
 */
export async function readBatchCsv(path: string, granularity: Granularity = 'daily'): Promise<BatchInput> {
  if (!existsSync(path)) throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', path, { path });
  if (granularity === 'transactions') return readTransactionsCsv(path);
  const parser = createReadStream(path).pipe(parse({ columns: true, skip_empty_lines: true, trim: true, bom: true }));
  const rows: BatchRow[] = [];
  const history: HistoryActual[] = [];
  let line = 1;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string>>) {
      line += 1;
      const values = Object.fromEntries(Object.entries(record).map(([column, cell]) => [column, cellValue(column, cell, line)]));
      const parsed = predictRowSchema.safeParse(values);
      if (!parsed.success) throw new FleetcastError('FC_ERR_PREDICT_INPUT', `line ${line}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`, { line });
      const units = values.units as number | undefined;
      rows.push({ row: parsed.data, units });
      if (units !== undefined) {
        const actual = historyActualSchema.safeParse(values);
        if (!actual.success) throw new FleetcastError('FC_ERR_PREDICT_INPUT', `line ${line}: ${actual.error.issues[0].path.join('.')}: ${actual.error.issues[0].message}`, { line });
        history.push(actual.data);
      }
    }
  } catch (error) {
    if (error instanceof FleetcastError) throw error;
    throw new FleetcastError('FC_ERR_PREDICT_INPUT', `line ${line}: ${(error as Error).message}`, { line }, { cause: error });
  }
  if (rows.length === 0) throw new FleetcastError('FC_ERR_PREDICT_INPUT', 'no rows');
  return { rows, history };
}

/**
 * `fleetcast predict --granularity transactions` (issue #10): the daily table training reads
 * (`loadSalesData`: transactions summed per day, zero-sales days inside each series' active
 * range), so a forecast sees the history its model was trained on. Every daily row is scored
 * and feeds lags; keys whose rows carry no units (future days) are scored only.
 */
async function readTransactionsCsv(path: string): Promise<BatchInput> {
  const loaded = await loadSalesData(path, { granularity: 'transactions', failOnCritical: false });
  const rows: BatchRow[] = [];
  const history: HistoryActual[] = [];
  for (const [units, source] of [...loaded.rows.map((row) => [row.units, row] as const), ...loaded.unitless.map((row) => [undefined, row] as const)]) {
    const parsed = predictRowSchema.safeParse(source);
    if (!parsed.success) throw new FleetcastError('FC_ERR_PREDICT_INPUT', `${source.store}/${source.item} ${source.date}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    rows.push({ row: parsed.data, units });
    if (units !== undefined) history.push(historyActualSchema.parse({ ...source, units }));
  }
  if (rows.length === 0) throw new FleetcastError('FC_ERR_PREDICT_INPUT', 'no rows');
  return { rows, history };
}
