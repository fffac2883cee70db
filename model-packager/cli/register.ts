import type { Command } from 'commander';
import { registerDataCommands } from './data-commands.js';
import { registerTrainCommands } from './train-commands.js';
import { registerPackageCommands } from './package-commands.js';

/** Command groups owned by the model packager: data, train, runs, package, bundle, keys. */
export function registerPackagerCommands(program: Command): void {
  registerDataCommands(program);
  registerTrainCommands(program);
  registerPackageCommands(program);
}
