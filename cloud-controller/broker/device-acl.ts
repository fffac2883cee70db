import { CLOUD_ROOT, deviceChannels, deviceTopic, type DeviceChannel } from '../../protocols/topics.js';

/**
 * Channels a device publishes on (direction device→controller in protocols/topics.ts), so that
 * the aedes hooks, the Mosquitto ACL and the AWS IoT policy derive from one table.
 */
export const DEVICE_PUBLISH_CHANNELS = (Object.keys(deviceChannels) as DeviceChannel[]).filter(
  (channel) => deviceChannels[channel] === 'device→controller',
);

/** Channels a device subscribes to (direction controller→device). */
export const DEVICE_SUBSCRIBE_CHANNELS = (Object.keys(deviceChannels) as DeviceChannel[]).filter(
  (channel) => deviceChannels[channel] === 'controller→device',
);

/** A device may publish only on its own device→controller topics; everything else is denied. */
export function deviceMayPublish(deviceId: string, topic: string): boolean {
  return DEVICE_PUBLISH_CHANNELS.some((channel) => deviceTopic(deviceId, channel) === topic);
}

/**
 * A device may subscribe only to its own controller→device topics, named exactly: a wildcard
 * such as `fc/v1/d/{id}/#` would also cover channels it must not read back, and Mosquitto's
 * ACL check refuses it too, so both backends behave the same.
 */
export function deviceMaySubscribe(deviceId: string, filter: string): boolean {
  return DEVICE_SUBSCRIBE_CHANNELS.some((channel) => deviceTopic(deviceId, channel) === filter);
}

/** The controller identity may publish and subscribe anywhere under the cloud-link root, nowhere else. */
export function controllerMayAccess(topicOrFilter: string): boolean {
  return topicOrFilter.startsWith(`${CLOUD_ROOT}/`);
}
