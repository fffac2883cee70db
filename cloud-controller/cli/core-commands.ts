import type { Command } from 'commander';
import { registerControllerDaemonCommands } from './controller-commands.js';
import { registerRegistryCommands } from './registry-commands.js';
import { registerDeviceCommands } from './device-commands.js';
import { registerPredictCommand } from './predict-command.js';

/** `fleetcast controller|registry|devices|predict` (issue #6). */
export function registerCoreControllerCommands(program: Command): void {
  registerControllerDaemonCommands(program);
  registerRegistryCommands(program);
  registerDeviceCommands(program);
  registerPredictCommand(program);
}
