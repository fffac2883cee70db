import type { Command } from 'commander';
import type { HistoryActual } from '../../protocols/features/sales-history.js';
import type { StoreHistorySource } from '../../protocols/features/store-history-file.js';
import { runCommand } from '../../protocols/runtime/command.js';
import { createProgress } from '../../protocols/runtime/progress.js';
import { withRecentHistoryOptions, type RecentHistoryFlags } from '../../model-packager/cli/recent-history-flags.js';
import { withContext, withDataDirOptions, type DataDirOptions } from './cli-context.js';

type ImportFlags = DataDirOptions & RecentHistoryFlags;

/**
 * Reads a sales CSV with the packager's ingest (the daily table training reads; transactions
 * summed per day) and replaces each store's history with its last `--days` (issue #10).
 */
async function importHistory(flags: ImportFlags): Promise<{ stores: StoreHistorySource[] }> {
  const byStore = new Map<string, HistoryActual[]>();
  const [{ loadRecentHistory }, { withByteProgress }] = await Promise.all([import('../../model-packager/data/load-recent-history.js'), import('../../model-packager/cli/sales-flags.js')]);
  // Reading a chain's CSV is the long part: a bar on a terminal, nothing with --json (issue #14).
  const progress = createProgress({ json: Boolean(flags.json) });
  for (const row of await withByteProgress(progress, 'read', (onBytes) => loadRecentHistory(flags, onBytes))) {
    const rows = byStore.get(row.store) ?? [];
    rows.push(row);
    byStore.set(row.store, rows);
  }
  return withContext(flags, 'history import', async (context) => {
    const stores: StoreHistorySource[] = [];
    for (const [store, rows] of [...byStore].sort(([a], [b]) => a.localeCompare(b))) stores.push(await context.history.put(store, rows));
    return { stores };
  });
}

/** `fleetcast history import --data sales.csv`: stores' recent sales, sent with deployments (issue #10). */
export function registerHistoryCommands(program: Command): void {
  const history = program.command('history').description('Stores\' recent sales the controller sends with deployments');
  withRecentHistoryOptions(withDataDirOptions(history.command('import').description('Replace each store\'s history with the last --days of a sales CSV')))
    .action((flags: ImportFlags) => runCommand(flags, () => importHistory(flags), (result) => result.stores.map((s) => `${s.store}: ${s.rows} rows to ${s.to} (${s.sha256.slice(0, 12)})`).join('\n')));
}
