import type { Command } from 'commander';

/**
 * Commands that run as services: their pino lines on stderr are the point, so they log at
 * their configured level. Everything else is an interactive command whose reader wants its
 * result, not log lines (issue #11): it logs warnings only unless `--verbose`.
 */
const SERVICES = new Set(['fleetcast controller', 'fleetcast agent']);

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/** Adds `--verbose` to every command that runs something: leaves and services (commands own their other options). */
export function addVerboseOption(command: Command): void {
  for (const sub of command.commands) addVerboseOption(sub);
  const runs = command.commands.length === 0 || SERVICES.has(commandPath(command));
  if (command.parent && runs && !command.options.some((option) => option.long === '--verbose')) {
    command.option('--verbose', 'show info and debug log lines on stderr');
  }
}

/**
 * Sets the log level for the command about to run, before its action imports any module that
 * creates a logger. An explicit `FLEETCAST_LOG_LEVEL` always wins.
 */
export function applyLogPolicy(action: Command): void {
  if (process.env.FLEETCAST_LOG_LEVEL !== undefined) return;
  if (action.opts<{ verbose?: boolean }>().verbose) process.env.FLEETCAST_LOG_LEVEL = 'debug';
  else if (!SERVICES.has(commandPath(action))) process.env.FLEETCAST_LOG_LEVEL = 'warn';
}
