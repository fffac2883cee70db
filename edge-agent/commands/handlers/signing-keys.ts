import { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import type { SigningKeysCommand } from '../../../protocols/messages/cmd/signing-keys.js';
import type { CommandContext } from '../command-context.js';

/**
 * `signing-keys`: the controller's signed rotation of the fleet's bundle signers (issue #11).
 * The ok `command-result` tells the controller the device can now verify those bundles, which
 * re-sends a deployment that failed on an untrusted signer.
 */
export function handleSigningKeys(command: SigningKeysCommand, context: CommandContext): void {
  if (!context.updates?.applySigningKeys) throw new FleetcastError('FC_ERR_AGENT_UPDATE_UNAVAILABLE', 'signing-keys');
  context.updates.applySigningKeys(command);
  context.logger.info({ version: command.keySet.version, trusted: command.keySet.trusted.map((key) => key.keyId), retired: command.keySet.retired }, 'signing keys applied');
}
