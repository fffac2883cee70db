import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { DeployCommand } from '../../../protocols/messages/cmd/deploy.js';
import type { CommandContext } from '../command-context.js';

/** `deploy`: hands the command to the update engine, which reports `deployment` events itself. */
export async function handleDeploy(command: DeployCommand, context: CommandContext): Promise<void> {
  if (!context.updates) throw new FleetcastError('FC_ERR_AGENT_UPDATE_UNAVAILABLE', 'deploy');
  await context.updates.deploy(command);
}
