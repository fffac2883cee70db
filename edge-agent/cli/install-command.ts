import type { Command } from 'commander';

/** `fleetcast agent install <bundle> --config …` for stores without a network (issue #5). */
export function registerAgentInstallCommand(_agent: Command): void {}
