import type { Command } from 'commander';

/** `fleetcast train` and `fleetcast runs list|show|compare` (issue #3). */
export function registerTrainCommands(program: Command): void {
  program.command('train').description('Train, tune and evaluate a forecasting model (tracked as a run)');
  program.command('runs').description('List, show and compare tracked training runs');
}
