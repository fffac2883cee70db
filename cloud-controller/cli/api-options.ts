import type { Command } from 'commander';
import type { ApiClient } from './api-client.js';
import type { DataDirOptions } from './cli-context.js';

/** Options of commands that talk to the running daemon. */
export interface ApiOptions extends DataDirOptions {
  api?: string;
  token?: string;
}

/** Adds `--api` and `--token` (remote controllers) to a command. */
export function withApiOptions(command: Command): Command {
  return command
    .option('--api <url>', 'controller API URL (default: FLEETCAST_API_URL, else the local daemon of --data-dir)')
    .option('--token <token>', 'API token with the operator role (default: FLEETCAST_API_TOKEN, else the local daemon\'s)');
}

/** The REST client, loaded when a command runs so that `--help` stays fast (issue #9). */
export async function connectApi(options: ApiOptions): Promise<ApiClient> {
  return (await import('./api-client.js')).apiClient(options);
}
