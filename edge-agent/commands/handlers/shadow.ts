import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { ShadowCommand } from '../../../protocols/messages/cmd/shadow.js';
import type { CommandContext } from '../command-context.js';

/** `shadow`: starts or stops a shadow experiment (issue #13); ok once the challenger scores. */
export async function handleShadow(command: ShadowCommand, context: CommandContext): Promise<void> {
  if (!context.shadow) throw new FleetcastError('FC_ERR_AGENT_COMMAND_UNSUPPORTED', command.type, { type: command.type });
  await context.shadow.apply(command);
}
