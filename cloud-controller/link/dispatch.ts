import { FleetcastError } from '../../protocols/errors/fleetcast-error.js';
import { decodeMessage, type MessageOf } from '../../protocols/messages/decode.js';
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

/** Decodes a device's message and checks that it names the device whose topic it came on. */
function decodeFromDevice<K extends 'state' | 'evt' | 'up' | 'blob/req'>(deviceId: string, kind: K, payload: Buffer): MessageOf<K> {
  const message = decodeMessage(kind, payload);
  assertSender(deviceId, (message as { sender: Sender }).sender);
  return message;
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
    case 'state':
      return handleState(context, deviceId, decodeFromDevice(deviceId, 'state', payload));
    case 'evt':
      return handleEvent(context, deviceId, decodeFromDevice(deviceId, 'evt', payload));
    case 'up':
      return handleUp(context, deviceId, decodeFromDevice(deviceId, 'up', payload));
    case 'blob/req':
      return handleBlobRequest(context, deviceId, decodeFromDevice(deviceId, 'blob/req', payload));
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
