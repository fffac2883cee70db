import type { Command } from 'commander';

/** Command groups owned by the cloud controller. */
export function registerControllerCommands(program: Command): void {
  program.command('controller').description('Run the controller: embedded broker, registry, API');
  program.command('registry').description('Push, list, promote and alias model versions');
  program.command('devices').description('Enrol, list and revoke store devices');
  program.command('broker').description('Broker adapter tools (e.g. Mosquitto configuration)');
  program.command('predict').description('Batch-score a CSV with a registered model');
}
