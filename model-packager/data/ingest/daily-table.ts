import { z } from 'zod';
import { isSalesDay } from '../../../protocols/data/sales-date.js';
import { idSchema } from '../../../protocols/ids.js';
import { CellStatus } from './cell-parsers.js';
import type { RawSalesTable } from './raw-table.js';
import { fillZeroSalesDays } from './zero-fill.js';

/**
 * How source rows relate to days (issue #3). `daily`: one row per (store, item, date); a
 * repeated key is a duplicate (the first row is kept, later ones are counted and dropped).
 * `transactions`: many rows per key are expected and summed into one daily total, and days
 * without rows inside a series' active range are zero-sales days (issue #10).
 */
export const granularitySchema = z.enum(['daily', 'transactions']);
export type Granularity = z.infer<typeof granularitySchema>;

/**
 * Daily (store, item, date) rows in store, item, date order, column-wise. NaN / -1 mark a
 * value that is absent (column missing or no valid cell for that day).
 */
export interface DailyTable {
  length: number;
  storeIds: string[];
  itemIds: string[];
  /** Per row: index into storeIds / itemIds, day number since 1970-01-01. */
  store: Int32Array;
  item: Int32Array;
  day: Int32Array;
  units: Float64Array;
  price: Float64Array;
  tempC: Float64Array;
  precipMm: Float64Array;
  /** 1 true, 0 false, -1 absent. */
  promo: Int8Array;
  stockout: Int8Array;
  /** Source rows whose key repeats an earlier row (daily granularity only), 0-based. */
  duplicateRows: number[];
  /** Source rows that had a usable key (store, item, date all valid). */
  keyedRows: number;
  /** Rows added as zero-sales days (transactions only, `fillZeroSalesDays`). */
  zeroFilledDays: number;
}

/** Source rows whose store/item cell is not a usable id: null or breaking protocols/ids.ts rules. */
export function invalidIdValues(values: readonly string[]): Set<number> {
  const invalid = new Set<number>();
  values.forEach((value, index) => {
    if (!idSchema.safeParse(value).success) invalid.add(index);
  });
  return invalid;
}

/** Per-key accumulator for sums/means/any, one slot per distinct key. */
class Accumulator {
  readonly sum: number[] = [];
  readonly count: number[] = [];

  open(): void {
    this.sum.push(0);
    this.count.push(0);
  }
}

/**
 * Builds the daily table from raw rows and their resolved day numbers. Units, prices and
 * weather only count where their cell is valid for the canonical schema (units ≥ 0,
 * price > 0, precipitation ≥ 0); validation reports the rest.
 */
