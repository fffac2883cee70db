import { assertValidId } from './ids.js';
import { FleetcastError } from './errors/fleetcast-error.js';

/**
 * The MQTT topic tree (docs/protocol.md). Cloud-link topics live under one subtree per device
 * so broker ACLs (aedes hooks, Mosquitto `pattern`, AWS IoT policy variables) can confine a
 * device to `fc/v1/d/{itsId}/#`.
 */
export const CLOUD_ROOT = 'fc/v1/d';

/** Channels of a device's subtree, with the direction of traffic. */
export const deviceChannels = {
  cmd: 'controller→device',
  state: 'device→controller',
  evt: 'device→controller',
  up: 'device→controller',
  ack: 'controller→device',
  'blob/req': 'device→controller',
  'blob/res': 'controller→device',
} as const;

export type DeviceChannel = keyof typeof deviceChannels;

export const deviceChannelNames = Object.keys(deviceChannels) as DeviceChannel[];

/** Store-LAN topics on the broker the agent embeds. */
export const posTopics = {
  scoreRequest: 'pos/v1/score/req',
  actuals: 'pos/v1/actuals',
  status: 'pos/v1/status',
  /** Default prefix for replies of 3.1.1 clients that name no `replyTo` of their own. */
  replyPrefix: 'pos/v1/score/res',
} as const;

export function deviceTopic(deviceId: string, channel: DeviceChannel): string {
  return `${CLOUD_ROOT}/${assertValidId(deviceId, 'deviceId')}/${channel}`;
}

/** Topic filter covering every channel of one device (for ACLs and the controller's subscription). */
export function deviceSubtreeFilter(deviceId: string): string {
  return `${CLOUD_ROOT}/${assertValidId(deviceId, 'deviceId')}/#`;
}

/** Filter the controller subscribes with to hear one channel of every device. */
export function allDevicesFilter(channel: DeviceChannel): string {
  return `${CLOUD_ROOT}/+/${channel}`;
}

export interface ParsedDeviceTopic {
  deviceId: string;
  channel: DeviceChannel;
}

/** Parses a concrete cloud-link topic; throws FC_ERR_INVALID_TOPIC for anything else. */
export function parseDeviceTopic(topic: string): ParsedDeviceTopic {
  const prefix = `${CLOUD_ROOT}/`;
  if (!topic.startsWith(prefix)) throw new FleetcastError('FC_ERR_INVALID_TOPIC', topic);
  const rest = topic.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) throw new FleetcastError('FC_ERR_INVALID_TOPIC', topic);
  const deviceId = rest.slice(0, slash);
  const channel = rest.slice(slash + 1);
  if (!(channel in deviceChannels)) throw new FleetcastError('FC_ERR_INVALID_TOPIC', topic);
  try {
    assertValidId(deviceId, 'deviceId');
  } catch {
    throw new FleetcastError('FC_ERR_INVALID_TOPIC', topic);
  }
  return { deviceId, channel: channel as DeviceChannel };
}

/** Reply topic for a 3.1.1 POS client that gave `requestId` but no `replyTo`. */
export function defaultPosReplyTopic(clientId: string): string {
  return `${posTopics.replyPrefix}/${assertValidId(clientId, 'clientId')}`;
}
