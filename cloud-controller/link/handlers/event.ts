import type { EventMessage } from '../../../protocols/messages/evt.js';
import type { LinkContext } from '../context.js';

/**
 * Deployment transitions update the inventory at once and the desired-state row; command
 * results are logged for the audit trail, and a signing-key acknowledgement may retry a
 * deployment the device failed for a reason it has now fixed (issue #11).
 */
export async function handleEvent(context: LinkContext, deviceId: string, message: EventMessage): Promise<void> {
  switch (message.type) {
    case 'deployment':
      context.fleet.recordDeploymentEvent(deviceId, message);
      context.deployments.onEvent(deviceId, message);
      // After both records are written, so a reader who sees this line sees the new status.
      context.log.debug({ deviceId, deploymentId: message.deploymentId, from: message.from, to: message.to }, 'deployment event');
      return;
    case 'command-result': {
      context.fleet.recordSeen(deviceId);
      context.log.info({ deviceId, commandId: message.commandId, commandType: message.commandType, ok: message.ok, errorCode: message.errorCode }, 'command result');
      const outcome = await context.deployments.onCommandResult(deviceId, message);
      if (outcome === 'retried') context.log.info({ deviceId }, 'failed deployment re-sent after a device-side fix');
      return;
    }
    default: {
      const unreachable: never = message;
      throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
    }
  }
}
