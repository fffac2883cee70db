import type { Command } from 'commander';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { recentHistory } from '../../protocols/features/recent-history.js';
import type { HistoryActual } from '../../protocols/features/sales-history.js';
import { parseColumnMap } from './ingest/column-map.js';
import { granularitySchema } from './ingest/daily-table.js';
import { loadSalesData } from './load-sales-data.js';

/** CLI flags of the commands that seed stores with history (`agent seed-history`, `history import`). */
export interface RecentHistoryFlags {
  data: string;
  map: string[];
  granularity: string;
  store: string[];
  days: string;
}

/**
 * The last `--days` of daily sales per store from a CSV, read with the same ingest as training
 * (mapping, transactions summed per day, validation) — issue #10.
 */
export async function loadRecentHistory(flags: RecentHistoryFlags): Promise<HistoryActual[]> {
  const granularity = granularitySchema.safeParse(flags.granularity);
  if (!granularity.success) throw new FleetcastError('FC_ERR_USAGE', `--granularity must be one of ${granularitySchema.options.join(', ')}`, { flag: '--granularity' });
  const sales = await loadSalesData(flags.data, { map: parseColumnMap(flags.map), granularity: granularity.data });
  return recentHistory(sales.rows, { days: Number(flags.days), ...(flags.store.length > 0 ? { stores: flags.store } : {}) });
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Adds the flags of `RecentHistoryFlags` to a command. */
export function withRecentHistoryOptions(command: Command): Command {
  return command
    .requiredOption('--data <csv>', 'sales CSV (canonical columns, or mapped with --map)')
    .option('--map <canonical=source,...>', 'column mapping, e.g. date="Order Date",target=Sales (repeatable)', collect, [])
    .option('--granularity <daily|transactions>', 'daily rows or transactions (summed per day; days without rows are zero)', 'daily')
    .option('--store <id>', 'only this store (repeatable; default every store in the file)', collect, [])
    .option('--days <n>', 'days kept per store, ending at the newest date in the file', '400');
}
