import type { PingCommand } from '../../../protocols/messages/cmd/ping.js';
import type { CommandContext } from '../command-context.js';

/** `ping`: liveness; the dispatcher's ok `command-result` carrying the ping's id is the answer. */
export function handlePing(command: PingCommand, context: CommandContext): void {
  context.logger.debug({ id: command.id }, 'ping');
}
