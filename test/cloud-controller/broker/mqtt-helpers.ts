import mqtt, { type MqttClient } from 'mqtt';
import type { MqttConnectionOptions } from '../../../cloud-controller/broker/adapter.js';

/** Connects once (no reconnect) so that a refusal surfaces as a rejected promise. */
export function connectOnce(options: MqttConnectionOptions): Promise<MqttClient> {
  return mqtt.connectAsync(options.url, {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    clean: true,
  });
}

/** Whether a connection attempt is refused by the broker (bad credentials / not authorized). */
export async function isRefused(options: MqttConnectionOptions): Promise<boolean> {
  try {
    const client = await connectOnce(options);
    await client.endAsync();
    return false;
  } catch {
    return true;
  }
}

/** Retries `check` until it returns true or `timeoutMs` passes (for brokers that reload config asynchronously). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Collects messages a client receives, by topic. */
export function collect(client: MqttClient): Array<{ topic: string; payload: string }> {
  const received: Array<{ topic: string; payload: string }> = [];
  client.on('message', (topic, payload) => received.push({ topic, payload: payload.toString('utf8') }));
  return received;
}

/** Resolves when `received` holds a message with `payload`, or rejects after `timeoutMs`. */
export async function waitFor(received: Array<{ topic: string; payload: string }>, payload: string, timeoutMs = 5_000): Promise<void> {
  const found = await eventually(async () => received.some((message) => message.payload === payload), timeoutMs, 20);
  if (!found) throw new Error(`message ${payload} not received`);
}

/**
 * Publishes at QoS 1 and resolves once the broker has handled the packet: its PUBACK (Mosquitto
 * acknowledges and drops a publish its ACL refuses) or the connection closing (aedes drops the
 * offender). Anything the broker routes from that packet is on its way before either signal, so
 * a later positive control makes silence meaningful without a sleep (issue #9).
 */
export async function handled(client: MqttClient, topic: string, payload: string): Promise<void> {
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  await Promise.race([client.publishAsync(topic, payload, { qos: 1 }).then(() => undefined, () => undefined), closed]);
}

/** Subscribes and returns the SUBACK codes (0x80 = refused) instead of rejecting on a refusal. */
export function subscribeCodes(client: MqttClient, topics: string[]): Promise<number[]> {
  return new Promise((resolve, reject) => {
    client.subscribe(topics, { qos: 1 }, (error, _granted, packet) => {
      if (packet) resolve(packet.granted.map((code) => (typeof code === 'number' ? code : 128)));
      else reject(error ?? new Error('no SUBACK'));
    });
  });
}
