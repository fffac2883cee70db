import type { EventMessage } from '../../../protocols/messages/evt.js';
import type { LinkContext } from '../context.js';

/** Deployment transitions update the desired-state row; command results are logged for the audit trail. */
export async function handleEvent(context: LinkContext, deviceId: string, message: EventMessage): Promise<void> {
  context.fleet.recordSeen(deviceId);
  switch (message.type) {
    case 'deployment':
      context.deployments.onEvent(deviceId, message);
      return;
    case 'command-result':
      context.log.info({ deviceId, commandId: message.commandId, commandType: message.commandType, ok: message.ok, errorCode: message.errorCode }, 'command result');
      return;
    default: {
      const unreachable: never = message;
      throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
    }
  }
}
