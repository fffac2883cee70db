import { validateMessage } from '../../protocols/messages/decode.js';
import { envelope } from '../../protocols/messages/envelope-factory.js';
import { toFleetcastError } from '../../protocols/errors/fleetcast-error.js';
import type { Command } from '../../protocols/messages/cmd/index.js';
import type { CommandResultEvent } from '../../protocols/messages/evt.js';
import type { Sender } from '../../protocols/envelope.js';
import type { CommandContext } from './command-context.js';
import { handleDeploy } from './handlers/deploy.js';
import { handleRollback } from './handlers/rollback.js';
import { handleConfigure } from './handlers/configure.js';
import { handlePing } from './handlers/ping.js';
import { handleSigningKeys } from './handlers/signing-keys.js';
import { handleImageUpdate } from './handlers/image-update.js';
import { handleShadow } from './handlers/shadow.js';

/** One handler per command type behind one exhaustive switch (MQTT.js src/lib/handlers style). */
async function run(command: Command, context: CommandContext): Promise<void> {
  switch (command.type) {
    case 'deploy':
      return handleDeploy(command, context);
    case 'rollback':
      return handleRollback(command, context);
    case 'configure':
      return handleConfigure(command, context);
    case 'ping':
      return handlePing(command, context);
    case 'signing-keys':
      return handleSigningKeys(command, context);
    case 'shadow':
      return handleShadow(command, context);
    case 'image-update':
      return handleImageUpdate(command, context);
    default: {
      const unreachable: never = command;
      throw new Error(`unhandled command ${JSON.stringify(unreachable)}`);
    }
  }
}

function field(message: unknown, name: string, max: number): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const value = (message as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 ? value.slice(0, max) : undefined;
}

/**
 * Handles one inbound `cmd` payload (already JSON-parsed, `undefined` when it was not JSON) and
 * returns the `command-result` event to publish: ok for non-deployment commands that ran, and
 * for any command that failed validation or execution, ok:false with its code — an unknown
 * type or malformed payload never crashes the agent (DESIGN "MQTT contract"). Deploy and
 * rollback that were accepted report through the update engine's `deployment` events instead.
 */
export async function dispatchCommand(message: unknown, sender: Sender, context: CommandContext): Promise<CommandResultEvent | null> {
  const commandId = field(message, 'id', 128) ?? 'unknown';
  const commandType = field(message, 'type', 64) ?? 'unknown';
  const result = (ok: boolean, errorCode?: string, detail?: string): CommandResultEvent => ({
    ...envelope(sender),
    type: 'command-result',
    commandId,
    commandType,
    ok,
    ...(errorCode ? { errorCode } : {}),
    ...(detail ? { detail: detail.slice(0, 1000) } : {}),
  });
  try {
    if (message === undefined) throw toFleetcastError(new Error('payload is not JSON'), 'FC_ERR_MALFORMED_JSON');
    const command = validateMessage('cmd', message);
    await run(command, context);
    return command.type === 'deploy' || command.type === 'rollback' ? null : result(true);
  } catch (error) {
    const coded = toFleetcastError(error);
    context.logger.warn({ code: coded.code, commandId, commandType }, 'command refused');
    return result(false, coded.code, coded.message);
  }
}
