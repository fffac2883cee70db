import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { ControllerContext } from '../controller-context.js';

/** Options every data-dir command accepts. */
export interface DataDirOptions {
  config?: string;
  dataDir?: string;
  json?: boolean;
  /** Who the audit log and registry history name for this command. */
  actor?: string;
}

/** Adds `--config`, `--data-dir`, `--actor` and `--json` to a command. */
export function withDataDirOptions(command: Command): Command {
  return command
    .option('--config <file>', 'controller config file (JSON)')
    .option('--data-dir <dir>', 'controller data dir (default: .fleetcast/controller or FLEETCAST_DATA_DIR)')
    .option('--actor <name>', 'operator name recorded in history and audit log (default: cli:<login>)')
    .option('--json', 'print one JSON document on stdout');
}

/** The operator name a CLI command acts as. */
export function cliActor(options: DataDirOptions): string {
  return options.actor ?? `cli:${process.env.USER ?? userInfo().username}`;
}

/**
 * Runs `action` on the controller's data dir. The CLI works directly on the data dir (SQLite
 * WAL lets it run beside a live daemon; docs/controller.md "CLI"), and every mutating command
 * is written to the same audit log as API calls, with its outcome.
 */
export async function withContext<T>(options: DataDirOptions, audit: string | null, action: (context: ControllerContext) => Promise<T> | T): Promise<T> {
  // Loaded here, not at import, so command definitions stay cheap and `--help` fast (issue #9).
  const { openControllerContext } = await import('../controller-context.js');
  const context = openControllerContext({ configPath: options.config, dataDir: options.dataDir });
  try {
    const result = await action(context);
    if (audit) context.audit.record({ actor: cliActor(options), role: null, action: `cli ${audit}`, detail: null, status: 0, result: 'ok' });
    return result;
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'FC_ERR_INTERNAL';
    if (audit) context.audit.record({ actor: cliActor(options), role: null, action: `cli ${audit}`, detail: null, status: 1, result: code.startsWith('FC_ERR_') ? code : 'FC_ERR_INTERNAL' });
    throw error;
  } finally {
    context.close();
  }
}
