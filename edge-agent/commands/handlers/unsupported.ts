import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { ImageUpdateCommand } from '../../../protocols/messages/cmd/image-update.js';
import type { ShadowCommand } from '../../../protocols/messages/cmd/shadow.js';

/**
 * `shadow` and `image-update` are valid commands this agent build does not run yet (shadow
 * scoring and A/B image install are later work); they get a coded `command-result`, not silence.
 */
export function handleUnsupported(command: ShadowCommand | ImageUpdateCommand): never {
  throw new FleetcastError('FC_ERR_AGENT_COMMAND_UNSUPPORTED', command.type, { type: command.type });
}
