import type { Rollout, RolloutDevice } from '../store.js';
import type { StepContext } from './context.js';

/** The deployment id that returns a rollout's devices to one earlier version. */
function rollbackDeploymentId(rollout: Rollout, previous: { name: string; version: number }): string {
  return `${rollout.rolloutId}-rb-${previous.name}-v${previous.version}`;
}

/**
 * `aborting`: every device the rollout updated goes back to the version it ran before, through
 * the operator rollback path (issue #11: kind `rollback`, a controller-signed downgrade
 * authorization per device). Devices are marked `rolling_back` before the commands go out; one
 * deployment per earlier version, idempotent by id, so a restart re-sends nothing. A device that
 * ran no model before keeps the version (nothing to return to) and is recorded as such. The
 * rollout is `aborted` once every rollback committed or failed; devices not yet reached never
 * receive the version, since no further wave is assigned.
 */
export async function rollBack(context: StepContext, rollout: Rollout): Promise<Rollout> {
  const devices = context.store.devices(rollout.rolloutId);
  const groups = new Map<string, { previous: { name: string; version: number }; ids: string[] }>();
  for (const device of devices.filter((d) => d.status === 'assigned' || d.status === 'rolling_back')) {
    if (!device.previous || (device.previous.name === rollout.model.name && device.previous.version === rollout.model.version)) {
      context.store.setDeviceStatus(rollout.rolloutId, device.deviceId, 'no_previous');
      continue;
    }
    if (device.status === 'assigned') context.store.setDeviceStatus(rollout.rolloutId, device.deviceId, 'rolling_back');
    const key = `${device.previous.name}@${device.previous.version}`;
    const group = groups.get(key) ?? { previous: device.previous, ids: [] };
    group.ids.push(device.deviceId);
    groups.set(key, group);
  }
  for (const { previous, ids } of groups.values()) {
    const version = context.registry.getModelVersion(previous.name, previous.version);
    await context.deployments.deploy({
      deploymentId: rollbackDeploymentId(rollout, previous),
      model: previous,
      bundle: { sha256: version.sha256, size: version.size },
      deviceIds: ids,
      kind: 'rollback',
      authorizeDowngrade: true,
      actor: `rollout:${rollout.rolloutId}`,
    });
  }
  const current = context.store.devices(rollout.rolloutId);
  if (current.some((device) => device.status === 'rolling_back' && !rollbackDone(context, rollout, device))) return rollout;
  const outcome = current.map((device) => ({ deviceId: device.deviceId, status: device.status, previous: device.previous, deployment: context.deployments.deviceStatus(device.deviceId)?.status ?? null }));
  for (const device of outcome) if (device.status === 'rolling_back') context.store.setDeviceStatus(rollout.rolloutId, device.deviceId, 'rolled_back');
  const back = [...groups.values()][0]?.previous;
  if (back) context.registry.recordRollback(rollout.model.name, rollout.model.version, back.version, `rollout:${rollout.rolloutId}`, `rollout ${rollout.rolloutId} aborted`);
  return context.store.transition(rollout.rolloutId, 'aborting', 'rolled_back', 'controller', `${outcome.filter((d) => d.status === 'rolling_back').length} device(s) rolled back`, { devices: outcome });
}

/** Whether a device's rollback deployment reached an end (committed or failed). */
function rollbackDone(context: StepContext, rollout: Rollout, device: RolloutDevice): boolean {
  if (!device.previous) return true;
  const status = context.deployments.deviceStatus(device.deviceId);
  return status?.deploymentId === rollbackDeploymentId(rollout, device.previous) && (status.status === 'committed' || status.status === 'failed');
}
