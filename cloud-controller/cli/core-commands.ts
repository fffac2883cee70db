import type { Command } from 'commander';

/** `fleetcast controller|registry|devices|predict` (issue #6). */
export function registerCoreControllerCommands(program: Command): void {
  program.command('controller').description('Run the controller: embedded broker, registry, API');
  program.command('registry').description('Push, list, promote and alias model versions');
  program.command('devices').description('Enrol, list and revoke store devices');
  program.command('predict').description('Batch-score a CSV with a registered model');
}
