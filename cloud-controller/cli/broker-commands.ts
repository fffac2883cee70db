import type { Command } from 'commander';

/** `fleetcast broker …` (issue #6). */
export function registerBrokerCommands(program: Command): void {
  program.command('broker').description('Broker adapter tools (e.g. Mosquitto configuration)');
}
