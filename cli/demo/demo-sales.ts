import { loadSalesData } from '../../model-packager/data/index.js';
import type { SalesRow } from '../../protocols/data/sales-row.js';
import type { ActualRow } from '../../protocols/messages/pos/actuals.js';

/** The generated chain as the demo's POS clients see it: stores, items, recent history. */
export interface DemoSales {
  stores: string[];
  items: string[];
  /** Newest day the model was trained on (the POS "today" before the simulation starts). */
  lastDate: string;
  /** Days after `lastDate` the file holds for the simulated stores (`demo --keep`), in order. */
  futureDays: string[];
  /** A store's sales of one day (what its POS reports at closing time). */
  dayActuals(store: string, day: string): ActualRow[];
  /** The last `days` days of a store's sales, as a POS would back-fill them. */
  recentActuals(store: string, days: number): ActualRow[];
  /** What the POS knows about an item on the last day: its price and promo. */
  lastKnown(store: string, item: string): { price?: number; promo?: boolean };
}

/**
 * Reads the CSV written by `fleetcast data generate` through the packager's own ingest. With a
 * `cutoff`, days after it are the simulation's future: not history, served one day at a time.
 */
export async function readDemoSales(path: string, cutoff?: string): Promise<DemoSales> {
  const { rows: all } = await loadSalesData(path);
  const rows = cutoff ? all.filter((row) => row.date <= cutoff) : all;
  const stores = [...new Set(rows.map((row) => row.store))].sort();
  const items = [...new Set(rows.map((row) => row.item))].sort();
  const lastDate = rows.reduce((max, row) => (row.date > max ? row.date : max), '');
  const future = new Map<string, SalesRow[]>();
  for (const row of all) if (row.date > lastDate) future.set(row.date, [...(future.get(row.date) ?? []), row]);
  const toActual = (row: SalesRow): ActualRow => ({
    store: row.store,
    item: row.item,
    date: row.date,
    units: row.units,
    ...(row.price !== undefined ? { price: row.price } : {}),
    ...(row.promo !== undefined ? { promo: row.promo } : {}),
  });
  return {
    stores,
    items,
    lastDate,
    futureDays: [...future.keys()].sort(),
    dayActuals: (store, day) => (future.get(day) ?? rows.filter((row) => row.date === day)).filter((row) => row.store === store).map(toActual),
    recentActuals(store, days) {
      const from = shiftDay(lastDate, -(days - 1));
      return rows.filter((row) => row.store === store && row.date >= from).map(toActual);
    },
    lastKnown(store, item) {
      const last = rows.find((row) => row.store === store && row.item === item && row.date === lastDate);
      return last ? { ...(last.price !== undefined ? { price: last.price } : {}), ...(last.promo !== undefined ? { promo: last.promo } : {}) } : {};
    },
  };
}

function shiftDay(day: string, delta: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + delta);
  return date.toISOString().slice(0, 10);
}
