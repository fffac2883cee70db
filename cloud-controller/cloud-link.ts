import { join } from 'node:path';
import type { Sender } from '../protocols/envelope.js';
import type { ControllerContext } from './controller-context.js';
import type { BrokerConfig } from './config/broker-config.js';
import type { ControllerConfig } from './config/schema.js';
import { attachFleetProvisioning, type BrokerAdapter } from './broker/adapter.js';
import { AedesBrokerAdapter } from './broker/aedes-adapter.js';
import { ExternalMqttAdapter } from './broker/external-adapter.js';
import { AwsIotAdapter } from './broker/aws-iot/aws-iot-adapter.js';
import { loadOrCreateControllerIdentity } from './broker/controller-identity.js';
import { DeviceLink } from './link/device-link.js';
import { Deployments } from './deployments/desired-state.js';
import { TelemetryIngest } from './telemetry/ingest.js';
import { TelemetryQueries } from './telemetry/queries.js';
import { BlobServer } from './distribution/blob-server.js';
import { artifactStoreLocator } from './distribution/bundle-locator.js';
import { loadOrCreateControllerKey } from './deployments/controller-key.js';

/** How the controller names itself in the envelopes it sends. */
export const CONTROLLER_SENDER: Sender = { role: 'controller', id: 'controller' };

/** The running broker half: adapter, device link and the modules the REST API exposes. */
export interface CloudLink {
  adapter: BrokerAdapter;
  link: DeviceLink;
  deployments: Deployments;
  telemetry: TelemetryQueries;
  /** Bundle chunks over MQTT (its byte count feeds `/metrics`, issue #14). */
  blobs: BlobServer;
  /** Telemetry ingest (rollouts tick when new records arrive, issue #13). */
  ingest: TelemetryIngest;
  /** Stops the link, then the broker, and detaches provisioning. */
  stop(): Promise<void>;
}

/**
 * The adapter the config asks for; its material lives in `<dataDir>/broker`. Constructing one
 * starts nothing, so the CLI also uses it to provision devices it enrols on the data dir.
 */
export function createBrokerAdapter(config: BrokerConfig, context: ControllerContext): BrokerAdapter {
  const brokerDir = join(context.config.dataDir, 'broker');
  if (config.kind === 'aws-iot') {
    return new AwsIotAdapter({
      region: config.region, endpoint: config.endpoint, brokerDir, devicePolicyName: config.devicePolicyName, thingGroupName: config.thingGroupName, controllerThingName: config.controllerThingName,
    });
  }
  const controllerIdentity = loadOrCreateControllerIdentity(brokerDir);
  if (config.kind === 'mqtt') {
    return new ExternalMqttAdapter({ url: config.url, deviceUrl: config.deviceUrl, caFile: config.caFile, controllerIdentity, mosquitto: config.mosquitto });
  }
  return new AedesBrokerAdapter({ brokerDir, host: config.host, port: config.port, tls: config.tls, limits: config.limits, verifier: context.fleet, controllerIdentity });
}

/**
 * Wires the broker engineer's modules (issue #6 part B) to the core: the fleet authenticates
 * devices and provisions them on enrol/revoke, the device link feeds fleet inventory,
 * deployments, telemetry and bundle distribution from one MQTT session.
 */
export async function startCloudLink(context: ControllerContext, config: ControllerConfig, bundleUrl?: (sha256: string) => string): Promise<CloudLink> {
  const adapter = createBrokerAdapter(config.broker, context);
  const detach = attachFleetProvisioning(adapter, context.fleet);
  await adapter.start();
  const ingest = new TelemetryIngest(context.db);
  const blobs = new BlobServer({
    locate: artifactStoreLocator(config.dataDir),
    maxConcurrentTransfers: config.distribution.maxConcurrentTransfers,
    transferIdleMs: config.distribution.transferIdleMs,
    sender: CONTROLLER_SENDER,
  });
  const link = new DeviceLink({
    connection: adapter.controllerConnection(),
    fleet: context.fleet,
    telemetry: ingest,
    blobs,
    deployments: (publish) => new Deployments({
      db: context.db,
      sendCommand: (deviceId, command) => publish(deviceId, 'cmd', command),
      isOnline: (deviceId) => context.fleet.getDevice(deviceId).online,
      onlineDeviceIds: () => context.fleet.listDevices().filter((device) => device.online && device.revokedAt === null).map((device) => device.id),
      signer: loadOrCreateControllerKey(config.dataDir),
      bundleUrl,
      historyFor: (deviceId) => context.history.source(context.fleet.getDevice(deviceId).store),
      sender: CONTROLLER_SENDER,
    }),
    sender: CONTROLLER_SENDER,
  });
  try {
    await link.start();
  } catch (error) {
    detach();
    await adapter.stop();
    throw error;
  }
  return {
    adapter,
    link,
    deployments: link.deployments,
    telemetry: new TelemetryQueries(context.db),
    blobs,
    ingest,
    stop: async () => {
      await link.stop();
      await adapter.stop();
      detach();
    },
  };
}
