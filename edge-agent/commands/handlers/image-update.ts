import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { ImageUpdateCommand } from '../../../protocols/messages/cmd/image-update.js';
import type { CommandContext } from '../command-context.js';

/**
 * `image-update` (issue #16): hands the command to the A/B self-update, which downloads, verifies
 * and unpacks the image into the inactive slot, switches `current` and stops the agent for its
 * supervisor to start the new slot. An agent not installed from an image refuses it, coded.
 */
export async function handleImageUpdate(command: ImageUpdateCommand, context: CommandContext): Promise<void> {
  if (!context.images) throw new FleetcastError('FC_ERR_IMAGE_NOT_INSTALLED', 'this agent has no image installation (config `image`)');
  await context.images.update(command);
}
