import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse, CsvError } from 'csv-parse';
import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { resolveColumns, type ColumnMap, type ResolvedColumns } from './column-map.js';
import { CellStatus, isNullCell, parseBooleanCell, parseNumberCell } from './cell-parsers.js';
import { sniffDelimiter, type Delimiter } from './sniff-delimiter.js';
import { GrowableFloat64, GrowableInt32, GrowableUint8, StringInterner } from './growable.js';
import { booleanColumnNames, numericColumnNames, type RawSalesTable } from './raw-table.js';

/** Reports bytes read so far out of the file size (drives the progress bar). */
export type ByteProgress = (bytesRead: number, totalBytes: number) => void;

/**
 * Streams a CSV file into a RawSalesTable (csv-parse, constant memory per row). Garbage is
 * refused with a coded error before any row counts: binary bytes, ragged rows, broken
 * quoting, an empty or header-only file (issue #3).
 */
export async function readRawTable(path: string, map: ColumnMap, onProgress?: ByteProgress): Promise<RawSalesTable> {
  const totalBytes = await fileSize(path);
  const hash = createHash('sha256');
  const guard = new TextGuard(hash, totalBytes, onProgress);
  const delimiter = await sniffDelimiter(path).catch((error: unknown) => {
    throw toDataError(error);
  });
  const parser = parse({ bom: true, delimiter, skip_empty_lines: true, relax_column_count: false, trim: false });
  // Where comma is not the delimiter it is usually the decimal mark (European spreadsheet exports).
  const builder = new TableBuilder(map, delimiter !== ',');
  parser.on('readable', () => {
    let record: string[] | null;
    try {
      while ((record = parser.read() as string[] | null) !== null) builder.add(record);
    } catch (error) {
      // A bad header (e.g. a duplicate name) ends the pipeline with its coded error.
      parser.destroy(error as Error);
    }
  });
  try {
    await pipeline(createReadStream(path), guard, parser);
  } catch (error) {
    throw toDataError(error);
  }
  if (guard.bytes === 0 || !builder.hasHeader()) throw new FleetcastError('FC_ERR_DATA_EMPTY_FILE', path);
  if (builder.rowCount === 0) throw new FleetcastError('FC_ERR_DATA_NO_ROWS', path);
  return builder.finish(hash.digest('hex'), delimiter);
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new FleetcastError('FC_ERR_DATA_READ_FAILED', `${path} is not a file`);
    return info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FleetcastError('FC_ERR_FILE_NOT_FOUND', path);
    throw toDataError(error);
  }
}

function toDataError(error: unknown): FleetcastError {
  if (error instanceof FleetcastError) return error;
  if (error instanceof CsvError) {
    const line = (error as CsvError & { lines?: number }).lines;
    if (error.code === 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') return new FleetcastError('FC_ERR_DATA_RAGGED_ROWS', `line ${line}`, { line });
    return new FleetcastError('FC_ERR_DATA_CSV_MALFORMED', `${error.code} at line ${line}`, { line, csvCode: error.code });
  }
  return new FleetcastError('FC_ERR_DATA_READ_FAILED', error instanceof Error ? error.message : String(error), undefined, { cause: error });
}

/**
 * Passes bytes through while hashing them and refusing binary input: a NUL byte anywhere,
 * or bytes that are not UTF-8 in the first chunk (where a binary header would show).
 */
class TextGuard extends Transform {
  bytes = 0;
  constructor(
    private readonly hash: ReturnType<typeof createHash>,
    private readonly totalBytes: number,
    private readonly onProgress: ByteProgress | undefined,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (chunk.indexOf(0) !== -1 || (this.bytes === 0 && !isUtf8Prefix(chunk))) {
      callback(new FleetcastError('FC_ERR_DATA_BINARY', `byte offset ${this.bytes}`));
      return;
    }
    this.bytes += chunk.length;
    this.hash.update(chunk);
    this.onProgress?.(this.bytes, this.totalBytes);
    callback(null, chunk);
  }
}

/** True when `chunk` is valid UTF-8, allowing a multi-byte sequence cut at the chunk end. */
function isUtf8Prefix(chunk: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(chunk, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Accumulates records into typed columns. */
class TableBuilder {
  rowCount = 0;
  private header: string[] | undefined;
  private columns: ResolvedColumns | undefined;
  private readonly text = {
    store: { index: new GrowableInt32(), interner: new StringInterner() },
    item: { index: new GrowableInt32(), interner: new StringInterner() },
    date: { index: new GrowableInt32(), interner: new StringInterner() },
  };
  private readonly numeric = new Map(numericColumnNames.map((name) => [name, { values: new GrowableFloat64(), status: new GrowableUint8() }]));
  private readonly booleans = new Map(booleanColumnNames.map((name) => [name, { values: new GrowableUint8(), status: new GrowableUint8() }]));

  constructor(
    private readonly map: ColumnMap,
    private readonly decimalComma: boolean,
  ) {}

  hasHeader(): boolean {
    return this.header !== undefined;
  }

  add(record: string[]): void {
    if (!this.header) {
      // A whitespace-only first line is not a header (a file of blank lines is empty).
      if (record.every((name) => name.trim() === '')) return;
      this.header = record.map((name) => name.trim());
      this.columns = resolveColumns(this.header, this.map);
      return;
    }
    const index = (this.columns as ResolvedColumns).index;
    this.rowCount += 1;
    for (const name of ['store', 'item', 'date'] as const) {
      const position = index[name];
      if (position < 0) continue;
      const cell = record[position].trim();
      const column = this.text[name];
      column.index.push(isNullCell(cell) ? -1 : column.interner.intern(cell));
    }
    for (const [name, column] of this.numeric) {
      const position = index[name];
      if (position < 0) continue;
      const cell = record[position];
      if (isNullCell(cell)) {
        column.values.push(Number.NaN);
        column.status.push(CellStatus.null);
      } else {
        const value = parseNumberCell(cell, this.decimalComma);
        column.values.push(value);
        column.status.push(Number.isNaN(value) ? CellStatus.invalid : CellStatus.ok);
      }
    }
    for (const [name, column] of this.booleans) {
      const position = index[name];
      if (position < 0) continue;
      const cell = record[position];
      const value = isNullCell(cell) ? -1 : parseBooleanCell(cell);
      column.values.push(value === 1 ? 1 : 0);
      column.status.push(isNullCell(cell) ? CellStatus.null : value < 0 ? CellStatus.invalid : CellStatus.ok);
    }
  }

  finish(dataSha256: string, delimiter: Delimiter): RawSalesTable {
    const columns = this.columns as ResolvedColumns;
    const present = (name: keyof ResolvedColumns['index']): boolean => columns.index[name] >= 0;
    const table: RawSalesTable = { rowCount: this.rowCount, header: this.header as string[], columns, dataSha256, delimiter, numeric: {}, booleans: {} };
    for (const name of ['store', 'item', 'date'] as const) {
      if (present(name)) table[name] = { index: this.text[name].index.view(), values: this.text[name].interner.values };
    }
    for (const [name, column] of this.numeric) if (present(name)) table.numeric[name] = { values: column.values.view(), status: column.status.view() };
    for (const [name, column] of this.booleans) if (present(name)) table.booleans[name] = { values: column.values.view(), status: column.status.view() };
    return table;
  }
}
