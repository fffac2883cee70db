import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { decodeMessage } from '../../protocols/messages/decode.js';
import type { Sender } from '../../protocols/envelope.js';
import { parseDeviceTopic } from '../../protocols/topics.js';
import type { LinkContext } from './context.js';
import { handleBlobRequest } from './handlers/blob-request.js';
import { handleEvent } from './handlers/event.js';
import { handleState } from './handlers/state.js';
import { handleUp } from './handlers/up.js';

/** The broker confines devices to their subtree; this also refuses a payload that claims another sender. */
function assertSender(deviceId: string, sender: Sender): void {
  if (sender.role !== 'device' || sender.id !== deviceId) {
    throw new FleetcastError('FC_ERR_LINK_SENDER_MISMATCH', `${sender.role}:${sender.id} on ${deviceId}`, { deviceId, sender });
  }
}

/**
 * Routes one inbound cloud-link message: parse the topic, check the device, decode with the
 * protocol schema of the channel, hand to its handler. Throws coded errors; the caller logs
 * them and carries on (a stranger or malformed message never crashes the controller).
 */
export async function dispatchInbound(context: LinkContext, topic: string, payload: Buffer): Promise<void> {
  const { deviceId, channel } = parseDeviceTopic(topic);
  // A zero-length retained publish clears a retained state message; there is nothing to apply.
  if (channel === 'state' && payload.length === 0) return;
  if (!context.fleet.isEnrolled(deviceId)) throw new FleetcastError('FC_ERR_DEVICE_NOT_FOUND', deviceId, { deviceId });
  if (context.fleet.isRevoked(deviceId)) throw new FleetcastError('FC_ERR_DEVICE_REVOKED', deviceId, { deviceId });
  switch (channel) {
    case 'state': {
      const message = decodeMessage('state', payload);
      assertSender(deviceId, message.sender);
      return handleState(context, deviceId, message);
    }
    case 'evt': {
      const message = decodeMessage('evt', payload);
      assertSender(deviceId, message.sender);
      return handleEvent(context, deviceId, message);
    }
    case 'up': {
      const message = decodeMessage('up', payload);
      assertSender(deviceId, message.sender);
      return handleUp(context, deviceId, message);
    }
    case 'blob/req': {
      const message = decodeMessage('blob/req', payload);
      assertSender(deviceId, message.sender);
      return handleBlobRequest(context, deviceId, message);
    }
    case 'cmd':
    case 'ack':
    case 'blob/res':
      throw new FleetcastError('FC_ERR_LINK_UNEXPECTED_CHANNEL', topic, { channel });
    default: {
      const unreachable: never = channel;
      throw new FleetcastError('FC_ERR_INVALID_TOPIC', String(unreachable));
    }
  }
}
