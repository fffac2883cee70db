import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { recentHistory } from '../../protocols/features/recent-history.js';
import type { HistoryActual } from '../../protocols/features/sales-history.js';
import { parseColumnMap } from './ingest/column-map.js';
import { granularitySchema } from './ingest/daily-table.js';
import { loadSalesData } from './load-sales-data.js';
import type { ByteProgress } from './ingest/read-raw-table.js';
import type { RecentHistoryFlags } from '../cli/recent-history-flags.js';

/**
 * The last `--days` of daily sales per store from a CSV, read with the same ingest as training
 * (mapping, transactions summed per day, validation) — issue #10.
 */
export async function loadRecentHistory(flags: RecentHistoryFlags, onProgress?: ByteProgress): Promise<HistoryActual[]> {
  const granularity = granularitySchema.safeParse(flags.granularity);
  if (!granularity.success) throw new FleetcastError('FC_ERR_USAGE', `--granularity must be one of ${granularitySchema.options.join(', ')}`, { flag: '--granularity' });
  const sales = await loadSalesData(flags.data, { map: parseColumnMap(flags.map), granularity: granularity.data }, onProgress);
  return recentHistory(sales.rows, { days: Number(flags.days), ...(flags.store.length > 0 ? { stores: flags.store } : {}) });
}

