import type { Command } from 'commander';

/** CLI flags of the commands that seed stores with history (`agent seed-history`, `history import`). */
export interface RecentHistoryFlags {
  data: string;
  map: string[];
  granularity: string;
  store: string[];
  days: string;
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
