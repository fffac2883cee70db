import mqtt, { type MqttClient } from 'mqtt';
import { deviceTopic, type DeviceChannel } from '../../../../protocols/topics.js';
import type { UplinkHandler, UplinkPort } from '../../../../edge-agent/ports.js';

/**
 * A minimal REAL device uplink for in-process update tests: an mqtt.js client on the test
 * broker, publishing and subscribing on the device's own channels at QoS 1.
 */
export async function connectDeviceUplink(url: string, deviceId: string): Promise<UplinkPort & { close(): Promise<void>; client: MqttClient }> {
  const client = await mqtt.connectAsync(url, { clientId: deviceId, protocolVersion: 4 });
  const handlers = new Map<string, Set<UplinkHandler>>();
  client.on('message', (topic, payload) => {
    for (const handler of handlers.get(topic) ?? []) handler(JSON.parse(payload.toString('utf8')) as unknown, payload);
  });
  await client.subscribeAsync([deviceTopic(deviceId, 'blob/res'), deviceTopic(deviceId, 'cmd')], { qos: 1 });
  return {
    client,
    async publish(channel: DeviceChannel, message: unknown) {
      await client.publishAsync(deviceTopic(deviceId, channel), JSON.stringify(message), { qos: 1 });
    },
    subscribe(channel: DeviceChannel, handler: UplinkHandler) {
      const topic = deviceTopic(deviceId, channel);
      let set = handlers.get(topic);
      if (!set) handlers.set(topic, (set = new Set()));
      set.add(handler);
      return () => set.delete(handler);
    },
    close: () => client.endAsync(true),
  };
}
