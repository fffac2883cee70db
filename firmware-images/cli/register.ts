import type { Command } from 'commander';

/** Command groups owned by firmware images. */
export function registerImageCommands(_program: Command): void {
  // Agent images (build, A/B install) arrive with their own issue; nothing is registered yet.
}