export function buildDailyTable(raw: RawSalesTable, dayOfRow: Float64Array, granularity: Granularity): DailyTable {
  const store = raw.store as NonNullable<RawSalesTable['store']>;
  const item = raw.item as NonNullable<RawSalesTable['item']>;
  const badStores = invalidIdValues(store.values);
  const badItems = invalidIdValues(item.values);
  const storeRank = ranks(store.values);
  const itemRank = ranks(item.values);
  let minDay = Infinity;
  let maxDay = -Infinity;
  for (const day of dayOfRow) {
    if (!isSalesDay(day)) continue;
    if (day < minDay) minDay = day;
    if (day > maxDay) maxDay = day;
  }
  const dayRange = maxDay - minDay + 1;
  const nItems = item.values.length;

  const slotOfKey = new Map<number, number>();
  const slotKeys: number[] = [];
  const units = new Accumulator();
  const price = new Accumulator();
  const tempC = new Accumulator();
  const precipMm = new Accumulator();
  const promo = new Accumulator();
  const stockout = new Accumulator();
  const accumulators = [units, price, tempC, precipMm, promo, stockout];
  const duplicateRows: number[] = [];
  let keyedRows = 0;

  const addValid = (accumulator: Accumulator, slot: number, column: { values: ArrayLike<number>; status: Uint8Array } | undefined, row: number, valid: (value: number) => boolean): void => {
    if (!column || column.status[row] !== CellStatus.ok || !valid(column.values[row])) return;
    accumulator.sum[slot] += column.values[row];
    accumulator.count[slot] += 1;
  };
  const addFlag = (accumulator: Accumulator, slot: number, column: { values: ArrayLike<number>; status: Uint8Array } | undefined, row: number): void => {
    if (!column || column.status[row] !== CellStatus.ok) return;
    accumulator.sum[slot] = Math.max(accumulator.sum[slot], column.values[row]);
    accumulator.count[slot] += 1;
  };

  for (let row = 0; row < raw.rowCount; row += 1) {
    const storeIndex = store.index[row];
    const itemIndex = item.index[row];
    const day = dayOfRow[row];
    // A day outside the protocol's sales-date bounds is no usable key (issue #9 finding 1);
    // validation reports it against [minDate, maxDate], which lies inside those bounds.
    if (storeIndex < 0 || itemIndex < 0 || !isSalesDay(day) || badStores.has(storeIndex) || badItems.has(itemIndex)) continue;
    keyedRows += 1;
    const key = (storeRank[storeIndex] * nItems + itemRank[itemIndex]) * dayRange + (day - minDay);
    let slot = slotOfKey.get(key);
    if (slot === undefined) {
      slot = slotKeys.length;
      slotOfKey.set(key, slot);
      slotKeys.push(key);
      for (const accumulator of accumulators) accumulator.open();
    } else if (granularity === 'daily') {
      duplicateRows.push(row);
      continue;
    }
    addValid(units, slot, raw.numeric.units, row, (value) => value >= 0);
    addValid(price, slot, raw.numeric.price, row, (value) => value > 0);
    addValid(tempC, slot, raw.numeric.tempC, row, Number.isFinite);
    addValid(precipMm, slot, raw.numeric.precipMm, row, (value) => value >= 0);
    addFlag(promo, slot, raw.booleans.promo, row);
    addFlag(stockout, slot, raw.booleans.stockout, row);
  }

  const sortedKeys = Float64Array.from(slotKeys).sort();
  const length = sortedKeys.length;
  const storeByRank = inverse(storeRank);
  const itemByRank = inverse(itemRank);
  const table: DailyTable = {
    storeIds: store.values,
    itemIds: item.values,
    ...dailyColumns(length),
    duplicateRows,
    keyedRows,
    zeroFilledDays: 0,
  };
  const total = (accumulator: Accumulator, slot: number): number => (accumulator.count[slot] > 0 ? accumulator.sum[slot] : Number.NaN);
  const mean = (accumulator: Accumulator, slot: number): number => total(accumulator, slot) / accumulator.count[slot];
  const flag = (accumulator: Accumulator, slot: number): number => (accumulator.count[slot] > 0 ? accumulator.sum[slot] : -1);
  for (let position = 0; position < length; position += 1) {
    const key = sortedKeys[position];
    const slot = slotOfKey.get(key) as number;
    const seriesKey = Math.floor(key / dayRange);
    table.day[position] = minDay + (key - seriesKey * dayRange);
    table.store[position] = storeByRank[Math.floor(seriesKey / nItems)];
    table.item[position] = itemByRank[seriesKey % nItems];
    table.units[position] = total(units, slot);
    table.price[position] = mean(price, slot);
    table.tempC[position] = mean(tempC, slot);
    table.precipMm[position] = mean(precipMm, slot);
    table.promo[position] = flag(promo, slot);
    table.stockout[position] = flag(stockout, slot);
  }
  return granularity === 'transactions' ? fillZeroSalesDays(table) : table;
}

/** Freshly allocated per-row columns of a daily table with `length` rows. */
export function dailyColumns(length: number): Pick<DailyTable, 'length' | 'store' | 'item' | 'day' | 'units' | 'price' | 'tempC' | 'precipMm' | 'promo' | 'stockout'> {
  return {
    length,
    store: new Int32Array(length),
    item: new Int32Array(length),
    day: new Int32Array(length),
    units: new Float64Array(length),
    price: new Float64Array(length),
    tempC: new Float64Array(length),
    precipMm: new Float64Array(length),
    promo: new Int8Array(length),
    stockout: new Int8Array(length),
  };
}

/** Rank of each string in code-unit order, so numeric keys sort like the ids. */
function ranks(values: readonly string[]): Int32Array {
  const order = values.map((_, index) => index).sort((a, b) => (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : 0));
  const rank = new Int32Array(values.length);
  order.forEach((index, position) => (rank[index] = position));
  return rank;
}

function inverse(rank: Int32Array): Int32Array {
  const result = new Int32Array(rank.length);
  rank.forEach((position, index) => (result[position] = index));
  return result;
}
