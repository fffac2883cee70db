import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { RollbackCommand } from '../../../protocols/messages/cmd/rollback.js';
import type { CommandContext } from '../command-context.js';

/** `rollback`: hands the command to the update engine (the only path to a lower version). */
export async function handleRollback(command: RollbackCommand, context: CommandContext): Promise<void> {
  if (!context.updates) throw new FleetcastError('FC_ERR_AGENT_UPDATE_UNAVAILABLE', 'rollback');
  await context.updates.rollback(command);
}
