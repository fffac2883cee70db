import type { Logger } from '../../protocols/runtime/logger.js';
import type { Command } from '../../protocols/messages/cmd/index.js';
import type { AckMessage } from '../../protocols/messages/ack.js';
import type { BlobResponseMessage } from '../../protocols/messages/blob.js';
import type { StateMessage } from '../../protocols/messages/state.js';
import type { DeploymentEvent } from '../../protocols/messages/evt.js';
import type { Sender } from '../../protocols/envelope.js';
import type { Deployments } from '../deployments/desired-state.js';
import type { TelemetryIngest } from '../telemetry/ingest.js';
import type { BlobServer } from '../distribution/blob-server.js';

/** Messages the controller sends, by channel (the controller→device half of protocols/topics.ts). */
export interface OutboundMessages {
  cmd: Command;
  ack: AckMessage;
  'blob/res': BlobResponseMessage;
}

/** Publishes one message to a device (QoS 1). */
export type DevicePublisher = <C extends keyof OutboundMessages>(deviceId: string, channel: C, message: OutboundMessages[C]) => Promise<void>;

/** What the fleet must offer the link (`Fleet` satisfies it). */
export interface LinkFleet {
  isEnrolled(deviceId: string): boolean;
  isRevoked(deviceId: string): boolean;
  recordDeviceState(deviceId: string, message: StateMessage): unknown;
  recordSeen(deviceId: string): void;
  recordDeploymentEvent(deviceId: string, event: DeploymentEvent): unknown;
}

/** Everything the inbound handlers use; built once by the device link. */
export interface LinkContext {
  fleet: LinkFleet;
  deployments: Deployments;
  telemetry: TelemetryIngest;
  blobs: BlobServer;
  publish: DevicePublisher;
  sender: Sender;
  log: Logger;
}
