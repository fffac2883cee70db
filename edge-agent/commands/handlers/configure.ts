import type { ConfigureCommand } from '../../../protocols/messages/cmd/configure.js';
import type { CommandContext } from '../command-context.js';

/** `configure`: applies the remote settings patch at once (schedules restart with new timing). */
export function handleConfigure(command: ConfigureCommand, context: CommandContext): void {
  context.applySettings(command.settings);
}
