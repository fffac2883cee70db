import type { StateMessage } from '../../../protocols/messages/state.js';
import type { LinkContext } from '../context.js';

/**
 * Birth or last will on `state`: update inventory, then reconcile desired against reported
 * state on a birth (a device that was offline during a deployment gets it now).
 */
export async function handleState(context: LinkContext, deviceId: string, message: StateMessage): Promise<void> {
  context.fleet.recordDeviceState(deviceId, message);
  if (message.type !== 'birth') return;
  const outcome = await context.deployments.onBirth(deviceId, message);
  context.log.info({ deviceId, outcome }, 'birth reconciled');
}
