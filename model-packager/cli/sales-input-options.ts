import { parseColumnMap } from '../data/ingest/column-map.js';
import { granularitySchema } from '../data/ingest/daily-table.js';
import { dateFormatSchema } from '../data/ingest/date-formats.js';
import type { LoadSalesDataOptions } from '../data/load-sales-data.js';
import { usageFlag, type SalesInputFlags } from './sales-flags.js';

/**
 * The `loadSalesData` options the shared flags stand for (usage errors before the file is read).
 * Apart from sales-flags.ts because it loads zod schemas: commands import it when they run (issue #9).
 */
export function salesInputOptions(flags: SalesInputFlags): Pick<LoadSalesDataOptions, 'map' | 'granularity' | 'dateFormat'> {
  return {
    map: parseColumnMap(flags.map),
    granularity: usageFlag(granularitySchema, flags.granularity, '--granularity'),
    dateFormat: flags.dateFormat === undefined ? undefined : usageFlag(dateFormatSchema, flags.dateFormat, '--date-format'),
  };
}

