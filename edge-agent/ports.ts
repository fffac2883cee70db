import type { BundleManifest } from '../protocols/bundle/manifest.js';
import type { ServingPrecision } from '../protocols/bundle/serving-precision.js';
import type { HistoryActual } from '../protocols/features/sales-history.js';
import type { ModelRef } from '../protocols/envelope.js';
import type { UpdateState } from '../protocols/update-states.js';
import type { DeviceChannel } from '../protocols/topics.js';
import type { Logger } from '../protocols/runtime/logger.js';
import type { BundleSource, DeployCommand, RollbackCommand, SigningKeysCommand } from '../protocols/messages/cmd/index.js';

/**
 * The seams between the serving side (this engineer) and the update engine / model store
 * (edge-agent/update, edge-agent/model-store). Both sides write against these small shapes
 * so they can evolve separately (issue #5 "Interfaces").
 */

/** The model the store says is active: what the scorer loads. */
export interface ActiveModel {
  ref: ModelRef;
  /** Directory holding the unpacked, verified bundle. */
  dir: string;
  manifest: BundleManifest;
  /** The ONNX file to run: int8 when it shipped and passed its golden samples here, else fp32. */
  modelPath: string;
  /** Which of the two `modelPath` is, and why fp32 serves an int8 bundle (issue #10). */
  serving: ServingPrecision;
}

/** Where the daemon learns which model should serve, and when that changes. */
export interface ActiveModelSource {
  /** The model to serve now, or null when none is installed. */
  active(): ActiveModel | null;
  /** Called after the active model changed (activate, rollback); returns an unsubscribe. */
  onChange(listener: (model: ActiveModel | null) => void): () => void;
}

/** A message handler on one of the device's cloud channels. */
export type UplinkHandler = (message: unknown, raw: Buffer) => void;

/**
 * The device's cloud link as other modules see it: publish on and subscribe to the device's
 * own channels (`fc/v1/d/{deviceId}/…`). Publishes while offline wait for the next connection
 * (mqtt.js offline queue with a persistent session), QoS 1 always.
 */
export interface UplinkPort {
  publish(channel: DeviceChannel, message: unknown): Promise<void>;
  subscribe(channel: DeviceChannel, handler: UplinkHandler): () => void;
}

/**
 * Hook the update engine calls to make a newly activated (or rolled-back) model serve: the
 * scorer loads it, waits for requests already running, and swaps between requests. Rejects
 * (and keeps the old model serving) when the model cannot be loaded.
 */
export type SwapModelHook = (model: ActiveModel | null) => Promise<void>;

/** What the daemon gives every module it constructs. */
export interface AgentServices {
  logger: Logger;
  uplink: UplinkPort;
  swapModel: SwapModelHook;
  /** Seeds the serving history (local actuals win); returns rows added (issue #10). */
  seedHistory?: (rows: readonly HistoryActual[]) => number;
}

/**
 * The update engine as the command dispatcher drives it (edge-agent/update). It reports its
 * own progress as `deployment` events; a rejection here only means the command was not taken.
 */
export interface UpdateCommands {
  deploy(command: DeployCommand): Promise<void>;
  rollback(command: RollbackCommand): Promise<void>;
  /** Verifies and persists a controller-signed signing-key set (issue #11); throws coded when refused. */
  applySigningKeys?(command: SigningKeysCommand): void;
  /** Called after every uplink (re)connect: re-send deployment events persisted while offline. */
  onUplinkOnline?(): void;
  /** Update state and deployment for the birth message (reconciliation). */
  status?(): { state: UpdateState; deploymentId: string | null };
  /** Versions kept locally for rollback, newest first (birth `retainedModels`). */
  retainedModels?(): Promise<ModelRef[]>;
  /** Verifies and keeps a bundle beside the active model, not activated (issue #13 shadow scoring). */
  installBeside?(installId: string, model: ModelRef, bundle: BundleSource | null): Promise<ActiveModel>;
}
