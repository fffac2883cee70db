import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { ShadowCommand } from '../../../protocols/messages/cmd/shadow.js';

/**
 * `shadow` is a valid command this agent build does not run yet (shadow scoring is later work);
 * it gets a coded `command-result`, not silence.
 */
export function handleUnsupported(command: ShadowCommand): never {
  throw new FleetcastError('FC_ERR_AGENT_COMMAND_UNSUPPORTED', command.type, { type: command.type });
}
