import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { randomUUID } from 'node:crypto';
import { POS_USER } from './agent-fixture.js';

/** A score request envelope for tests; `rows` and extra fields as given. */
export function scoreRequest(rows: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { v: 1, id: randomUUID(), ts: new Date().toISOString(), sender: { role: 'pos', id: 'till-1' }, type: 'score', rows, ...extra };
}

/** Connects once (no reconnect); rejects with mqtt.js' error, whose `code` is the CONNACK refusal. */
export async function connectMqtt(url: string, options: IClientOptions): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5_000, ...options });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
  return client;
}

/** Connects a real MQTT 3.1.1 client to the agent's POS broker. */
export function connectPos(port: number, clientId: string, credentials: { username: string; password: string } = POS_USER): Promise<MqttClient> {
  return connectMqtt(`mqtt://127.0.0.1:${port}`, { clientId, username: credentials.username, password: credentials.password, protocolVersion: 4 });
}

/** Subscribes and returns the granted QoS of each filter (128 = refused). */
export async function subscribeGranted(client: MqttClient, filters: string[]): Promise<number[]> {
  try {
    const granted = await client.subscribeAsync(filters, { qos: 0 });
    return granted.map((grant) => grant.qos);
  } catch (error) {
    // mqtt.js rejects when every filter was refused; the SUBACK still lists the codes.
    const granted = (error as { packet?: { granted?: number[] } }).packet?.granted;
    if (!granted) throw error;
    return granted;
  }
}

/** Collects JSON messages arriving on `client` into an array (mutated in place). */
export function collect(client: MqttClient): Array<{ topic: string; message: Record<string, unknown> }> {
  const received: Array<{ topic: string; message: Record<string, unknown> }> = [];
  client.on('message', (topic, payload) => received.push({ topic, message: JSON.parse(payload.toString('utf8')) as Record<string, unknown> }));
  return received;
}

/** Waits until `predicate` holds, polling every 10 ms, or throws after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
