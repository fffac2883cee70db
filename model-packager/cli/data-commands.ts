import type { Command } from 'commander';

/** `fleetcast data generate|validate` (issue #3). */
export function registerDataCommands(program: Command): void {
  program.command('data').description('Generate and validate sales data');
}
