import { toEpochDay } from './epoch-day.js';

/** One observed day of a (store, item) series: what the history index stores. */
export interface HistoryActual {
  store: string;
  item: string;
  date: string;
  units: number;
  price?: number;
}

/** Dense daily arrays of one (store, item); NaN marks a day without an observation. */
export interface SeriesView {
  /** Epoch day of index 0. */
  readonly firstDay: number;
  /** Number of days held (from `firstDay`). */
  readonly length: number;
  readonly units: Float64Array;
  readonly price: Float64Array;
}

class Series implements SeriesView {
  firstDay: number;
  length = 0;
  units: Float64Array;
  price: Float64Array;

  constructor(firstDay: number) {
    this.firstDay = firstDay;
    this.units = new Float64Array(64).fill(Number.NaN);
    this.price = new Float64Array(64).fill(Number.NaN);
  }

  set(day: number, units: number, price: number | undefined): void {
    if (day < this.firstDay) this.growFront(this.firstDay - day);
    const index = day - this.firstDay;
    if (index >= this.units.length) this.growBack(index + 1);
    this.units[index] = units;
    this.price[index] = price ?? Number.NaN;
    if (index >= this.length) this.length = index + 1;
  }

  private growBack(needed: number): void {
    const capacity = Math.max(needed, this.units.length * 2);
    this.units = copyInto(this.units, capacity, 0);
    this.price = copyInto(this.price, capacity, 0);
  }

  private growFront(shift: number): void {
    const capacity = Math.max(this.length + shift, this.units.length * 2);
    this.units = copyInto(this.units.subarray(0, this.length), capacity, shift);
    this.price = copyInto(this.price.subarray(0, this.length), capacity, shift);
    this.firstDay -= shift;
    this.length += shift;
  }
}

function copyInto(source: Float64Array, capacity: number, offset: number): Float64Array {
  const target = new Float64Array(capacity).fill(Number.NaN);
  target.set(source, offset);
  return target;
}

/** Key of a (store, item) series; ids cannot hold NUL (protocols/ids.ts), so it cannot collide. */
function seriesKey(store: string, item: string): string {
  return `${store}\u0000${item}`;
}

/**
 * The history index the feature executor reads (issue #3): per (store, item), units and
 * price by day in dense arrays, so a lag is one array read and a rolling window a short
 * loop. Training builds it from the whole data set; the edge agent builds it from its stored
 * actuals and `add`s each new actual from `pos/v1/actuals` (a repeated day overwrites: POS
 * corrections win).
 */
export class SalesHistory {
  private readonly series = new Map<string, Series>();

  /** An index over `rows` (any order). */
  static fromRows(rows: Iterable<HistoryActual>): SalesHistory {
    const history = new SalesHistory();
    for (const row of rows) history.add(row);
    return history;
  }

  /** Records (or corrects) one day's actual. */
  add(actual: HistoryActual): void {
    this.addDay(actual.store, actual.item, toEpochDay(actual.date), actual.units, actual.price);
  }

  /** Same as `add` with the date already converted (training's hot path). */
  addDay(store: string, item: string, epochDay: number, units: number, price?: number): void {
    const key = seriesKey(store, item);
    let series = this.series.get(key);
    if (!series) {
      series = new Series(epochDay);
      this.series.set(key, series);
    }
    series.set(epochDay, units, price);
  }

  /** The dense series of (store, item), or undefined when nothing was recorded for it. */
  get(store: string, item: string): SeriesView | undefined {
    return this.series.get(seriesKey(store, item));
  }

  /** Number of (store, item) series held. */
  get size(): number {
    return this.series.size;
  }
}
