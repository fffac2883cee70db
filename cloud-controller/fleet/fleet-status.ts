import { z } from 'zod';
import { DEFAULT_OFFLINE_AFTER_SEC } from './status-defaults.js';
import { modelRefSchema, timestampSchema } from '../../protocols/envelope.js';
import { healthSchema } from '../../protocols/messages/state.js';
import { updateStateSchema } from '../../protocols/update-states.js';
import { desiredStatusSchema, type DeviceDeploymentStatus } from '../deployments/schema.js';
import type { TelemetryQueries } from '../telemetry/queries.js';
import type { Device } from './schema.js';

/** PSI above which a drift window is flagged (the usual "significant shift" bound). */
export const DRIFT_PSI_THRESHOLD = 0.2;

export { DEFAULT_OFFLINE_AFTER_SEC };

/** One device in `fleetcast status` / `GET /v1/fleet/status`. */
export const deviceStatusSchema = z.object({
  deviceId: z.string(),
  store: z.string(),
  online: z.boolean(),
  lastSeenAt: timestampSchema.nullable(),
  /** Seconds since the last message while offline (null when online or never seen). */
  offlineForSec: z.number().nonnegative().nullable(),
  serving: modelRefSchema.nullable(),
  updateState: updateStateSchema.nullable(),
  deployment: z.object({ deploymentId: z.string(), model: modelRefSchema, status: desiredStatusSchema, errorCode: z.string().nullable() }).nullable(),
  health: healthSchema.nullable(),
  /** WAPE of the serving version on this device over everything reported (null before actuals). */
  wape: z.number().nullable(),
  /** The latest drift window of the serving version crossed DRIFT_PSI_THRESHOLD. */
  drift: z.boolean(),
  /** Why this device makes `status` exit non-zero (`failed`, `offline`), empty when fine. */
  problems: z.array(z.enum(['failed', 'offline'])),
});
export type DeviceStatus = z.infer<typeof deviceStatusSchema>;

/** The fleet at a glance (issue #11). */
export const fleetStatusSchema = z.object({
  at: timestampSchema,
  offlineAfterSec: z.number().int().nonnegative(),
  online: z.number().int().nonnegative(),
  offline: z.number().int().nonnegative(),
  /** Devices per serving version (`demand@2`, `none`). */
  versions: z.record(z.string(), z.number().int().nonnegative()),
  failed: z.number().int().nonnegative(),
  ok: z.boolean(),
  devices: z.array(deviceStatusSchema),
});
export type FleetStatus = z.infer<typeof fleetStatusSchema>;

/** What the status view reads. */
export interface FleetStatusSources {
  devices: Device[];
  deploymentOf: (deviceId: string) => DeviceDeploymentStatus | undefined;
  telemetry?: TelemetryQueries;
  now: Date;
  offlineAfterSec: number;
}

function driftFlag(telemetry: TelemetryQueries, deviceId: string, serving: { name: string; version: number }): boolean {
  const latest = telemetry.driftReports({ model: serving.name, version: serving.version, deviceId, limit: 1 })[0]?.record;
  if (!latest || latest.kind !== 'drift') return false;
  return latest.prediction.psi > DRIFT_PSI_THRESHOLD || latest.features.some((feature) => feature.psi > DRIFT_PSI_THRESHOLD);
}

/** Builds the status of every unrevoked device; `ok` is false when any is failed or offline too long. */
export function fleetStatus(sources: FleetStatusSources): FleetStatus {
  const devices = sources.devices.filter((device) => device.revokedAt === null).map((device): DeviceStatus => {
    const deployment = sources.deploymentOf(device.id);
    const serving = device.reported.activeModel;
    const lastSeen = device.lastSeenAt ? Date.parse(device.lastSeenAt) : null;
    const offlineForSec = device.online || lastSeen === null ? null : Math.max(0, (sources.now.getTime() - lastSeen) / 1000);
    const problems: DeviceStatus['problems'] = [];
    if (deployment?.status === 'failed') problems.push('failed');
    if (!device.online && (offlineForSec === null || offlineForSec > sources.offlineAfterSec)) problems.push('offline');
    return {
      deviceId: device.id,
      store: device.store,
      online: device.online,
      lastSeenAt: device.lastSeenAt,
      offlineForSec,
      serving,
      updateState: device.reported.updateState,
      deployment: deployment ? { deploymentId: deployment.deploymentId, model: deployment.model, status: deployment.status, errorCode: deployment.errorCode } : null,
      health: device.reported.health,
      wape: serving && sources.telemetry ? sources.telemetry.accuracySummary({ model: serving.name, version: serving.version, deviceIds: [device.id] }).wape : null,
      drift: serving && sources.telemetry ? driftFlag(sources.telemetry, device.id, serving) : false,
      problems,
    };
  });
  const versions: Record<string, number> = {};
  for (const device of devices) {
    const key = device.serving ? `${device.serving.name}@${device.serving.version}` : 'none';
    versions[key] = (versions[key] ?? 0) + 1;
  }
  const online = devices.filter((device) => device.online).length;
  return {
    at: sources.now.toISOString(),
    offlineAfterSec: sources.offlineAfterSec,
    online,
    offline: devices.length - online,
    versions,
    failed: devices.filter((device) => device.problems.includes('failed')).length,
    ok: devices.every((device) => device.problems.length === 0),
    devices,
  };
}
