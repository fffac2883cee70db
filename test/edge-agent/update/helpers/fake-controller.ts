import { createHash, randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { deviceTopic, allDevicesFilter } from '../../../../protocols/topics.js';
import { blobRequestSchema, BLOB_MAX_CHUNK_BYTES, type BlobChunk } from '../../../../protocols/messages/blob.js';
import { deploymentEventSchema, type DeploymentEvent } from '../../../../protocols/messages/evt.js';

/** Behaviour knobs of the blob server (what a flaky link or a broken controller would do). */
export interface BlobServerFaults {
  /** Offsets whose first answer carries a corrupted chunk (data changed, chunkSha256 kept). */
  corruptOnceAt?: Set<number>;
  /** Offsets whose first request is ignored (the agent must time out and ask again). */
  dropOnceAt?: Set<number>;
}

/**
 * The controller side of update tests: a REAL aedes broker on 127.0.0.1 (random port) and a
 * REAL mqtt.js client that answers `blob/req` with chunks of the bundles it was given,
 * records every request offset and collects `deployment` events.
 */
export class FakeController {
  readonly url: string;
  readonly blobRequests: Array<{ offset: number; length: number; transferId: string }> = [];
  readonly events: DeploymentEvent[] = [];
  faults: BlobServerFaults = {};
  private readonly blobs = new Map<string, Buffer>();
  private readonly answered = new Set<string>();
  private readonly subscribed = new Set<string>();
  private readonly waiters: Array<{ match(event: DeploymentEvent): boolean; resolve(event: DeploymentEvent): void }> = [];

  private constructor(
    private readonly aedes: Aedes,
    private readonly server: Server,
    private readonly client: MqttClient,
    url: string,
  ) {
    this.url = url;
  }

  static async start(): Promise<FakeController> {
    const aedes = await Aedes.createBroker();
    const server = createServer(aedes.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = await mqtt.connectAsync(url, { clientId: `controller-${randomUUID()}`, protocolVersion: 4 });
    const controller = new FakeController(aedes, server, client, url);
    aedes.on('subscribe', (subscriptions) => subscriptions.forEach((subscription) => controller.subscribed.add(subscription.topic)));
    await client.subscribeAsync([allDevicesFilter('blob/req'), allDevicesFilter('evt')], { qos: 1 });
    client.on('message', (topic, payload) => controller.onMessage(topic, payload));
    return controller;
  }

  /** Makes `bytes` downloadable by its sha256. */
  offer(bytes: Buffer): string {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    this.blobs.set(sha256, bytes);
    return sha256;
  }

  /** Publishes a complete command message on the device's `cmd` topic (QoS 1). */
  async send(deviceId: string, command: object): Promise<void> {
    await this.client.publishAsync(deviceTopic(deviceId, 'cmd'), JSON.stringify(command), { qos: 1 });
  }

  /** Resolves once the device has subscribed to its `cmd` topic (a command sent earlier would be lost). */
  waitForDeviceSubscription(deviceId: string, timeoutMs = 30_000): Promise<void> {
    const topic = deviceTopic(deviceId, 'cmd');
    if (this.subscribed.has(topic)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${deviceId} did not subscribe in ${timeoutMs} ms`)), timeoutMs);
      const listener = (subscriptions: Array<{ topic: string }>): void => {
        if (!subscriptions.some((subscription) => subscription.topic === topic)) return;
        clearTimeout(timer);
        this.aedes.off('subscribe', listener);
        resolve();
      };
      this.aedes.on('subscribe', listener);
    });
  }

  /** Resolves with the first event (already received or future) that `match` accepts. */
  waitForEvent(match: (event: DeploymentEvent) => boolean, timeoutMs = 30_000): Promise<DeploymentEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching deployment event in ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => `${e.from}->${e.to}`))}`)), timeoutMs);
      this.waiters.push({ match, resolve: (event) => (clearTimeout(timer), resolve(event)) });
    });
  }

  async stop(): Promise<void> {
    await this.client.endAsync(true);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
  }

  private onMessage(topic: string, payload: Buffer): void {
    const deviceId = topic.split('/')[3];
    const message = JSON.parse(payload.toString('utf8')) as unknown;
    if (topic.endsWith('/evt')) {
      const parsed = deploymentEventSchema.safeParse(message);
      if (!parsed.success) return;
      this.events.push(parsed.data);
      for (const waiter of this.waiters.splice(0)) {
        if (waiter.match(parsed.data)) waiter.resolve(parsed.data);
        else this.waiters.push(waiter);
      }
      return;
    }
    const request = blobRequestSchema.safeParse(message);
    if (!request.success) return;
    const { offset, length, transferId, sha256 } = request.data;
    this.blobRequests.push({ offset, length, transferId });
    const key = `${transferId}@${offset}`;
    const firstTime = !this.answered.has(key);
    this.answered.add(key);
    if (firstTime && this.faults.dropOnceAt?.has(offset)) return;
    const bytes = this.blobs.get(sha256);
    if (!bytes) {
      void this.client.publishAsync(deviceTopic(deviceId, 'blob/res'), JSON.stringify({ v: 1, id: randomUUID(), ts: new Date().toISOString(), sender: { role: 'controller', id: 'controller' }, type: 'error', requestId: request.data.id, code: 'FC_ERR_FILE_NOT_FOUND', message: 'unknown blob' }), { qos: 1 });
      return;
    }
    const data = Buffer.from(bytes.subarray(offset, offset + Math.min(length, BLOB_MAX_CHUNK_BYTES)));
    const chunkSha256 = createHash('sha256').update(data).digest('hex');
    if (firstTime && this.faults.corruptOnceAt?.has(offset)) data[0] ^= 0xff;
    const chunk: BlobChunk = { v: 1, id: randomUUID(), ts: new Date().toISOString(), sender: { role: 'controller', id: 'controller' }, type: 'blob-chunk', transferId, sha256, offset, total: bytes.length, data: data.toString('base64'), chunkSha256 };
    void this.client.publishAsync(deviceTopic(deviceId, 'blob/res'), JSON.stringify(chunk), { qos: 1 });
  }
}
