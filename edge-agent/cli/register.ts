import type { Command } from 'commander';
import { registerAgentRunCommands } from './run-commands.js';
import { registerAgentInstallCommand } from './install-command.js';

/** The `fleetcast agent` group (issue #5): run the daemon, `init` a config, `install` a bundle offline. */
export function registerAgentCommands(program: Command): void {
  const agent = program.command('agent').description('Run the store agent, write its config, or install a bundle offline');
  registerAgentRunCommands(agent);
  registerAgentInstallCommand(agent);
}
