import { FleetcastError } from '../errors/fleetcast-error.js';
import { toEpochDay } from './epoch-day.js';
import type { HistoryActual } from './sales-history.js';

/** Longest history a store is seeded with (days): ten years covers any lag or window. */
export const MAX_SEED_DAYS = 3_660;
/** Most rows one seeding carries (bounds memory and the agent's SQLite transaction). */
export const MAX_SEED_ROWS = 2_000_000;

/** What `recentHistory` keeps. */
export interface RecentHistoryOptions {
  /** Days kept, ending at the newest date in the rows (1 … MAX_SEED_DAYS). */
  days: number;
  /** Only these stores (all when absent). */
  stores?: readonly string[];
}

/**
 * The recent daily sales a store needs to start with full history features (issue #10): the
 * last `days` days of every (store, item) of `stores`, ending at the newest date present.
 * FC_ERR_AGENT_HISTORY_INVALID when the window or the result is out of bounds.
 */
export function recentHistory(rows: Iterable<HistoryActual>, options: RecentHistoryOptions): HistoryActual[] {
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > MAX_SEED_DAYS) {
    throw new FleetcastError('FC_ERR_AGENT_HISTORY_INVALID', `days must be an integer in 1…${MAX_SEED_DAYS}`, { days: options.days });
  }
  const stores = options.stores ? new Set(options.stores) : null;
  const kept: Array<{ row: HistoryActual; day: number }> = [];
  let newest = -Infinity;
  for (const row of rows) {
    if (stores && !stores.has(row.store)) continue;
    const day = toEpochDay(row.date);
    newest = Math.max(newest, day);
    kept.push({ row, day });
  }
  const recent = kept.filter((entry) => entry.day > newest - options.days).map((entry) => ({ store: entry.row.store, item: entry.row.item, date: entry.row.date, units: entry.row.units, ...(entry.row.price === undefined ? {} : { price: entry.row.price }) }));
  if (recent.length > MAX_SEED_ROWS) throw new FleetcastError('FC_ERR_AGENT_HISTORY_INVALID', `${recent.length} rows; at most ${MAX_SEED_ROWS} (narrow --days or --store)`, { rows: recent.length });
  return recent;
}
