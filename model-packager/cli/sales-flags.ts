import type { Command } from 'commander';
import type { z } from 'zod';
import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { ProgressReporter } from '../../protocols/runtime/progress.js';
import type { ByteProgress } from '../data/ingest/read-raw-table.js';

/** The flags every command that reads a sales CSV shares (`data validate|aggregate`, `train`, issue #10). */
export interface SalesInputFlags {
  map: string[];
  granularity?: string;
  dateFormat?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Checks a flag against an enum; a wrong value is a usage error listing the choices. */
export function usageFlag<T extends string>(schema: z.ZodEnum<[T, ...T[]]>, value: string | undefined, flag: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new FleetcastError('FC_ERR_USAGE', `${flag} must be one of ${schema.options.join(', ')}`, { flag });
  return parsed.data;
}

/** Adds `--map`, `--granularity` and `--date-format`, so that every reader of sales data takes them the same way. */
export function withSalesInputOptions(command: Command): Command {
  return command
    .option('--map <canonical=source,...>', 'column mapping, e.g. date="Order Date",store=Region,item=Category,target=Sales (repeatable)', collect, [])
    .option('--granularity <daily|transactions>', 'daily rows (repeats are duplicates) or transactions (summed per day; days without rows inside a series are zero sales)', 'daily')
    .option('--date-format <format>', 'force a date format instead of detecting it');
}

/** Runs work that reports bytes read with a progress bar that starts at the first report and is removed however the work ends. */
export async function withByteProgress<T>(progress: ProgressReporter, label: string, work: (onBytes: ByteProgress) => Promise<T>): Promise<T> {
  let started = false;
  try {
    return await work((bytes, total) => {
      if (!started) progress.start(total, label);
      started = true;
      progress.update(bytes);
    });
  } finally {
    progress.stop();
  }
}
