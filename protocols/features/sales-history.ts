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

/**
 * Dense days of one (store, item), at most `maxDays` of them ending at the newest day seen
 * (issue #9 finding 1: one array from the first to the last date ever seen let 40 actuals
 * dated 0100 and 9999 allocate 1.16 GB). A day older than the window is ignored; a newer day
 * slides the window and forgets the oldest days.
 */
class Series implements SeriesView {
  firstDay: number;
  length = 0;
  units: Float64Array;
  price: Float64Array;
  private readonly maxDays: number;

  constructor(firstDay: number, maxDays: number) {
    this.firstDay = firstDay;
    this.maxDays = maxDays;
    this.units = new Float64Array(Math.min(64, maxDays)).fill(Number.NaN);
    this.price = new Float64Array(Math.min(64, maxDays)).fill(Number.NaN);
  }

  set(day: number, units: number, price: number | undefined): void {
    const lastDay = this.firstDay + this.length - 1;
    if (this.length > 0 && day <= lastDay - this.maxDays) return;
    if (day - this.firstDay >= this.maxDays) this.slide(day - this.maxDays + 1);
    if (day < this.firstDay) this.growFront(this.firstDay - day);
    const index = day - this.firstDay;
    if (index >= this.units.length) this.growBack(index + 1);
    this.units[index] = units;
    this.price[index] = price ?? Number.NaN;
    if (index >= this.length) this.length = index + 1;
  }

  /** Moves the window start to `newFirstDay`, forgetting earlier days. */
  private slide(newFirstDay: number): void {
    const shift = Math.min(newFirstDay - this.firstDay, this.length);
    for (const values of [this.units, this.price]) {
      values.copyWithin(0, shift, this.length);
      values.fill(Number.NaN, this.length - shift);
    }
    this.length -= shift;
    this.firstDay = newFirstDay;
  }

  private growBack(needed: number): void {
    const capacity = Math.min(Math.max(needed, this.units.length * 2), Math.max(needed, this.maxDays));
    this.units = copyInto(this.units, capacity, 0);
    this.price = copyInto(this.price, capacity, 0);
  }

  private growFront(shift: number): void {
    const capacity = Math.min(Math.max(this.length + shift, this.units.length * 2), Math.max(this.length + shift, this.maxDays));
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
 * price by day in dense arrays (bounded by `maxDays`), so a lag is one array read and a rolling window a short
 * loop. Training builds it from the whole data set; the edge agent builds it from its stored
 * actuals and `add`s each new actual from `pos/v1/actuals` (a repeated day overwrites: POS
 * corrections win).
 */
export class SalesHistory {
  private readonly series = new Map<string, Series>();
  private readonly maxDays: number;

  /**
   * `maxDays` bounds each series to that many days ending at its newest day: the agent passes
   * the longest feature look-back plus its retention (memory grows with client input, issue #9).
   * Training leaves it unbounded: its rows come from a validated file within the date bounds.
   */
  constructor(options: { maxDays?: number } = {}) {
    this.maxDays = options.maxDays ?? Number.POSITIVE_INFINITY;
    if (!(this.maxDays >= 1)) throw new RangeError('maxDays must be at least 1');
  }

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
      series = new Series(epochDay, this.maxDays);
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
