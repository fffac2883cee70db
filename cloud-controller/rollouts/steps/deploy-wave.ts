import { isStoreOpen } from '../../fleet/opening-hours.js';
import { failedGates, waveExecuted } from '../criteria.js';
import { TRANSIENT_INSTALL_FAILURES, waveDeploymentId } from '../evidence.js';
import { waveTargetCount } from '../spec.js';
import type { Rollout } from '../store.js';
import { evidenceOf, orderedTarget, type StepContext } from './context.js';

/**
 * `deploying`: fills the current wave up to its size from the ordered target, sending the version
 * only to stores outside their opening hours (the rest are recorded as deferred and retried on
 * the next tick); each device's row is written before its command goes out, and the wave's
 * deployment id makes a repeated send after a restart a no-op. An install that failed for a
 * transient reason is retried under a new attempt id, up to `installRetries`. Moves on when the gates fail or
 * every device of the wave executed.
 */
export async function deployWave(context: StepContext, rollout: Rollout): Promise<Rollout> {
  const wave = rollout.spec.waves[rollout.wave];
  const target = orderedTarget(context, rollout);
  const rows = context.store.devices(rollout.rolloutId);
  const assigned = new Set(rows.map((device) => device.deviceId));
  // Per device of the wave, the attempt it should be on: rows written before a crash that came
  // before their deploy are sent now; a transient failure with retries left gets a new attempt.
  const sends = new Map<string, string[]>();
  const send = (deploymentId: string, deviceId: string): void => {
    sends.set(deploymentId, [...(sends.get(deploymentId) ?? []), deviceId]);
  };
  for (const row of rows.filter((r) => r.wave === rollout.wave && r.status === 'assigned')) {
    const desired = context.deployments.deviceStatus(row.deviceId);
    const current = waveDeploymentId(rollout.rolloutId, rollout.wave, row.attempts);
    if (desired?.deploymentId !== current) {
      send(current, row.deviceId);
    } else if (desired.status === 'failed' && desired.errorCode !== null && TRANSIENT_INSTALL_FAILURES.has(desired.errorCode) && row.attempts < rollout.spec.installRetries) {
      context.store.retry(rollout.rolloutId, row.deviceId, rollout.wave, desired.errorCode);
      send(waveDeploymentId(rollout.rolloutId, rollout.wave, row.attempts + 1), row.deviceId);
    }
  }
  const need = waveTargetCount(wave.size, target.length) - target.filter((device) => assigned.has(device.id)).length;
  const picks = target.filter((device) => !assigned.has(device.id)).slice(0, Math.max(0, need));
  const now = context.now();
  let fresh = 0;
  for (const device of picks) {
    if (rollout.spec.respectOpeningHours && isStoreOpen(device.openingHours, device.timezone, now)) {
      context.store.recordOnce(rollout.rolloutId, rollout.wave, 'deferred', device.id, `${device.id}: store ${device.store} is open (${device.timezone})`, { deviceId: device.id, timezone: device.timezone, openingHours: device.openingHours, at: now.toISOString() });
      continue;
    }
    context.store.assign(rollout.rolloutId, device.id, rollout.wave, device.reported.activeModel);
    send(waveDeploymentId(rollout.rolloutId, rollout.wave), device.id);
    fresh += 1;
  }
  for (const [deploymentId, deviceIds] of sends) {
    await context.deployments.deploy({ deploymentId, model: rollout.model, bundle: rollout.bundle, deviceIds, rollout: { id: rollout.rolloutId, wave: rollout.wave }, actor: `rollout:${rollout.rolloutId}` });
  }
  const evidence = evidenceOf(context, rollout);
  const failed = failedGates(evidence, wave.success, rollout.spec.abort);
  if (failed.length > 0) return context.store.transition(rollout.rolloutId, 'deploying', 'gate_failed', 'controller', failed.join('; '), evidence);
  const deferred = picks.length - fresh;
  if (deferred === 0 && waveExecuted(evidence, wave.minDevices)) {
    const bakeUntil = new Date(now.getTime() + wave.bakeSeconds * 1000).toISOString();
    return context.store.transition(rollout.rolloutId, 'deploying', 'wave_executed', 'controller', `wave ${rollout.wave}: ${evidence.wave.committed}/${evidence.wave.devices} committed; bake until ${bakeUntil}`, evidence, { bakeUntil });
  }
  return rollout;
}
