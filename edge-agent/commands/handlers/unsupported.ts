import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { ImageUpdateCommand } from '../../../protocols/messages/cmd/image-update.js';

/**
 * `image-update` is a valid command this agent build does not run yet (A/B image install is
 * later work); it gets a coded `command-result`, not silence.
 */
export function handleUnsupported(command: ImageUpdateCommand): never {
  throw new FleetcastError('FC_ERR_AGENT_COMMAND_UNSUPPORTED', command.type, { type: command.type });
}
