import type { Command } from 'commander';

/** Command groups owned by the edge agent. */
export function registerAgentCommands(program: Command): void {
  program.command('agent').description('Run the store agent, write its config, or install a bundle offline');
}
