import { readFileSync } from 'node:fs';
import type { ActualRow } from '../../protocols/messages/pos/actuals.js';

/** The generated chain as the demo's POS clients see it: stores, items, recent history. */
export interface DemoSales {
  stores: string[];
  items: string[];
  lastDate: string;
  /** The last `days` days of a store's sales, as a POS would back-fill them. */
  recentActuals(store: string, days: number): ActualRow[];
  /** What the POS knows about an item for tomorrow: its current price and promo. */
  lastKnown(store: string, item: string): { price?: number; promo?: boolean };
}

/** Reads the canonical CSV written by `fleetcast data generate` (small demo sizes). */
export function readDemoSales(path: string): DemoSales {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const columns = header.split(',');
  const at = (name: string) => columns.indexOf(name);
  const rows = lines.map((line) => line.split(','));
  const stores = [...new Set(rows.map((r) => r[at('store')]))].sort();
  const items = [...new Set(rows.map((r) => r[at('item')]))].sort();
  const lastDate = rows.reduce((max, r) => (r[at('date')] > max ? r[at('date')] : max), '');
  const toActual = (r: string[]): ActualRow => {
    const price = Number(r[at('price')]);
    return {
      store: r[at('store')],
      item: r[at('item')],
      date: r[at('date')],
      units: Number(r[at('units')]),
      ...(Number.isFinite(price) && price > 0 ? { price } : {}),
      promo: r[at('promo')] === 'true',
    };
  };
  return {
    stores,
    items,
    lastDate,
    recentActuals(store, days) {
      const from = shiftDay(lastDate, -(days - 1));
      return rows.filter((r) => r[at('store')] === store && r[at('date')] >= from).map(toActual);
    },
    lastKnown(store, item) {
      const last = rows.filter((r) => r[at('store')] === store && r[at('item')] === item && r[at('date')] === lastDate).map(toActual)[0];
      return last ? { ...(last.price !== undefined ? { price: last.price } : {}), promo: last.promo } : {};
    },
  };
}

function shiftDay(day: string, delta: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + delta);
  return date.toISOString().slice(0, 10);
}
