import { resolve } from 'node:path';
import type { Command } from 'commander';
import { createProgress } from '../protocols/runtime/progress.js';
import { FleetcastError } from '../protocols/errors/fleetcast-error.js';
import { runCommand } from '../protocols/runtime/command.js';
import { withRecentHistoryOptions, type RecentHistoryFlags } from '../model-packager/cli/recent-history-flags.js';

interface SeedFlags extends RecentHistoryFlags {
  config?: string;
  dataDir?: string;
  json?: boolean;
}

/** What `fleetcast agent seed-history` prints (`--json`). */
interface SeedResult {
  ok: true;
  /** Daily rows in the window read from the file, and how many were new to the agent. */
  rows: number;
  added: number;
  stores: string[];
  from: string | null;
  to: string | null;
}

/**
 * Reads the sales CSV with the packager's ingest (mapping, transaction aggregation and
 * validation — the same daily table training reads) and seeds the agent's actuals with the
 * last `--days` of the chosen stores. Registered here because edge-agent/ may not import the
 * packager (test/architecture/import-boundaries.test.ts).
 */
async function seedHistory(flags: SeedFlags): Promise<SeedResult> {
  // Modules load when the command runs, so `--help` stays fast (issue #9).
  const [{ loadAgentConfig }, { ActualsStore }, { openAgentDb }, { agentDbPath }, { loadRecentHistory }, { MAX_LOOKBACK_DAYS }] = await Promise.all([
    import('../edge-agent/config/load-config.js'), import('../edge-agent/storage/actuals-store.js'), import('../edge-agent/storage/db.js'),
    import('../edge-agent/update/agent-updates.js'), import('../model-packager/data/load-recent-history.js'), import('../protocols/features/feature-names.js'),
  ]);
  let dataDir = flags.dataDir === undefined ? undefined : resolve(flags.dataDir);
  if (flags.config) dataDir = (await loadAgentConfig(flags.config)).dataDir;
  if (!dataDir) throw new FleetcastError('FC_ERR_USAGE', 'fleetcast agent seed-history needs --config <agent.json> or --data-dir <dir>');
  // Reading a chain's CSV is the long part: a bar on a terminal, nothing with --json (issue #14).
  const { withByteProgress } = await import('../model-packager/cli/sales-flags.js');
  const rows = await withByteProgress(createProgress({ json: Boolean(flags.json) }), 'read', (onBytes) => loadRecentHistory(flags, onBytes));
  const db = openAgentDb(agentDbPath(dataDir));
  try {
    const added = new ActualsStore(db, MAX_LOOKBACK_DAYS).seed(rows);
    const dates = rows.map((row) => row.date).sort();
    return { ok: true, rows: rows.length, added, stores: [...new Set(rows.map((row) => row.store))].sort(), from: dates[0] ?? null, to: dates[dates.length - 1] ?? null };
  } finally {
    db.close();
  }
}

/**
 * `fleetcast agent seed-history --data sales.csv` (issue #10): a store installed offline starts
 * with the recent sales its model's lag and rolling features read. Run it before starting the
 * agent (a running daemon reads its actuals at start).
 */
export function registerSeedHistoryCommand(agent: Command): void {
  withRecentHistoryOptions(agent.command('seed-history').description('Seed the agent\'s sales history from a CSV (offline installs): the last --days of the chosen stores'))
    .option('--config <path>', 'agent config (agent.json): data directory')
    .option('--data-dir <dir>', 'agent data directory when there is no config')
    .option('--json', 'print the result as JSON')
    .action(async (flags: SeedFlags) => {
      await runCommand(flags, () => seedHistory(flags), (result) => `seeded ${result.added} new of ${result.rows} daily rows (${result.stores.length} stores, ${result.from ?? '-'} … ${result.to ?? '-'})`);
    });
}
