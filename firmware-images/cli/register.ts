import type { Command } from 'commander';
import { registerImageSubcommands } from './image-commands.js';

/** Command groups owned by firmware images: `fleetcast image build|install` (issue #16). */
export function registerImageCommands(program: Command): void {
  registerImageSubcommands(program.command('image').description('Build signed agent images for hardware profiles and install them into A/B slots'));
}
