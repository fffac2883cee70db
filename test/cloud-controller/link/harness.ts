import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { loadOrCreateControllerKey } from '../../../cloud-controller/deployments/controller-key.js';
import { AedesBrokerAdapter } from '../../../cloud-controller/broker/aedes-adapter.js';
import { loadOrCreateControllerIdentity } from '../../../cloud-controller/broker/controller-identity.js';
import { DeviceLink, type DeviceLinkOptions } from '../../../cloud-controller/link/device-link.js';
import type { ControllerIdentity } from '../../../cloud-controller/broker/controller-identity.js';
import { TelemetryIngest } from '../../../cloud-controller/telemetry/ingest.js';
import { TelemetryQueries } from '../../../cloud-controller/telemetry/queries.js';
import { BlobServer } from '../../../cloud-controller/distribution/blob-server.js';
import { artifactStoreLocator } from '../../../cloud-controller/distribution/bundle-locator.js';
import { Deployments } from '../../../cloud-controller/deployments/desired-state.js';
import type { FleetcastError } from '../../../protocols/errors/fleetcast-error.js';
import { envelope } from '../../../protocols/messages/envelope-factory.js';
import type { BirthState } from '../../../protocols/messages/state.js';
import type { ModelRef } from '../../../protocols/envelope.js';
import { deviceTopic } from '../../../protocols/topics.js';
import { createFleetFixture, type FleetFixture } from '../broker/fleet-fixture.js';
import { collect, connectOnce, eventually } from '../broker/mqtt-helpers.js';

/** A running controller side: real aedes, real SQLite fleet, the device link and its modules. */
export interface LinkHarness {
  fixture: FleetFixture;
  adapter: AedesBrokerAdapter;
  link: DeviceLink;
  queries: TelemetryQueries;
  blobs: BlobServer;
  inboundErrors: Array<{ code: string; topic: string }>;
  /** The controller identity the broker checks (a test may change it to refuse the link's login). */
  identity: ControllerIdentity;
  /** Resolves when the link's first connect succeeded (already resolved unless `deferStart`). */
  started: Promise<void>;
  /** Makes the broker accept the link's login again (after `refuseFirstLogin`). */
  fixLogin(): void;
  /** Enrols and connects a device, subscribed to its cmd/ack/blob/res; returns the client and its inbox. */
  device(deviceId: string): Promise<{ client: MqttClient; inbox: Array<{ topic: string; payload: string }>; secret: string }>;
  close(): Promise<void>;
}

/** Starts a real aedes adapter, fleet and device link (telemetry, blob server, deployments) on a temp data dir. */
export async function startLinkHarness(
  options: { maxConcurrentTransfers?: number; transferIdleMs?: number; deferStart?: boolean; refuseFirstLogin?: boolean } & Pick<DeviceLinkOptions, 'reconnect' | 'onConnectionEvent'> = {},
): Promise<LinkHarness> {
  const fixture = createFleetFixture('fc-link-');
  const brokerDir = join(fixture.dataDir, 'broker');
  const identity = loadOrCreateControllerIdentity(brokerDir);
  const adapter = new AedesBrokerAdapter({ brokerDir, port: 0, verifier: fixture.fleet, controllerIdentity: identity });
  await adapter.start();
  const connection = adapter.controllerConnection();
  // The broker-side credential changes (a rotated or mistyped password file): the link is refused.
  if (options.refuseFirstLogin) identity.password = `${identity.password}-not-the-links`;
  const sender = { role: 'controller' as const, id: 'controller' };
  const blobs = new BlobServer({
    locate: artifactStoreLocator(fixture.dataDir),
    maxConcurrentTransfers: options.maxConcurrentTransfers ?? 4,
    transferIdleMs: options.transferIdleMs ?? 60_000,
    sender,
  });
  const inboundErrors: Array<{ code: string; topic: string }> = [];
  const link = new DeviceLink({
    connection,
    fleet: fixture.fleet,
    telemetry: new TelemetryIngest(fixture.db),
    blobs,
    deployments: (publish) =>
      new Deployments({
        db: fixture.db,
        sendCommand: (deviceId, command) => publish(deviceId, 'cmd', command),
        isOnline: (deviceId) => fixture.fleet.getDevice(deviceId).online,
        onlineDeviceIds: () => fixture.fleet.listDevices().filter((device) => device.online).map((device) => device.id),
        signer: loadOrCreateControllerKey(fixture.dataDir),
        sender,
      }),
    sender,
    onInboundError: (error: FleetcastError, topic) => inboundErrors.push({ code: error.code, topic }),
    reconnect: options.reconnect,
    onConnectionEvent: options.onConnectionEvent,
  });
  const started = link.start();
  if (!options.deferStart) await started;
  const clients: MqttClient[] = [];
  return {
    fixture,
    adapter,
    link,
    queries: new TelemetryQueries(fixture.db),
    blobs,
    inboundErrors,
    identity,
    started,
    fixLogin: () => {
      identity.password = connection.password ?? '';
    },
    async device(deviceId) {
      const secret = await fixture.enrol(deviceId);
      const client = await connectOnce({ url: adapter.deviceEndpoint().url, clientId: deviceId, username: deviceId, password: secret });
      clients.push(client);
      const inbox = collect(client);
      await client.subscribeAsync([deviceTopic(deviceId, 'cmd'), deviceTopic(deviceId, 'ack'), deviceTopic(deviceId, 'blob/res')], { qos: 1 });
      return { client, inbox, secret };
    },
    async close() {
      await Promise.all(clients.map((client) => client.endAsync(true)));
      await link.stop();
      await adapter.stop();
      fixture.cleanup();
    },
  };
}

/** A birth as an agent publishes it on (re)connect. */
export function birth(deviceId: string, activeModel: ModelRef | null, update: BirthState['update'] = { state: 'idle', deploymentId: null }): BirthState {
  return {
    ...envelope({ role: 'device', id: deviceId }),
    type: 'birth',
    online: true,
    agentVersion: '0.1.0',
    hardwareProfile: 'generic-x86',
    activeModel,
    shadowModel: null,
    retainedModels: activeModel ? [activeModel] : [],
    update,
    health: { status: activeModel ? 'healthy' : 'degraded', reasons: activeModel ? [] : ['no_model'] },
    startedAt: new Date().toISOString(),
  };
}

/** Parsed payloads on one channel of an inbox. */
export function messagesOn<T = Record<string, unknown>>(inbox: Array<{ topic: string; payload: string }>, deviceId: string, channel: 'cmd' | 'ack' | 'blob/res'): T[] {
  return inbox.filter((m) => m.topic === deviceTopic(deviceId, channel)).map((m) => JSON.parse(m.payload) as T);
}

/** Waits until `count` messages arrived on a channel. */
export async function waitForCount(inbox: Array<{ topic: string; payload: string }>, deviceId: string, channel: 'cmd' | 'ack' | 'blob/res', count: number, timeoutMs = 5_000): Promise<void> {
  const ok = await eventually(async () => messagesOn(inbox, deviceId, channel).length >= count, timeoutMs, 20);
  if (!ok) throw new Error(`expected ${count} messages on ${deviceId}/${channel}, got ${messagesOn(inbox, deviceId, channel).length}`);
}
