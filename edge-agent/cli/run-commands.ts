import type { Command } from 'commander';

/** `fleetcast agent --config …` (the daemon) and `fleetcast agent init` (issue #5). */
export function registerAgentRunCommands(_agent: Command): void {}
